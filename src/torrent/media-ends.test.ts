import { describe, expect, it } from 'vitest'
import type { TorrentFileEntry } from '../metainfo/types.ts'
import { HEAD_BYTES, mediaEnds } from './media-ends.ts'

const mediaEndPieces = (...args: Parameters<typeof mediaEnds>) => mediaEnds(...args)?.pieces ?? []

const KiB = 1024
function files(...specs: [string, number][]): TorrentFileEntry[] {
  let offset = 0
  return specs.map(([name, length]) => {
    const entry = { path: `t/${name}`, name, length, offset }
    offset += length
    return entry
  })
}

describe('mediaEndPieces', () => {
  it('the head (64 KiB) and the last piece of a video, in 16 KiB pieces', () => {
    expect(HEAD_BYTES).toBe(64 * KiB)
    expect(mediaEnds(files(['movie.mp4', 3_000_000]), [true], 16 * KiB)).toEqual({ pieces: [0, 1, 2, 3, 183], first: 0, last: 183 })
  })

  it('the largest selected video of several files, at its own offset', () => {
    const list = files(['cover.jpg', 100 * KiB], ['small.webm', 1024 * KiB], ['big.mkv', 10 * 1024 * KiB], ['notes.txt', 5 * KiB])
    expect(mediaEndPieces(list, [true, true, true, true], 256 * KiB)).toEqual([4, 44])
    expect(mediaEndPieces(list, [true, true, false, true], 256 * KiB)).toEqual([0, 4])
  })

  it('one piece when head and tail share it; nothing without a selected video', () => {
    expect(mediaEndPieces(files(['clip.mp4', 40 * KiB]), [true], 1024 * KiB)).toEqual([0])
    expect(mediaEndPieces(files(['song.flac', 9000], ['a.txt', 10]), [true, true], 16 * KiB)).toEqual([])
    expect(mediaEndPieces(files(['movie.mp4', 9000]), [false], 16 * KiB)).toEqual([])
  })
})
