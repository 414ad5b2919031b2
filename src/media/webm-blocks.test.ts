import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { bytesEqual, concatBytes } from '../util/bytes.ts'
import { WebmBlockCutter } from './webm-blocks.ts'

// A tiny EBML writer: IDs as written in the spec; sizes as 1-byte vints, 8-byte vints or "unknown".
function idBytes(id: number): number[] {
  const out: number[] = []
  for (let v = id; v > 0; v = Math.floor(v / 256)) out.unshift(v & 0xff)
  return out
}
function sizeBytes(length: number | 'unknown'): number[] {
  if (length === 'unknown') return [0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]
  if (length < 127) return [0x80 | length]
  const size = [0x01, 0, 0, 0, 0, 0, 0, 0]
  for (let i = 7, v = length; i > 0; i--, v = Math.floor(v / 256)) size[i] = v & 0xff
  return size
}
function el(id: number, payload: Uint8Array, size: number | 'unknown' = payload.length): Uint8Array {
  return concatBytes([new Uint8Array([...idBytes(id), ...sizeBytes(size)]), payload])
}
const CLUSTER = 0x1f43b675
const timestamp = (t: number) => el(0xe7, new Uint8Array([t]))
const simpleBlock = (length: number, fill: number) => el(0xa3, new Uint8Array(length).fill(fill))
const blockGroup = (length: number) => el(0xa0, concatBytes([simpleBlock(length, 7).fill(0xa1, 0, 1), el(0xfb, new Uint8Array([1]))]))

/**
 * Clusters as a stream from the first one: a known-size cluster, one of unknown size (live WebM),
 * then Cues. Returns the bytes and the offsets where an append may end (between whole elements).
 */
function stream(): { bytes: Uint8Array; boundaries: Set<number> } {
  const parts: Uint8Array[] = []
  const boundaries = new Set<number>([0])
  let at = 0
  const add = (bytes: Uint8Array) => {
    parts.push(bytes)
    boundaries.add((at += bytes.length))
  }
  const first = [timestamp(0), simpleBlock(300, 1), simpleBlock(20, 2), blockGroup(150), simpleBlock(1000, 3)]
  add(el(CLUSTER, new Uint8Array(0), first.reduce((n, b) => n + b.length, 0)))
  first.forEach(add)
  add(el(CLUSTER, new Uint8Array(0), 'unknown'))
  ;[timestamp(2), simpleBlock(500, 4), simpleBlock(20_000, 5), simpleBlock(3, 6)].forEach(add)
  add(el(0x1c53bb6b, new Uint8Array(40)))
  return { bytes: concatBytes(parts), boundaries }
}

/** Feeds `bytes` to a cutter in chunks ending at `splits`; returns every append (the flush last). */
function feed(bytes: Uint8Array, splits: number[]): Uint8Array[] {
  const cutter = new WebmBlockCutter()
  const points = [...new Set([0, ...splits.filter((s) => s > 0 && s < bytes.length), bytes.length])].sort((a, b) => a - b)
  const appends: Uint8Array[] = []
  for (let i = 1; i < points.length; i++) appends.push(cutter.push(bytes.slice(points[i - 1], points[i])))
  appends.push(cutter.flush())
  return appends.filter((a) => a.length > 0)
}

describe('WebmBlockCutter', () => {
  it('cuts only between whole elements, whatever the chunking, and loses or adds no byte', () => {
    const { bytes, boundaries } = stream()
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: bytes.length - 1 }), { maxLength: 40 }), (splits) => {
        const appends = feed(bytes, splits)
        expect(bytesEqual(concatBytes(appends), bytes), 'the appends put together are the stream').toBe(true)
        let end = 0
        for (const append of appends) {
          end += append.length
          expect(boundaries.has(end), `an append ends at ${end}, inside an element`).toBe(true)
        }
      }),
    )
  })

  it('passes a chunk through untouched when it ends on a whole element', () => {
    const { bytes } = stream()
    const cutter = new WebmBlockCutter()
    const out = cutter.push(bytes)
    expect(out.buffer, 'no copy').toBe(bytes.buffer)
    expect(out.length).toBe(bytes.length)
    expect(cutter.flush().length).toBe(0)
  })

  it('holds a split block until its end arrives', () => {
    const cluster = el(CLUSTER, concatBytes([timestamp(0), simpleBlock(100, 9)]))
    const cutter = new WebmBlockCutter()
    const headers = cluster.length - simpleBlock(100, 9).length
    const first = cutter.push(cluster.subarray(0, 50))
    expect(Array.from(first), 'the cluster header and the timestamp go first').toEqual(Array.from(cluster.subarray(0, headers)))
    expect(Array.from(cutter.push(cluster.subarray(50))), 'the block goes once it is whole').toEqual(Array.from(cluster.subarray(headers)))
  })

  it('stops cutting on bytes that are not EBML, so nothing is held back for ever', () => {
    const garbage = new Uint8Array([0xa3, 0x85, 1, 2, 0, 0, 0, 0, 0, 0, 0])
    const cutter = new WebmBlockCutter()
    expect(cutter.push(garbage.subarray(0, 9))).toEqual(garbage.subarray(0, 9))
    expect(cutter.push(garbage.subarray(9))).toEqual(garbage.subarray(9))
  })

  it('gives up cutting when an element claims more than 8 MiB', () => {
    const huge = el(0xa3, new Uint8Array(9 * 1024 * 1024))
    const cutter = new WebmBlockCutter()
    expect(cutter.push(huge.subarray(0, 4 * 1024 * 1024)).length).toBe(0)
    const out = cutter.push(huge.subarray(4 * 1024 * 1024, 8 * 1024 * 1024 + 100))
    expect(out.length, 'everything held goes out at once').toBe(8 * 1024 * 1024 + 100)
    expect(cutter.push(huge.subarray(8 * 1024 * 1024 + 100)).length).toBe(huge.length - 8 * 1024 * 1024 - 100)
  })
})
