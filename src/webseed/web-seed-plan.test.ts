import { describe, expect, it } from 'vitest'
import { isWebSeedUrl, planPieceRequests, type WebSeedLayout } from './web-seed-plan.ts'

function layout(name: string, pieceLength: number, files: [path: string, length: number][]): WebSeedLayout {
  let offset = 0
  const entries = files.map(([path, length]) => {
    const entry = { path, length, offset }
    offset += length
    return entry
  })
  return { name, pieceLength, length: offset, files: entries }
}

const single = layout('movie.mp4', 16, [['movie.mp4', 40]])
// 10 + 0 + 5 + 3 + 20 bytes; piece 0 = [0,16), piece 1 = [16,32), piece 2 = [32,38)
const multi = layout('album', 16, [
  ['album/a.bin', 10],
  ['album/empty.txt', 0],
  ['album/sub dir/b#1.bin', 5],
  ['album/c.bin', 3],
  ['album/d.bin', 20],
])

describe('planPieceRequests', () => {
  const cases: {
    name: string
    info: WebSeedLayout
    url: string
    index: number
    size: number
    want: { url: string; start: number; end: number; pieceOffset: number; fileLength: number }[]
  }[] = [
    {
      name: 'single file, URL is the file',
      info: single,
      url: 'https://cdn.test/files/movie-v2.mp4',
      index: 1,
      size: 16,
      want: [{ url: 'https://cdn.test/files/movie-v2.mp4', start: 16, end: 31, pieceOffset: 0, fileLength: 40 }],
    },
    {
      name: 'single file, URL ends with / so the name is appended',
      info: single,
      url: 'https://cdn.test/files/',
      index: 0,
      size: 16,
      want: [{ url: 'https://cdn.test/files/movie.mp4', start: 0, end: 15, pieceOffset: 0, fileLength: 40 }],
    },
    {
      name: 'single file, short last piece',
      info: single,
      url: 'https://cdn.test/m',
      index: 2,
      size: 8,
      want: [{ url: 'https://cdn.test/m', start: 32, end: 39, pieceOffset: 0, fileLength: 40 }],
    },
    {
      name: 'single file, name is percent-encoded',
      info: layout('my file#1.mp4', 16, [['my file#1.mp4', 4]]),
      url: 'http://h.test/',
      index: 0,
      size: 4,
      want: [{ url: 'http://h.test/my%20file%231.mp4', start: 0, end: 3, pieceOffset: 0, fileLength: 4 }],
    },
    {
      name: 'multi file, piece spans three files and skips a 0-byte file in between',
      info: multi,
      url: 'https://cdn.test/seed',
      index: 0,
      size: 16,
      want: [
        { url: 'https://cdn.test/seed/album/a.bin', start: 0, end: 9, pieceOffset: 0, fileLength: 10 },
        { url: 'https://cdn.test/seed/album/sub%20dir/b%231.bin', start: 0, end: 4, pieceOffset: 10, fileLength: 5 },
        { url: 'https://cdn.test/seed/album/c.bin', start: 0, end: 0, pieceOffset: 15, fileLength: 3 },
      ],
    },
    {
      name: 'multi file, trailing / is not doubled',
      info: multi,
      url: 'https://cdn.test/seed/',
      index: 1,
      size: 16,
      want: [
        { url: 'https://cdn.test/seed/album/c.bin', start: 1, end: 2, pieceOffset: 0, fileLength: 3 },
        { url: 'https://cdn.test/seed/album/d.bin', start: 0, end: 13, pieceOffset: 2, fileLength: 20 },
      ],
    },
    {
      name: 'multi file, last piece inside one file',
      info: multi,
      url: 'https://cdn.test/seed',
      index: 2,
      size: 6,
      want: [{ url: 'https://cdn.test/seed/album/d.bin', start: 14, end: 19, pieceOffset: 0, fileLength: 20 }],
    },
    {
      name: 'multi-file torrent holding one file still uses name/file',
      info: layout('pack', 8, [['pack/only.bin', 8]]),
      url: 'https://cdn.test/x',
      index: 0,
      size: 8,
      want: [{ url: 'https://cdn.test/x/pack/only.bin', start: 0, end: 7, pieceOffset: 0, fileLength: 8 }],
    },
  ]

  for (const c of cases) {
    it(c.name, () => {
      const plan = planPieceRequests(c.info, c.url, c.index, c.size)
      expect(plan).toEqual(c.want)
      expect(plan.reduce((sum, r) => sum + r.end - r.start + 1, 0)).toBe(c.size)
    })
  }

  it.each([
    ['negative index', -1, 16],
    ['index past the end', 3, 16],
    ['piece running past the end', 2, 16],
    ['zero size', 0, 0],
    ['size over pieceLength', 0, 17],
    ['fractional index', 0.5, 16],
  ])('rejects %s', (_name, index, size) => {
    expect(() => planPieceRequests(multi, 'https://cdn.test/', index, size)).toThrow(expect.objectContaining({ code: 'OUT_OF_RANGE' }))
  })
})

describe('pad files (v2 and hybrid layouts)', () => {
  // A v2 single file padded to a whole piece, as libtorrent lays it out; a hybrid folder with a pad between files.
  const v2Single: WebSeedLayout = { name: 'a.bin', pieceLength: 16, length: 32, files: [{ path: 'a.bin', length: 20, offset: 0 }, { path: 'a.bin/.pad/12', length: 12, offset: 20, padding: true }] }
  const hybrid: WebSeedLayout = {
    name: 'set',
    pieceLength: 16,
    length: 36,
    files: [{ path: 'set/x.bin', length: 10, offset: 0 }, { path: 'set/.pad/6', length: 6, offset: 10, padding: true }, { path: 'set/y.bin', length: 20, offset: 16 }],
  }

  it('a single file padded to a whole piece is still a single file, and its padding is never asked of the server', () => {
    expect(planPieceRequests(v2Single, 'https://cdn.test/a-file', 1, 16)).toEqual([{ url: 'https://cdn.test/a-file', start: 16, end: 19, pieceOffset: 0, fileLength: 20 }])
  })

  it('a pad file between two files stays zeros: only the real files are requested', () => {
    expect(planPieceRequests(hybrid, 'https://cdn.test/', 0, 16)).toEqual([{ url: 'https://cdn.test/set/x.bin', start: 0, end: 9, pieceOffset: 0, fileLength: 10 }])
  })
})

describe('isWebSeedUrl', () => {
  it.each([
    ['http://a.test/x', true],
    ['https://a.test/', true],
    ['ftp://a.test/x', false],
    ['not a url', false],
    ['javascript:alert(1)', false],
  ])('%s → %s', (url, ok) => {
    expect(isWebSeedUrl(url)).toBe(ok)
  })
})
