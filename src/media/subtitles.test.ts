import { describe, expect, it } from 'vitest'
import { findSubtitles, srtToVtt } from './subtitles.ts'

describe('srtToVtt', () => {
  it('adds the header and turns the millisecond comma into a dot', () => {
    const srt = '1\n00:00:01,500 --> 00:00:04,000\nHello\n\n2\n00:01:02,003 --> 00:01:05,000\nTwo\nlines\n'
    expect(srtToVtt(srt)).toBe('WEBVTT\n\n00:00:01.500 --> 00:00:04.000\nHello\n\n00:01:02.003 --> 00:01:05.000\nTwo\nlines\n')
  })

  it('strips a BOM, tolerates CRLF, missing indexes, extra blank lines and short fields', () => {
    const srt = '\uFEFF\r\n\r\n0:0:1,5 --> 0:0:2,25\r\nNo index\r\n\r\n\r\n3\r\n00:00:03,000-->00:00:04,000 X1:10\r\nHas index\r\n'
    const vtt = srtToVtt(srt)
    expect(vtt.startsWith('WEBVTT\n\n')).toBe(true)
    expect(vtt).not.toContain('\r')
    expect(vtt).not.toContain('\uFEFF')
    expect(vtt).toContain('00:00:01.500 --> 00:00:02.250\nNo index\n')
    expect(vtt).toContain('00:00:03.000 --> 00:00:04.000 X1:10\nHas index\n')
    expect(vtt).not.toMatch(/^3$/m)
  })

  it('drops blocks without a timing line and keeps "-->" out of cue text', () => {
    const vtt = srtToVtt('garbage only\n\n1\n00:00:01,000 --> 00:00:02,000\nan arrow --> here\n')
    expect(vtt).toBe('WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nan arrow -> here\n')
  })

  it('gives an empty but valid file for empty input', () => {
    expect(srtToVtt('')).toBe('WEBVTT\n')
  })
})

describe('findSubtitles', () => {
  const paths = [
    'Show/movie.mp4',
    'Show/movie.srt',
    'Show/movie.en.srt',
    'Show/Movie.ENG.vtt',
    'Show/movie.forced.srt',
    'Show/other.srt',
    'Show/movie.txt',
    'Show/moviex.srt',
    'Show/Subs/movie.fr.srt',
    'Elsewhere/movie.srt',
  ]

  it('matches .srt/.vtt with the same base name in the same folder or a Subs folder, language from the suffix', () => {
    expect(findSubtitles('Show/movie.mp4', paths)).toEqual([
      { path: 'Show/Movie.ENG.vtt', label: 'English', srclang: 'en' },
      { path: 'Show/Subs/movie.fr.srt', label: 'French', srclang: 'fr' },
      { path: 'Show/movie.en.srt', label: 'English', srclang: 'en' },
      { path: 'Show/movie.forced.srt', label: 'forced' },
      { path: 'Show/movie.srt', label: 'movie.srt' },
    ])
  })

  it('works for a single-file torrent (no folder) and finds nothing when nothing matches', () => {
    expect(findSubtitles('clip.webm', ['clip.webm', 'clip.pt-BR.srt'])).toEqual([{ path: 'clip.pt-BR.srt', label: 'Brazilian Portuguese', srclang: 'pt-br' }])
    expect(findSubtitles('Show/other.mp4', ['Show/movie.srt', 'Show/other.mp4'])).toEqual([])
  })
})
