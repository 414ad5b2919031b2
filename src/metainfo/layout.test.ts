import { describe, expect, it } from 'vitest'
import { BLOCK_LENGTH, blockCount, blockSize, fileAt, pieceCount, pieceRangeForBytes, pieceSize } from './layout.ts'
import type { InfoDictionary, TorrentFileEntry } from './types.ts'

/** Builds just enough of an info dictionary from file lengths. */
function info(pieceLength: number, lengths: number[]): InfoDictionary {
  let offset = 0
  const files: TorrentFileEntry[] = lengths.map((length, i) => {
    const f = { path: `t/f${i}`, name: `f${i}`, length, offset }
    offset += length
    return f
  })
  const count = Math.ceil(offset / pieceLength)
  return {
    name: 't',
    pieceLength,
    pieceHashes: Array.from({ length: count }, () => new Uint8Array(20)),
    files,
    length: offset,
    private: false,
    version: 'v1',
    raw: new Uint8Array(0),
  }
}

// 3 files over 32 KiB pieces: a 0-byte file, a file ending mid-piece, a file spanning pieces, a short last piece.
const T = info(32768, [0, 40000, 0, 50000, 1])

describe('pieceSize', () => {
  it.each([
    [info(16384, [16384]), 0, 16384],
    [info(16384, [16385]), 1, 1],
    [T, 0, 32768],
    [T, 1, 32768],
    [T, 2, 90001 - 65536],
    [info(100, [250]), 2, 50],
  ])('case %#: piece %i has %i bytes', (geometry, index, size) => {
    expect(pieceSize(geometry, index)).toBe(size)
  })

  it('sums to the torrent length and rejects indexes out of range', () => {
    let total = 0
    for (let i = 0; i < pieceCount(T); i++) total += pieceSize(T, i)
    expect(total).toBe(T.length)
    expect(() => pieceSize(T, 3)).toThrow(/Piece 3 is out of range \(0 to 2\)/)
    expect(() => pieceSize(T, -1)).toThrow(/out of range/)
    expect(() => pieceSize(info(16384, [0]), 0)).toThrow(/out of range/)
  })
})

describe('blocks', () => {
  it.each([
    [16384, 1, [16384]],
    [16385, 2, [16384, 1]],
    [32768, 2, [16384, 16384]],
    [1, 1, [1]],
    [24465, 2, [16384, 8081]],
  ])('a %i-byte piece has %i blocks %j', (size, count, sizes) => {
    expect(blockCount(size)).toBe(count)
    expect(Array.from({ length: count }, (_, i) => blockSize(size, i))).toEqual(sizes)
    expect(() => blockSize(size, count)).toThrow(/Block/)
  })

  it('uses 16 KiB blocks', () => {
    expect(BLOCK_LENGTH).toBe(16384)
  })
})

describe('pieceRangeForBytes', () => {
  it.each<[string, number, number, { first: number; last: number } | null]>([
    ['zero-length range', 100, 0, null],
    ['zero-length file f0', T.files[0]!.offset, 0, null],
    ['file f1 ends mid-piece 1', 0, 40000, { first: 0, last: 1 }],
    ['file f3 spans pieces 1-2', 40000, 50000, { first: 1, last: 2 }],
    ['last byte (f4) in the short last piece', 90000, 1, { first: 2, last: 2 }],
    ['exactly one piece', 32768, 32768, { first: 1, last: 1 }],
    ['last byte of piece 0', 32767, 1, { first: 0, last: 0 }],
    ['whole torrent', 0, 90001, { first: 0, last: 2 }],
  ])('%s', (_, offset, length, range) => {
    expect(pieceRangeForBytes(T, offset, length)).toEqual(range)
  })

  it('rejects ranges outside the torrent', () => {
    expect(() => pieceRangeForBytes(T, 90000, 2)).toThrow(/outside the torrent/)
    expect(() => pieceRangeForBytes(T, -1, 1)).toThrow(/outside the torrent/)
  })
})

describe('fileAt', () => {
  it.each<[number, number | null]>([
    [0, 1],
    [39999, 1],
    [40000, 3],
    [65536, 3],
    [89999, 3],
    [90000, 4],
    [90001, null],
    [-1, null],
  ])('byte %i is in file %s (zero-length files hold no bytes)', (offset, index) => {
    const hit = fileAt(T, offset)
    expect(hit?.index ?? null).toBe(index)
    if (hit) expect(hit.file).toBe(T.files[hit.index])
  })

  it('finds every byte of a many-file torrent', () => {
    const many = info(1000, Array.from({ length: 200 }, (_, i) => i % 3))
    for (let b = 0; b < many.length; b++) {
      const hit = fileAt(many, b)!
      expect(b >= hit.file.offset && b < hit.file.offset + hit.file.length).toBe(true)
    }
  })
})
