import { describe, expect, it } from 'vitest'
import { encode, type Encodable } from '../bencode/index.ts'
import { toBinaryString, utf8Encode } from '../util/bytes.ts'
import { InvalidTorrentError } from './errors.ts'
import { parseInfoDictionary } from './info-dictionary.ts'
import { pieceCount } from './layout.ts'

const root = (n: number): Uint8Array => new Uint8Array(32).fill(n)
const leaf = (length: number, r?: Uint8Array, extra: Record<string, Encodable> = {}): Encodable => ({
  '': { length, ...(r ? { 'pieces root': r } : {}), ...extra },
})
const key = (text: string): string => toBinaryString(utf8Encode(text))

function v2(tree: Encodable, overrides: Record<string, Encodable | undefined> = {}): Uint8Array {
  return encode({ 'file tree': tree, 'meta version': 2, name: 'n', 'piece length': 16384, ...overrides })
}

function refusal(raw: Uint8Array, opts = {}): string {
  try {
    parseInfoDictionary(raw, opts)
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidTorrentError)
    return (err as Error).message
  }
  throw new Error('expected the info dictionary to be refused')
}

describe('v2 info dictionaries', () => {
  it('lists files in byte order (numeric-looking keys too) with pad files after each that ends mid-piece', () => {
    const tree = { '9': leaf(5, root(1)), '10': leaf(16384, root(2)), [key('é')]: { a: leaf(0), b: leaf(20000, root(3)) } }
    const info = parseInfoDictionary(v2(tree))
    expect(info.version).toBe('v2')
    expect(info.pieceHashes).toEqual([])
    expect(info.files.map((f) => [f.path, f.length, f.offset, f.padding ?? false])).toEqual([
      ['n/10', 16384, 0, false],
      ['n/9', 5, 16384, false],
      ['n/.pad/16379', 16379, 16389, true],
      ['n/é/a', 0, 32768, false],
      ['n/é/b', 20000, 32768, false],
      ['n/.pad/12768', 12768, 52768, true],
    ])
    expect(info.files[0]!.piecesRoot).toEqual(root(2))
    expect(info.files[3]!.piecesRoot).toBeUndefined()
    expect(info.length).toBe(65536)
    expect(pieceCount(info)).toBe(4)
  })

  it('a single file is named by its key and padded to a whole piece, as libtorrent 2.0 lays it out', () => {
    const info = parseInfoDictionary(v2({ 'movie.mp4': leaf(40000, root(4)) }, { name: 'movie.mp4' }))
    expect(info.files).toEqual([
      { path: 'movie.mp4', name: 'movie.mp4', length: 40000, offset: 0, piecesRoot: root(4) },
      { path: 'movie.mp4/.pad/9152', name: '9152', length: 9152, offset: 40000, padding: true },
    ])
    expect(pieceCount(info)).toBe(3)
    expect(info.length).toBe(3 * 16384)
  })

  it('reads symlinks and the executable and hidden flags', () => {
    const tree = { a: leaf(1, root(5), { attr: 'xh' }), link: { '': { attr: 'l', 'symlink path': ['a'] } } }
    const [a, pad, link] = parseInfoDictionary(v2(tree)).files
    expect(a).toMatchObject({ path: 'n/a', executable: true, hidden: true })
    expect(pad!.padding).toBe(true)
    expect(link).toMatchObject({ path: 'n/link', length: 0, symlink: 'n/a' })
    expect(link!.piecesRoot).toBeUndefined()
  })

  it('names a torrent whose name cleans to nothing after its info hash, v2 for v2-only, v1 for hybrid', () => {
    const hashes = { v1: '1'.repeat(40), v2: '2'.repeat(64) }
    expect(parseInfoDictionary(v2({ a: leaf(1, root(1)) }, { name: '..' }), { infoHashes: hashes }).name).toBe(hashes.v2)
    const hybrid = v2({ a: leaf(1, root(1)) }, { name: '..', files: [{ length: 1, path: ['a'] }], pieces: new Uint8Array(20) })
    expect(parseInfoDictionary(hybrid, { infoHashes: hashes }).name).toBe(hashes.v1)
    expect(refusal(hybrid)).toMatch(/not a usable file or folder name/)
  })

  it.each<[string, Uint8Array, RegExp]>([
    ['a piece length that is not a power of two', v2({ a: leaf(1, root(1)) }, { 'piece length': 3 * 16384 }), /power of two of at least 16 KiB/],
    ['a piece length under 16 KiB', v2({ a: leaf(1, root(1)) }, { 'piece length': 8192 }), /power of two of at least 16 KiB/],
    ['meta version 3', v2({ a: leaf(1, root(1)) }, { 'meta version': 3 }), /only BitTorrent v1 and v2 exist/],
    ['a file tree without meta version', v2({ a: leaf(1, root(1)) }, { 'meta version': undefined, length: 1, pieces: new Uint8Array(20) }), /no "meta version" 2/],
    ['meta version 2 without a file tree', v2(undefined as never, { 'file tree': undefined }), /"file tree" is not a dictionary/],
    ['an empty file tree', v2({}), /holds no file/],
    ['a pad file in the tree', v2({ a: leaf(1, root(1), { attr: 'p' }) }), /marked as a pad file/],
    ['a file without pieces root', v2({ a: leaf(1) }), /no 32-byte "pieces root"/],
    ['a 31-byte pieces root', v2({ a: leaf(1, new Uint8Array(31).fill(1)) }), /no 32-byte "pieces root"/],
    ['an all-zero pieces root', v2({ a: leaf(1, root(0)) }), /all-zero "pieces root"/],
    ['a file without length', v2({ a: { '': { 'pieces root': root(1) } } }), /has no length/],
    ['an empty key', v2({ '': leaf(1, root(1)) }), /neither a file nor a folder/],
    ['a leaf that is not a dictionary', v2({ a: { length: 1 } }), /neither a file nor a folder/],
    ['nothing but empty files', v2({ a: leaf(0) }), /holds no data/],
  ])('refuses %s', (_, raw, message) => {
    expect(refusal(raw)).toMatch(message)
  })

  it('refuses non-canonical bencoding in v2 (libtorrent does), accepts it in v1', () => {
    const unordered = utf8Encode(`d9:file treed1:bd0:d6:lengthi1e11:pieces root32:${'\x01'.repeat(32)}ee1:ad0:d6:lengthi1e11:pieces root32:${'\x02'.repeat(32)}eee12:meta versioni2e4:name1:n12:piece lengthi16384ee`)
    expect(refusal(unordered)).toMatch(/not in canonical bencoding/)
    const leadingZero = utf8Encode(`d9:file treed1:ad0:d6:lengthi01e11:pieces root32:${'\x01'.repeat(32)}eee12:meta versioni2e4:name1:n12:piece lengthi16384ee`)
    expect(refusal(leadingZero)).toMatch(/not in canonical bencoding/)
    const v1 = utf8Encode(`d6:lengthi01e4:name1:n12:piece lengthi16384e6:pieces20:${'\0'.repeat(20)}e`)
    expect(parseInfoDictionary(v1).length).toBe(1)
  })
})

