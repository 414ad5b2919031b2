import { describe, expect, it } from 'vitest'
import { bucketPieces, describePieces, hasPiece, sameBuckets } from './piece-map.ts'

/** A BEP 3 bitfield with `have` set. */
function bits(numPieces: number, have: number[]): Uint8Array {
  const bytes = new Uint8Array(Math.ceil(numPieces / 8))
  for (const i of have) bytes[i >> 3]! |= 0x80 >> (i & 7)
  return bytes
}

describe('hasPiece', () => {
  it('reads the high bit of byte 0 as piece 0', () => {
    const b = Uint8Array.of(0b1000_0001, 0b0100_0000)
    expect([0, 1, 7, 8, 9].map((i) => hasPiece(b, i))).toEqual([true, false, true, false, true])
    expect(hasPiece(b, 100)).toBe(false)
  })
})

describe('bucketPieces', () => {
  it('gives one column per piece when there are fewer pieces than columns', () => {
    const r = bucketPieces(bits(5, [0, 3]), 5, [1, 3], 100)
    expect(Array.from(r.have)).toEqual([1, 0, 0, 1, 0])
    // Piece 3 is verified already, so only piece 1 counts as downloading.
    expect(Array.from(r.downloading)).toEqual([0, 1, 0, 0, 0])
    expect(r.haveCount).toBe(2)
    expect(r.downloadingCount).toBe(1)
  })

  it('folds 10,000 pieces into the given number of columns with fractions', () => {
    const have = Array.from({ length: 5000 }, (_, i) => i)
    const r = bucketPieces(bits(10_000, have), 10_000, [9999, 9999], 4)
    expect(Array.from(r.have)).toEqual([1, 1, 0, 0])
    expect(Array.from(r.downloading)).toEqual([0, 0, 0, 1])
    expect(r.haveCount).toBe(5000)
    expect(r.downloadingCount).toBe(1)
    const half = bucketPieces(bits(8, [0, 2, 4, 6]), 8, [], 2)
    expect(Array.from(half.have)).toEqual([0.5, 0.5])
  })

  it('shows everything missing before metadata and ignores out-of-range requests', () => {
    expect(bucketPieces(null, 0, [0], 50).have.length).toBe(0)
    const r = bucketPieces(null, 3, [-1, 3, 1.5, 2], 10)
    expect(Array.from(r.have)).toEqual([0, 0, 0])
    expect(Array.from(r.downloading)).toEqual([0, 0, 1])
  })
})

describe('describePieces', () => {
  it('says how many pieces are verified and in flight', () => {
    expect(describePieces(400, 120, 4)).toBe('Pieces: 120 of 400 verified, 4 downloading')
    expect(describePieces(400, 400, 0)).toBe('Pieces: 400 of 400 verified')
    expect(describePieces(0, 0, 0)).toMatch(/metadata/)
  })
})

describe('sameBuckets', () => {
  it('is true only when every column and count match', () => {
    const a = bucketPieces(bits(12, [0, 3]), 12, [5], 6)
    expect(sameBuckets(a, bucketPieces(bits(12, [0, 3]), 12, [5], 6))).toBe(true)
    // One more verified piece in a column already partly drawn.
    expect(sameBuckets(a, bucketPieces(bits(12, [0, 1, 3]), 12, [5], 6))).toBe(false)
    // The same count in flight, another column.
    expect(sameBuckets(a, bucketPieces(bits(12, [0, 3]), 12, [9], 6))).toBe(false)
    // Another width.
    expect(sameBuckets(a, bucketPieces(bits(12, [0, 3]), 12, [5], 4))).toBe(false)
  })
})
