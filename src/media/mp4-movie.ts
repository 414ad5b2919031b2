import { readUint32BE } from '../util/bytes.ts'
import { boxAt, children, type Box } from './mp4-boxes.ts'
import { sampleEntryCodec } from './mp4-probe.ts'

// The sample tables of a plain (unfragmented) MP4, as the remuxer needs them: where each sample is in
// the file, when it is decoded and shown, and whether a decoder can start at it.

export interface Mp4Track {
  id: number
  kind: 'video' | 'audio'
  /** RFC 6381 codec string, for `addSourceBuffer`. */
  codec: string
  timescale: number
  /** The track's `trak` box (its sample tables are rewritten empty in the init segment). */
  trak: Uint8Array
  /** Seconds added to every timestamp: the edit list's start (a B-frame delay, audio priming). */
  shift: number
  count: number
  offset: Float64Array
  size: Uint32Array
  /** Decode time, in `timescale` units. */
  dts: Float64Array
  duration: Uint32Array
  /** Composition offset (presentation = dts + cto). */
  cto: Int32Array
  sync: Uint8Array
}

export interface Mp4Movie {
  /** The file's `mvhd` box. */
  mvhd: Uint8Array
  /** The first video track and the first audio track, in file order. */
  tracks: Mp4Track[]
  /** Seconds. */
  duration: number
  /** Whether one pass through the file meets every track's samples at about the same time. */
  interleaved: boolean
}

/**
 * Tracks whose samples of the same time lie further apart in the file are read in a pass each: one pass
 * would read this far ahead in one track before the other's next samples.
 */
const MAX_INTERLEAVE_BYTES = 1024 * 1024

/**
 * Reads `moov` (the whole box) into sample tables. Null for what the remuxer does not handle: fragmented
 * files, several sample descriptions in a track, samples out of file order, or tables that claim more
 * entries than they hold.
 */
export function readMovie(moov: Uint8Array): Mp4Movie | null {
  const root = boxAt(moov, 0, moov.length)
  if (!root || root.type !== 'moov') return null
  const top = children(moov, root.body, root.end)
  if (top.some((b) => b.type === 'mvex')) return null
  const mvhd = top.find((b) => b.type === 'mvhd')
  if (!mvhd) return null
  const movieScale = readUint32BE(moov, mvhd.body + (moov[mvhd.body] === 1 ? 20 : 12))
  const tracks: Mp4Track[] = []
  for (const trak of top.filter((b) => b.type === 'trak')) {
    const track = readTrack(moov, trak, movieScale)
    if (track === undefined) continue
    if (track === null) return null
    if (!tracks.some((t) => t.kind === track.kind)) tracks.push(track)
  }
  if (tracks.length === 0) return null
  const duration = Math.max(...tracks.map((t) => (t.count ? (t.dts[t.count - 1]! + t.duration[t.count - 1]!) / t.timescale : 0) + t.shift))
  return { mvhd: moov.slice(mvhd.start, mvhd.end), tracks, duration, interleaved: interleaved(tracks) }
}

function child(bytes: Uint8Array, box: Box | undefined, type: string): Box | undefined {
  return box && children(bytes, box.body, box.end).find((b) => b.type === type)
}

