// EBML (the binary format of WebM/Matroska): variable-length integers and element headers. Pure.

/** Element IDs we read (marker bits kept, as written in the spec). */
export const EBML_ID = {
  EBML: 0x1a45dfa3,
  DocType: 0x4282,
  Segment: 0x18538067,
  SeekHead: 0x114d9b74,
  Seek: 0x4dbb,
  SeekID: 0x53ab,
  SeekPosition: 0x53ac,
  Info: 0x1549a966,
  TimecodeScale: 0x2ad7b1,
  Duration: 0x4489,
  Tracks: 0x1654ae6b,
  TrackEntry: 0xae,
  TrackType: 0x83,
  CodecID: 0x86,
  CodecPrivate: 0x63a2,
  Cues: 0x1c53bb6b,
  CuePoint: 0xbb,
  CueTime: 0xb3,
  CueTrackPositions: 0xb7,
  CueClusterPosition: 0xf1,
  Cluster: 0x1f43b675,
} as const

export interface EbmlElement {
  id: number
  /** Offset of the element's first byte (its ID). */
  start: number
  /** Offset of its payload. */
  body: number
  /** Offset after its payload (the parent's end when the size is "unknown"). */
  end: number
}

/** EBML variable-length integer at `at`: its value (marker bit kept for IDs) and byte length. */
export function vint(bytes: Uint8Array, at: number, keepMarker: boolean): { value: number; length: number; unknown: boolean } | null {
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

/** The element header at `at`, or null if it does not fit in `bytes`. */
export function elementAt(bytes: Uint8Array, at: number, parentEnd: number): EbmlElement | null {
  const id = vint(bytes, at, true)
  if (!id) return null
  const size = vint(bytes, at + id.length, false)
  if (!size) return null
  const body = at + id.length + size.length
  return { id: id.value, start: at, body, end: size.unknown ? parentEnd : body + size.value }
}

/** Elements one after the other in [from, to); stops at the first header that does not fit. */
export function* elements(bytes: Uint8Array, from: number, to: number): Generator<EbmlElement> {
  for (let at = from; at < to; ) {
    const el = elementAt(bytes, at, to)
    if (!el || el.body > to) return
    yield el
    at = el.end
  }
}

/** Unsigned integer payload (up to 2^53). */
export function readUint(bytes: Uint8Array, el: EbmlElement): number {
  let value = 0
  for (let i = el.body; i < el.end && i < bytes.length; i++) value = value * 256 + bytes[i]!
  return value
}

/** Float payload (4 or 8 bytes), or NaN. */
export function readFloat(bytes: Uint8Array, el: EbmlElement): number {
  const size = el.end - el.body
  if ((size !== 4 && size !== 8) || el.end > bytes.length) return NaN
  const view = new DataView(bytes.buffer, bytes.byteOffset + el.body, size)
  return size === 4 ? view.getFloat32(0) : view.getFloat64(0)
}
