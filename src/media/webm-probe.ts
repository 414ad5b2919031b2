import { toHex, utf8Decode } from '../util/bytes.ts'
import type { ProbeResult, RangeReader } from './probe-types.ts'
import { EBML_ID, elementAt, elements, type EbmlElement } from './ebml.ts'

/** Tracks sit in the first few KiB; read more only when they do not. */
const HEAD_BYTES = [64 * 1024, 512 * 1024]
const ID = EBML_ID

const CODECS: Record<string, string> = {
  V_VP8: 'vp8', V_VP9: 'vp9', V_AV1: 'av01.0.08M.08', A_OPUS: 'opus', A_VORBIS: 'vorbis', A_AAC: 'mp4a.40.2',
  'A_MPEG/L3': 'mp3', A_FLAC: 'flac',
}

function trackCodec(bytes: Uint8Array, entry: EbmlElement): { codec: string; video: boolean } | null {
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

/** Codecs of a WebM/Matroska file from its Tracks element (read from the first 64 or 512 KiB), or null. */
export async function probeWebm(read: RangeReader, length: number): Promise<ProbeResult | null> {
  for (const size of HEAD_BYTES) {
    const bytes = await read(0, Math.min(length, size))
    const result = probeHead(bytes)
    if (result !== 'more' || bytes.length >= length) return result === 'more' ? null : result
  }
  return null
}

/** The probe from the file's first bytes; 'more' if the Tracks element is not complete in them. */
function probeHead(bytes: Uint8Array): ProbeResult | null | 'more' {
  const header = elementAt(bytes, 0, bytes.length)
  if (!header || header.id !== ID.EBML) return header || bytes.length < 4 ? null : 'more'
  let docType = 'matroska'
  for (const el of elements(bytes, header.body, Math.min(header.end, bytes.length))) {
    if (el.id === ID.DocType) docType = utf8Decode(bytes.subarray(el.body, el.end)).replace(/\0+$/, '')
  }
  const segment = elementAt(bytes, header.end, bytes.length)
  if (!segment) return 'more'
  if (segment.id !== ID.Segment) return null
  for (const el of elements(bytes, segment.body, segment.end)) {
    if (el.id === ID.Cluster) return null
    if (el.id !== ID.Tracks) continue
    if (el.end > bytes.length) return 'more'
    const found = [...elements(bytes, el.body, el.end)]
      .filter((e) => e.id === ID.TrackEntry)
      .map((e) => trackCodec(bytes, e))
      .filter((t) => t !== null)
    if (found.length === 0) return null
    const codecs = [...new Set(found.map((t) => t.codec))]
    const mime = found.some((t) => t.video) ? 'video/webm' : 'audio/webm'
    const container = docType === 'webm' ? 'webm' : 'matroska'
    return { container, type: `${mime}; codecs="${codecs.join(', ')}"`, codecs, fragmented: false }
  }
  return 'more'
}