/** undefined: not audio or video, or empty (skipped); null: a track the remuxer cannot take. */
function readTrack(bytes: Uint8Array, trak: Box, movieScale: number): Mp4Track | null | undefined {
  const mdia = child(bytes, trak, 'mdia')
  const hdlr = child(bytes, mdia, 'hdlr')
  const kind = hdlr && String.fromCharCode(...bytes.subarray(hdlr.body + 8, hdlr.body + 12))
  if (kind !== 'vide' && kind !== 'soun') return undefined
  const tkhd = child(bytes, trak, 'tkhd')
  const mdhd = child(bytes, mdia, 'mdhd')
  const stbl = child(bytes, child(bytes, mdia, 'minf'), 'stbl')
  const table = (type: string) => child(bytes, stbl, type)
  const stsd = table('stsd')
  const sizes = table('stsz') ?? table('stz2')
  const chunks = table('stco') ?? table('co64')
  const stsc = table('stsc')
  const stts = table('stts')
  if (!tkhd || !mdhd || !stsd || !sizes || !chunks || !stsc || !stts) return null
  const entries = children(bytes, stsd.body + 8, stsd.end)
  if (entries.length !== 1 || !tablesFit(bytes, { sizes, chunks, stsc, stts, ctts: table('ctts'), stss: table('stss') })) return null
  const timescale = readUint32BE(bytes, mdhd.body + (bytes[mdhd.body] === 1 ? 20 : 12))
  if (!timescale) return null

  const size = readSizes(bytes, sizes)
  const count = size.length
  if (count === 0) return undefined
  const offset = readOffsets(bytes, chunks, stsc, size)
  if (!offset) return null
  const { dts, duration } = readTimes(bytes, stts, count)
  const ctts = table('ctts')
  const cto = ctts ? readCompositionOffsets(bytes, ctts, count) : new Int32Array(count)
  const stss = table('stss')
  const sync = new Uint8Array(count).fill(stss ? 0 : 1)
  if (stss) {
    for (let i = 0, n = readUint32BE(bytes, stss.body + 4); i < n; i++) {
      const at = readUint32BE(bytes, stss.body + 8 + 4 * i) - 1
      if (at >= 0 && at < count) sync[at] = 1
    }
  }
  for (let i = 1; i < count; i++) if (offset[i]! < offset[i - 1]!) return null
  const trackId = readUint32BE(bytes, tkhd.body + (bytes[tkhd.body] === 1 ? 20 : 12))
  return {
    id: trackId,
    kind: kind === 'vide' ? 'video' : 'audio',
    codec: sampleEntryCodec(bytes, entries[0]!),
    timescale,
    trak: bytes.slice(trak.start, trak.end),
    shift: editShift(bytes, child(bytes, child(bytes, trak, 'edts'), 'elst'), movieScale, timescale),
    count,
    offset,
    size,
    dts,
    duration,
    cto,
    sync,
  }
}

/** More samples than any real file has: a count above it is a broken table. */
const MAX_SAMPLES = 20_000_000

/** Whether every table's entries, as many as its count says, lie inside its box. */
function tablesFit(bytes: Uint8Array, t: { sizes: Box; chunks: Box; stsc: Box; stts: Box; ctts?: Box | undefined; stss?: Box | undefined }): boolean {
  const count = (box: Box, at: number) => (box.body + at + 4 <= box.end ? readUint32BE(bytes, box.body + at) : Infinity)
  const fits = (box: Box | undefined, at: number, entryBytes: number, entries: number) => !box || box.body + at + entryBytes * entries <= box.end
  const samples = count(t.sizes, 8)
  const fixedSize = t.sizes.type === 'stsz' && count(t.sizes, 4) !== 0
  const sizeBytes = t.sizes.type === 'stsz' ? (fixedSize ? 0 : 4) : (bytes[t.sizes.body + 7] ?? 32) / 8
  return (
    samples <= MAX_SAMPLES &&
    fits(t.sizes, 12, sizeBytes, samples) &&
    fits(t.chunks, 8, t.chunks.type === 'co64' ? 8 : 4, count(t.chunks, 4)) &&
    fits(t.stsc, 8, 12, count(t.stsc, 4)) &&
    fits(t.stts, 8, 8, count(t.stts, 4)) &&
    (!t.ctts || fits(t.ctts, 8, 8, count(t.ctts, 4))) &&
    (!t.stss || fits(t.stss, 8, 4, count(t.stss, 4)))
  )
}

function readSizes(bytes: Uint8Array, box: Box): Uint32Array {
  const count = readUint32BE(bytes, box.body + 8)
  const out = new Uint32Array(count)
  if (box.type === 'stsz') {
    const fixed = readUint32BE(bytes, box.body + 4)
    for (let i = 0; i < count; i++) out[i] = fixed || readUint32BE(bytes, box.body + 12 + 4 * i)
    return out
  }
  const bits = bytes[box.body + 7]!
  for (let i = 0; i < count; i++) {
    const at = box.body + 12
    if (bits === 16) out[i] = (bytes[at + 2 * i]! << 8) | bytes[at + 2 * i + 1]!
    else if (bits === 8) out[i] = bytes[at + i]!
    else out[i] = (bytes[at + (i >> 1)]! >> (i & 1 ? 0 : 4)) & 0xf
  }
  return out
}

