import { describe, expect, it } from 'vitest'
import { pieceSpans, timeSpans } from './buffered-ranges.ts'

describe('pieceSpans', () => {
  it('merges neighbouring pieces of the file into spans of 0..1', () => {
    // File covers pieces 2..5 (offset 250, length 300, piece length 100 → bytes 250..549).
    const have = new Set([2, 3, 5])
    expect(pieceSpans({ offset: 250, length: 300 }, 100, (i) => have.has(i))).toEqual([
      [0, 0.5],
      [0.75, 1],
    ])
  })
  it('ignores pieces outside the file', () => {
    expect(pieceSpans({ offset: 200, length: 100 }, 100, (i) => i !== 2)).toEqual([])
  })
  it('buckets large files: a bucket counts only when all its pieces are there', () => {
    const count = 1000
    const spans = pieceSpans({ offset: 0, length: count * 10 }, 10, (i) => i < 500 || i === 700)
    expect(spans).toEqual([[0, 0.5]])
  })
  it('has nothing for an empty file', () => {
    expect(pieceSpans({ offset: 0, length: 0 }, 16384, () => true)).toEqual([])
  })
})

describe('timeSpans', () => {
  const ranges = (list: [number, number][]) => ({ length: list.length, start: (i: number) => list[i]![0], end: (i: number) => list[i]![1] })
  it('divides buffered ranges by the duration, clamped to 0..1', () => {
    expect(timeSpans(ranges([[0, 15], [30, 90]]), 60)).toEqual([
      [0, 0.25],
      [0.5, 1],
    ])
  })
  it('is empty until the duration is known', () => {
    expect(timeSpans(ranges([[0, 1]]), NaN)).toEqual([])
    expect(timeSpans(ranges([[0, 1]]), Infinity)).toEqual([])
  })
})
