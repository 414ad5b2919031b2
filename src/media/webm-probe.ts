import { toHex, utf8Decode } from '../util/bytes.ts'
import type { ProbeResult, RangeReader } from './probe-types.ts'

const HEAD_BYTES = 512 * 1024
const ID = { EBML: 0x1a45dfa3, DocType: 0x4282, Segment: 0x18538067, Tracks: 0x1654ae6b, TrackEntry: 0xae, TrackType: 0x83, CodecID: 0x86, CodecPrivate: 0x63a2, Cluster: 0x1f43b675 }

interface Element {
  id: number
  body: number
  end: number
}

/** EBML variable-length integer at `at`: its value (marker bit kept for IDs) and byte length. */
function vint(bytes: Uint8Array, at: number, keepMarker: boolean): { value: number; length: number; unknown: boolean } | null {
  const first = bytes[at]
  if (first === undefined || first === 0) return null
  const length = Math.clz32(first) - 23
  if (at + length > bytes.length) return null
  let value = keepMarker ? first : first & (0xff >> length)
  let allOnes = value === 0xff >> length
  for (let i = 1; i < length; i++) {
    value = value * 256 + bytes[at + i]!
    if (bytes[at + i] !== 0xff) allOnes = false
  }
  return { value, length, unknown: !keepMarker && allOnes }
}

function elementAt(bytes: Uint8Array, at: number, parentEnd: number): Element | null {
  const id = vint(bytes, at, true)
  if (!id) return null
  const size = vint(bytes, at + id.length, false)
  if (!size) return null
  const body = at + id.length + size.length
  return { id: id.value, body, end: size.unknown ? parentEnd : body + size.value }
}

function* elements(bytes: Uint8Array, from: number, to: number): Generator<Element> {
  for (let at = from; at < to; ) {
    const el = elementAt(bytes, at, to)
    if (!el || el.body > to) return
    yield el
    at = el.end
  }
}

const CODECS: Record<string, string> = {
  V_VP8: 'vp8', V_VP9: 'vp9', V_AV1: 'av01.0.08M.08', A_OPUS: 'opus', A_VORBIS: 'vorbis', A_AAC: 'mp4a.40.2',
  'A_MPEG/L3': 'mp3', A_FLAC: 'flac',
}

function trackCodec(bytes: Uint8Array, entry: Element): { codec: string; video: boolean } | null {
  let codecId = ''
  let trackType = 0
  let codecPrivate: Uint8Array | null = null
  for (const el of elements(bytes, entry.body, Math.min(entry.end, bytes.length))) {
    if (el.id === ID.CodecID) codecId = utf8Decode(bytes.subarray(el.body, el.end)).replace(/\0+$/, '')
    else if (el.id === ID.TrackType) trackType = bytes[el.body] ?? 0
    else if (el.id === ID.CodecPrivate) codecPrivate = bytes.subarray(el.body, el.end)
  }
  if (!codecId) return null
  const video = trackType === 1 || codecId.startsWith('V_')
  if (codecId === 'V_MPEG4/ISO/AVC' && codecPrivate && codecPrivate.length >= 4) {
    return { codec: `avc1.${toHex(codecPrivate.subarray(1, 4))}`, video }
  }
  return { codec: CODECS[codecId] ?? codecId.toLowerCase(), video }
}

/** Codecs of a WebM/Matroska file from its Tracks element (read from the first 512 KiB), or null. */
export async function probeWebm(read: RangeReader, length: number): Promise<ProbeResult | null> {
  const bytes = await read(0, Math.min(length, HEAD_BYTES))
  const header = elementAt(bytes, 0, bytes.length)
  if (!header || header.id !== ID.EBML) return null
  let docType = 'matroska'
  for (const el of elements(bytes, header.body, Math.min(header.end, bytes.length))) {
    if (el.id === ID.DocType) docType = utf8Decode(bytes.subarray(el.body, el.end)).replace(/\0+$/, '')
  }
  const segment = elementAt(bytes, header.end, bytes.length)
  if (!segment || segment.id !== ID.Segment) return null
  for (const el of elements(bytes, segment.body, Math.min(segment.end, bytes.length))) {
    if (el.id === ID.Cluster) break
    if (el.id !== ID.Tracks) continue
    const found = [...elements(bytes, el.body, Math.min(el.end, bytes.length))]
      .filter((e) => e.id === ID.TrackEntry)
      .map((e) => trackCodec(bytes, e))
      .filter((t) => t !== null)
    if (found.length === 0) return null
    const codecs = [...new Set(found.map((t) => t.codec))]
    const mime = found.some((t) => t.video) ? 'video/webm' : 'audio/webm'
    const container = docType === 'webm' ? 'webm' : 'matroska'
    return { container, type: `${mime}; codecs="${codecs.join(', ')}"`, codecs, fragmented: false }
  }
  return null
}
