import { describe, expect, it } from 'vitest'
import { encode, type Encodable } from '../bencode/index.ts'
import { utf8Encode } from '../util/bytes.ts'
import { InvalidTorrentError } from './errors.ts'
import { MAX_FILES, MAX_PIECE_LENGTH, parseInfoDictionary, sanitizeComponent } from './info-dictionary.ts'

const hashes = (n: number): Uint8Array => new Uint8Array(n * 20).map((_, i) => i)

function single(overrides: Record<string, Encodable | undefined> = {}): Uint8Array {
  return encode({ name: 'file.bin', 'piece length': 16384, length: 40000, pieces: hashes(3), ...overrides })
}

function multi(files: Encodable[], overrides: Record<string, Encodable | undefined> = {}, pieces = 1): Uint8Array {
  return encode({ name: 'folder', 'piece length': 16384, files, pieces: hashes(pieces), ...overrides })
}

function errorOf(raw: Uint8Array): Error {
  try {
    parseInfoDictionary(raw)
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidTorrentError)
    return err as Error
  }
  throw new Error('expected parseInfoDictionary to throw')
}

describe('parseInfoDictionary', () => {
  it('parses a single-file info dictionary', () => {
    const raw = single({ private: 1 })
    const info = parseInfoDictionary(raw)
    expect(info).toMatchObject({ name: 'file.bin', pieceLength: 16384, length: 40000, private: true })
    expect(info.files).toEqual([{ path: 'file.bin', name: 'file.bin', length: 40000, offset: 0 }])
    expect(info.pieceHashes).toHaveLength(3)
    expect(info.pieceHashes[2]).toEqual(hashes(3).subarray(40, 60))
    expect(info.raw).toBe(raw)
  })

  it('lays out multi-file paths under the name, with offsets', () => {
    const info = parseInfoDictionary(
      multi(
        [
          { length: 10, path: ['a', 'b.txt'] },
          { length: 0, path: ['empty'] },
          { length: 5, path: ['c'] },
        ],
        {},
      ),
    )
    expect(info.files).toEqual([
      { path: 'folder/a/b.txt', name: 'b.txt', length: 10, offset: 0 },
      { path: 'folder/empty', name: 'empty', length: 0, offset: 10 },
      { path: 'folder/c', name: 'c', length: 5, offset: 10 },
    ])
    expect(info.length).toBe(15)
    expect(info.private).toBe(false)
  })

  it('prefers name.utf-8 and path.utf-8', () => {
    const info = parseInfoDictionary(
      multi([{ length: 1, path: [new Uint8Array([0xe9])], 'path.utf-8': ['é'] }], { 'name.utf-8': 'ünï' }),
    )
    expect(info.name).toBe('ünï')
    expect(info.files[0]!.path).toBe('ünï/é')
  })

  it.each([
    [['..', '..', 'etc', 'passwd'], 'folder/etc/passwd'],
    [['.', 'a', '', 'b'], 'folder/a/b'],
    [['a/../../b'], 'folder/a....b'],
    [['c:\\windows', 'x\0y'], 'folder/c:windows/x_y'],
    [['./', '..\\', 'z'], 'folder/z'],
    [['..', '.'], 'folder/_'],
    [['\u202eexe.txt'], 'folder/exe.txt'],
    [['a'.repeat(300) + '.mkv'], `folder/${'a'.repeat(240)}.mkv`],
  ])('makes path %j safe: %s', (path, expected) => {
    const info = parseInfoDictionary(multi([{ length: 1, path }]))
    expect(info.files[0]!.path).toBe(expected)
  })

  it('marks BEP 47 pad files (attr p, BitComet names, no path) and reads symlinks without length', () => {
    const info = parseInfoDictionary(
      multi(
        [
          { length: 10, path: ['a'] },
          { attr: 'p', length: 16374 },
          { length: 16384, path: ['_____padding_file_0'] },
          { attr: 'l', path: ['link'], 'symlink path': ['..', 'a'] },
          { attr: 'lx', length: 3, path: ['plain'] },
        ],
        {},
        3,
      ),
    )
    expect(info.files.map((f) => [f.path, f.length, f.padding ?? false])).toEqual([
      ['folder/a', 10, false],
      ['folder/.pad/16374', 16374, true],
      ['folder/_____padding_file_0', 16384, true],
      ['folder/link', 0, false],
      ['folder/plain', 3, false],
    ])
    expect(info.files[3]!.symlink).toBe('folder/a')
    expect(info.files[4]).toMatchObject({ executable: true })
    expect(info.files[4]!.symlink).toBeUndefined()
  })

  it('renames duplicate paths like libtorrent: bar.1.txt, case-insensitively, files clashing with folders too', () => {
    const info = parseInfoDictionary(
      multi([
        { length: 1, path: ['foo', 'bar.txt'] },
        { length: 1, path: ['foo', 'Bar.txt'] },
        { length: 1, path: ['foo', 'bar.txt'] },
        { length: 1, path: ['foo'] },
        { length: 1, path: ['/', 'x'] },
        { length: 1, path: ['\\', 'x'] },
      ]),
    )
    expect(info.files.map((f) => f.path)).toEqual(['folder/foo/bar.txt', 'folder/foo/Bar.1.txt', 'folder/foo/bar.2.txt', 'folder/foo.1', 'folder/x', 'folder/x.1'])
    expect(info.files[1]!.name).toBe('Bar.1.txt')
  })

  it('refuses a torrent that repeats one path so often that over 1000 renames are needed', () => {
    const many = (n: number): Uint8Array => multi(Array.from({ length: n }, () => ({ length: 1, path: ['a.txt'] })))
    expect(parseInfoDictionary(many(45)).files[44]!.path).toBe('folder/a.44.txt')
    expect(errorOf(many(60)).message).toMatch(/more than 1000 renames/)
  })

  it('sanitizes the name and rejects a name that cannot be made safe', () => {
    expect(parseInfoDictionary(single({ name: '../x/y' })).name).toBe('..xy')
    expect(errorOf(single({ name: '..' })).message).toMatch(/not a usable file or folder name/)
    expect(sanitizeComponent('/')).toBeNull()
  })

  it.each<[string, Uint8Array, RegExp]>([
    ['not bencode', utf8Encode('d4:name'), /not valid bencoded data \(byte 7\)/],
    ['a list', encode([1, 2]), /not a dictionary/],
    ['no name', single({ name: undefined }), /has no name/],
    ['zero piece length', single({ 'piece length': 0 }), /positive integer/],
    ['string piece length', single({ 'piece length': '16384' }), /positive integer/],
    ['huge piece length', single({ 'piece length': MAX_PIECE_LENGTH * 2, length: 1, pieces: hashes(1) }), /larger than/],
    ['no pieces', single({ pieces: undefined }), /no "pieces"/],
    ['pieces not a multiple of 20', single({ pieces: new Uint8Array(59) }), /multiple of 20/],
    ['too few pieces', single({ pieces: hashes(2) }), /2 piece hashes but its 40000 bytes need 3/],
    ['too many pieces', single({ pieces: hashes(4) }), /4 piece hashes/],
    ['negative length', single({ length: -1 }), /negative length/],
    ['no length nor files', single({ length: undefined }), /neither "length" nor "files"/],
    ['files not a list', multi([], { files: 3 }), /not a list/],
    ['empty file list', multi([], {}, 0), /file list is empty/],
    ['entry not a dict', multi([5]), /file 1 is not a dictionary/],
    ['entry without length', multi([{ path: ['a'] }]), /file 1 has no length/],
    ['entry with negative length', multi([{ length: 1, path: ['a'] }, { length: -4, path: ['b'] }]), /file 2 has a negative length/],
    ['entry without path', multi([{ length: 1 }]), /file 1 has no path/],
    ['path of numbers', multi([{ length: 1, path: [1] }]), /file 1 has a path that is not a list of names/],
    ['only empty files', multi([{ length: 0, path: ['a'] }], {}, 0), /holds no data/],
    ['a repeated key', utf8Encode('d6:lengthi1e4:name1:a4:name1:b12:piece lengthi16384e6:pieces20:' + '\0'.repeat(20) + 'e'), /repeats a key/],
  ])('rejects %s', (_, raw, message) => {
    const err = errorOf(raw)
    expect(err.message).toMatch(message)
    expect(err.message).toMatch(/^This \.torrent file is broken: .*\. Ask the sender/)
  })

  it(`rejects more than ${MAX_FILES} files`, () => {
    // Built by hand: encoding 100,000 dictionaries through `encode` is slow.
    const list = (n: number): Uint8Array => {
      const entries = Array.from({ length: n }, (_, i) => `d6:lengthi1e4:pathl${String(i).length}:${i}ee`).join('')
      const pieces = Math.ceil(n / 16384) * 20
      return utf8Encode(`d5:filesl${entries}e4:name1:x12:piece lengthi16384e6:pieces${pieces}:${'\0'.repeat(pieces)}e`)
    }
    expect(errorOf(list(MAX_FILES + 1)).message).toMatch(/100001 files/)
    expect(parseInfoDictionary(list(MAX_FILES)).files).toHaveLength(MAX_FILES)
  })
})