/** Each sample's file offset from the chunk offsets and the sample-to-chunk runs. */
function readOffsets(bytes: Uint8Array, chunks: Box, stsc: Box, size: Uint32Array): Float64Array | null {
  const count = size.length
  const chunkCount = readUint32BE(bytes, chunks.body + 4)
  const wide = chunks.type === 'co64'
  const chunkOffset = (i: number) =>
    wide ? readUint32BE(bytes, chunks.body + 8 + 8 * i) * 2 ** 32 + readUint32BE(bytes, chunks.body + 12 + 8 * i) : readUint32BE(bytes, chunks.body + 8 + 4 * i)
  const runs = readUint32BE(bytes, stsc.body + 4)
  const out = new Float64Array(count)
  let sample = 0
  for (let r = 0; r < runs && sample < count; r++) {
    const at = stsc.body + 8 + 12 * r
    const first = readUint32BE(bytes, at) - 1
    const perChunk = readUint32BE(bytes, at + 4)
    const next = r + 1 < runs ? readUint32BE(bytes, at + 12) - 1 : chunkCount
    for (let c = first; c < next && sample < count; c++) {
      if (c >= chunkCount) return null
      for (let k = 0, position = chunkOffset(c); k < perChunk && sample < count; k++, sample++) {
        out[sample] = position
        position += size[sample]!
      }
    }
  }
  return sample === count ? out : null
}

function readTimes(bytes: Uint8Array, stts: Box, count: number): { dts: Float64Array; duration: Uint32Array } {
  const dts = new Float64Array(count)
  const duration = new Uint32Array(count)
  let sample = 0
  let time = 0
  for (let e = 0, n = readUint32BE(bytes, stts.body + 4); e < n && sample < count; e++) {
    const run = readUint32BE(bytes, stts.body + 8 + 8 * e)
    const delta = readUint32BE(bytes, stts.body + 12 + 8 * e)
    for (let k = 0; k < run && sample < count; k++, sample++, time += delta) {
      dts[sample] = time
      duration[sample] = delta
    }
  }
  // A table shorter than the samples: the rest last as long as the last run's.
  for (const last = sample ? duration[sample - 1]! : 0; sample < count; sample++, time += last) {
    dts[sample] = time
    duration[sample] = last
  }
  return { dts, duration }
}

/** Version 0 offsets are unsigned, but writers put negative ones there too: read both as signed. */
function readCompositionOffsets(bytes: Uint8Array, ctts: Box, count: number): Int32Array {
  const out = new Int32Array(count)
  let sample = 0
  for (let e = 0, n = readUint32BE(bytes, ctts.body + 4); e < n && sample < count; e++) {
    const run = readUint32BE(bytes, ctts.body + 8 + 8 * e)
    const value = readUint32BE(bytes, ctts.body + 12 + 8 * e) | 0
    for (let k = 0; k < run && sample < count; k++) out[sample++] = value
  }
  return out
}

/** Leading empty edits delay the track; the first real edit's media time is where it starts. */
function editShift(bytes: Uint8Array, elst: Box | undefined, movieScale: number, timescale: number): number {
  if (!elst || !movieScale) return 0
  const wide = bytes[elst.body] === 1
  const entry = wide ? 20 : 12
  if (elst.body + 8 + entry * readUint32BE(bytes, elst.body + 4) > elst.end) return 0
  let delay = 0
  for (let e = 0, n = readUint32BE(bytes, elst.body + 4); e < n; e++) {
    const at = elst.body + 8 + entry * e
    const duration = wide ? readUint32BE(bytes, at) * 2 ** 32 + readUint32BE(bytes, at + 4) : readUint32BE(bytes, at)
    const high = readUint32BE(bytes, at + (wide ? 8 : 4)) | 0
    const mediaTime = wide ? high * 2 ** 32 + readUint32BE(bytes, at + 12) : high
    if (mediaTime === -1) delay += duration / movieScale
    else return delay - mediaTime / timescale
  }
  return delay
}

function interleaved(tracks: Mp4Track[]): boolean {
  if (tracks.length < 2) return true
  const [a, b] = tracks as [Mp4Track, Mp4Track]
  for (let i = 0, j = 0; i < a.count; i += Math.max(1, Math.floor(a.count / 64))) {
    const time = a.dts[i]! / a.timescale
    while (j + 1 < b.count && b.dts[j + 1]! / b.timescale <= time) j++
    if (Math.abs(a.offset[i]! - b.offset[j]!) > MAX_INTERLEAVE_BYTES) return false
  }
  return true
}
