import { readUint32BE } from '../util/bytes.ts'

// ISO BMFF (MP4) box headers, read from bytes already in memory.

export interface Box {
  type: string
  start: number
  /** Payload start, after the header. */
  body: number
  end: number
}

function fourcc(bytes: Uint8Array, at: number): string {
  return String.fromCharCode(...bytes.subarray(at, at + 4))
}

/** Box at `at` in `bytes`, or null if the header does not fit or is broken. `fileEnd` resolves size 0. */
export function boxAt(bytes: Uint8Array, at: number, fileEnd: number): Box | null {
  if (at + 8 > bytes.length) return null
  let size = readUint32BE(bytes, at)
  let body = at + 8
  if (size === 1) {
    if (at + 16 > bytes.length) return null
    size = readUint32BE(bytes, at + 8) * 2 ** 32 + readUint32BE(bytes, at + 12)
    body = at + 16
  } else if (size === 0) {
    size = fileEnd - at
  }
  if (size < body - at) return null
  return { type: fourcc(bytes, at + 4), start: at, body, end: at + size }
}

export function children(bytes: Uint8Array, from: number, to: number): Box[] {
  const out: Box[] = []
  for (let at = from; at < to; ) {
    const box = boxAt(bytes, at, to)
    if (!box || box.end > to) break
    out.push(box)
    at = box.end
  }
  return out
}
