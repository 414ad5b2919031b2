// Seeking in WebM: the init segment and the Cues index (time → cluster offset), read by ranges.
import { EBML_ID as ID, elementAt, elements, readFloat, readUint } from './ebml.ts'
import type { RangeReader } from './probe-types.ts'

const HEAD_BYTES = [64 * 1024, 1024 * 1024]
/** A Cues element larger than this is not read (about 1 M cue points). */
const MAX_CUES_BYTES = 16 * 1024 * 1024

export interface CuePoint {
  /** Seconds from the start. */
  time: number
  /** Absolute byte offset of the cluster in the file. */
  offset: number
}

export interface WebmLayout {
  /** EBML header, Segment header, Info and Tracks: every byte before the first Cluster. */
  init: Uint8Array
  /** Offset of the first Cluster. */
  firstCluster: number
  /** Offset of the Segment's payload (Cues positions count from there). */
  segmentStart: number
  /** Nanoseconds per timecode unit (Info.TimecodeScale, default 1 ms). */
  timecodeScale: number
  duration: number | null
  /** Cues found before the first Cluster (`-cues_to_front`), else null. */
  cues: CuePoint[] | null
  /** Offset of the Cues element from the SeekHead, when they are elsewhere (usually at the end). */
  cuesOffset: number | null
}

/** The layout from the file's first bytes; 'more' if the first Cluster is not in them, null if not WebM. */
export function parseWebmHead(bytes: Uint8Array): WebmLayout | null | 'more' {
  const header = elementAt(bytes, 0, bytes.length)
  if (!header) return bytes.length < 12 && [0x1a, 0x45, 0xdf, 0xa3].every((b, i) => i >= bytes.length || bytes[i] === b) ? 'more' : null
  if (header.id !== ID.EBML) return null
  const segment = elementAt(bytes, header.end, bytes.length)
  if (!segment) return 'more'
  if (segment.id !== ID.Segment) return null
  const layout: Omit<WebmLayout, 'init' | 'firstCluster'> = {
    segmentStart: segment.body, timecodeScale: 1_000_000, duration: null, cues: null, cuesOffset: null,
  }
  let rawDuration = NaN
  for (const el of elements(bytes, segment.body, segment.end)) {
    if (el.id === ID.Cluster) {
      if (Number.isFinite(rawDuration)) layout.duration = (rawDuration * layout.timecodeScale) / 1e9
      return { ...layout, init: bytes.slice(0, el.start), firstCluster: el.start }
    }
    if (el.end > bytes.length) return 'more'
    if (el.id === ID.SeekHead) {
      const position = seekPosition(bytes, el.body, el.end, ID.Cues)
      if (position !== null) layout.cuesOffset = segment.body + position
    } else if (el.id === ID.Info) {
      for (const child of elements(bytes, el.body, el.end)) {
        if (child.id === ID.TimecodeScale) layout.timecodeScale = readUint(bytes, child) || 1_000_000
        else if (child.id === ID.Duration) rawDuration = readFloat(bytes, child)
      }
    } else if (el.id === ID.Cues) {
      layout.cues = parseCues(bytes.subarray(el.body, el.end), segment.body, layout.timecodeScale)
    }
  }
  return 'more'
}

/** SeekHead: the Segment-relative position of the element `target`, or null. */
function seekPosition(bytes: Uint8Array, from: number, to: number, target: number): number | null {
  for (const seek of elements(bytes, from, to)) {
    if (seek.id !== ID.Seek) continue
    let id = -1
    let position: number | null = null
    for (const el of elements(bytes, seek.body, seek.end)) {
      if (el.id === ID.SeekID) id = readUint(bytes, el)
      else if (el.id === ID.SeekPosition) position = readUint(bytes, el)
    }
    if (id === target && position !== null) return position
  }
  return null
}

/**
 * Cue points from the payload of a Cues element, sorted by time. Cluster positions are relative to the
 * Segment payload at `segmentStart`; times are in `timecodeScale` nanoseconds. Pure.
 */
export function parseCues(body: Uint8Array, segmentStart: number, timecodeScale: number): CuePoint[] {
  const points: CuePoint[] = []
  for (const point of elements(body, 0, body.length)) {
    if (point.id !== ID.CuePoint || point.end > body.length) continue
    let time = -1
    let position = -1
    for (const el of elements(body, point.body, point.end)) {
      if (el.id === ID.CueTime) time = readUint(body, el)
      else if (el.id === ID.CueTrackPositions && position < 0) {
        for (const pos of elements(body, el.body, el.end)) if (pos.id === ID.CueClusterPosition) position = readUint(body, pos)
      }
    }
    if (time >= 0 && position >= 0) points.push({ time: (time * timecodeScale) / 1e9, offset: segmentStart + position })
  }
  return points.sort((a, b) => a.time - b.time || a.offset - b.offset)
}

/** The last cue point at or before `seconds` (the cluster to start from), or null before the first. */
export function cueFor(cues: readonly CuePoint[], seconds: number): CuePoint | null {
  let lo = 0
  let hi = cues.length - 1
  let found: CuePoint | null = null
  while (lo <= hi) {
    const mid = (lo + hi) >> 1
    const cue = cues[mid]!
    if (cue.time <= seconds) {
      found = cue
      lo = mid + 1
    } else {
      hi = mid - 1
    }
  }
  return found
}

/** Reads the layout from the head of the file (64 KiB, then 1 MiB if needed); null if not a WebM we can seek in. */
export async function readWebmLayout(read: RangeReader, length: number): Promise<WebmLayout | null> {
  for (const size of HEAD_BYTES) {
    const bytes = await read(0, Math.min(length, size))
    const layout = parseWebmHead(bytes)
    if (layout !== 'more') return layout
    if (bytes.length >= length) return null
  }
  return null
}

/** The cue points: from the head, or read at the SeekHead's Cues offset (two small ranged reads). [] if none. */
export async function readCues(read: RangeReader, length: number, layout: WebmLayout): Promise<CuePoint[]> {
  if (layout.cues) return layout.cues
  const at = layout.cuesOffset
  if (at === null || at >= length) return []
  const header = elementAt(await read(at, Math.min(length, at + 12)), 0, Infinity)
  if (!header || header.id !== ID.Cues || !Number.isFinite(header.end) || header.end - header.body > MAX_CUES_BYTES) return []
  const body = await read(at + header.body, Math.min(length, at + header.end))
  return parseCues(body, layout.segmentStart, layout.timecodeScale)
}