describe('hybrid info dictionaries', () => {
  const tree = { a: leaf(5, root(1)), b: leaf(0), c: leaf(16384, root(2)) }
  const pad = { attr: 'p', length: 16379, path: ['.pad', '16379'] }
  const files = [{ length: 5, path: ['a'] }, pad, { length: 0, path: ['b'] }, { length: 16384, path: ['c'] }]
  const hybrid = (list: Encodable[], extra: Record<string, Encodable> = {}): Uint8Array =>
    v2(tree, { files: list, pieces: new Uint8Array(40), ...extra })

  it('keeps the v1 layout and gives each file its pieces root', () => {
    const info = parseInfoDictionary(hybrid(files))
    expect(info.version).toBe('hybrid')
    expect(info.pieceHashes).toHaveLength(2)
    expect(info.files.map((f) => [f.path, f.offset, f.padding ?? false])).toEqual([
      ['n/a', 0, false],
      ['n/.pad/16379', 5, true],
      ['n/b', 16384, false],
      ['n/c', 16384, false],
    ])
    expect(info.files[3]!.piecesRoot).toEqual(root(2))
  })

  it('accepts a missing pad file after the last file', () => {
    const info = parseInfoDictionary(v2({ a: leaf(5, root(1)), c: leaf(100, root(2)) }, {
      files: [{ length: 5, path: ['a'] }, pad, { length: 100, path: ['c'] }],
      pieces: new Uint8Array(40),
    }))
    expect(info.length).toBe(16484)
  })

  it.each<[string, Encodable[], RegExp]>([
    ['a file missing from the v1 list', [files[0]!, pad, files[3]!], /disagree: 2 files in "files" but 3 in the "file tree"/],
    ['a file of another length', [files[0]!, pad, files[2]!, { length: 16383, path: ['c'] }], /disagree about file 3/],
    ['a file under another name', [files[0]!, pad, files[2]!, { length: 16384, path: ['d'] }], /disagree about file 3/],
    ['a pad file of the wrong size', [files[0]!, { ...pad, length: 16000 }, files[2]!, files[3]!], /piece boundary/],
  ])('refuses %s', (_, list, message) => {
    expect(refusal(hybrid(list))).toMatch(message)
  })

  it('refuses a single-file hybrid whose v1 name is not the v2 file name', () => {
    const raw = v2({ '/other': leaf(5, root(1)) }, { name: 'n', length: 5, pieces: new Uint8Array(20) })
    expect(refusal(raw)).toMatch(/disagree about file 1/)
  })
})
