import { describe, expect, it } from 'vitest'
import { findFileIndex, isVideoName, pickDefaultVideo } from './pick-video.ts'

const files = [
  { name: 'readme.txt', path: 'movie/readme.txt', length: 10_000_000 },
  { name: 'trailer.mp4', path: 'movie/trailer.mp4', length: 2_000 },
  { name: 'Movie.MKV', path: 'movie/Movie.MKV', length: 9_000 },
  { name: 'movie.webm', path: 'movie/extras/movie.webm', length: 5_000 },
  { name: 'movie.srt', path: 'movie/movie.srt', length: 100 },
]

describe('pickDefaultVideo', () => {
  it('takes the largest video the browser can play, never a larger non-video', () => {
    expect(pickDefaultVideo(files, () => true)).toBe(2)
  })
  it('skips videos whose type MediaSource rejects', () => {
    expect(pickDefaultVideo(files, (type) => !type.startsWith('video/webm'))).toBe(1)
    expect(pickDefaultVideo(files.slice(0, 2).concat(files.slice(3)), (type) => type.startsWith('video/webm'))).toBe(2)
    expect(pickDefaultVideo(files, (type) => type.startsWith('video/mp4'))).toBe(1)
  })
  it('falls back to the largest video when nothing is supported (playback then says why)', () => {
    expect(pickDefaultVideo(files, () => false)).toBe(2)
    expect(
      pickDefaultVideo(files, () => {
        throw new Error('no MediaSource')
      }),
    ).toBe(2)
  })
  it('returns -1 without any video file', () => {
    expect(pickDefaultVideo([files[0]!, files[4]!], () => true)).toBe(-1)
  })
})

describe('findFileIndex', () => {
  it('accepts an index', () => {
    expect(findFileIndex(files, '3')).toBe(3)
    expect(findFileIndex(files, '9')).toBe(-1)
  })
  it('accepts a path with or without the top folder, or a bare name', () => {
    expect(findFileIndex(files, 'movie/extras/movie.webm')).toBe(3)
    expect(findFileIndex(files, 'extras/movie.webm')).toBe(3)
    expect(findFileIndex(files, '/trailer.mp4')).toBe(1)
    expect(findFileIndex(files, 'Movie.MKV')).toBe(2)
    expect(findFileIndex(files, 'missing.mp4')).toBe(-1)
  })
})

describe('isVideoName', () => {
  it('goes by extension, case-insensitively', () => {
    expect(['a.mp4', 'b.M4V', 'c.webm', 'd.mkv', 'e.mov', 'f.ogv'].every(isVideoName)).toBe(true)
    expect(['a.avi', 'mp4', 'x.srt', 'song.mp3', 'noext'].some(isVideoName)).toBe(false)
  })
})
