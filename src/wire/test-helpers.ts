import type { WireDecoder } from './decoder.ts'
import type { WireEvent } from './messages.ts'

/** Feeds every chunk and gathers the events. */
export function feed(decoder: WireDecoder, chunks: readonly Uint8Array[]): WireEvent[] {
  const events: WireEvent[] = []
  for (const chunk of chunks) events.push(...decoder.push(chunk))
  return events
}

/** Cuts `bytes` at the given sorted offsets (copies, so the decoder owns each chunk). */
export function cut(bytes: Uint8Array, offsets: readonly number[]): Uint8Array[] {
  const out: Uint8Array[] = []
  let start = 0
  for (const end of [...offsets, bytes.length]) {
    out.push(bytes.slice(start, end))
    start = end
  }
  return out
}

/** Small deterministic PRNG (mulberry32) so failures reproduce. */
export function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export function filled(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length)
  for (let i = 0; i < length; i++) out[i] = (i * 31 + seed) & 0xff
  return out
}
