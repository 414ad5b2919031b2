import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { decodeWithSpans, encode } from '../bencode/index.ts'
import { concatBytes, utf8Encode } from '../util/bytes.ts'
import { InvalidTorrentError } from './errors.ts'
import { createTorrent } from './create-torrent.ts'
import { pattern, referenceInfoHash, referenceTorrent, seedInputs, type TestFile } from './test-helpers.ts'
import { encodeTorrentFile, parseTorrentFile } from './torrent-file.ts'

const CASES: { title: string; files: TestFile[]; opts: { name?: string; pieceLength?: number }; expect: { name: string; paths: string[] } }[] = [
  {
    title: 'single file',
    files: [{ path: 'movie.mp4', data: pattern(100_000) }],
    opts: { pieceLength: 16384 },
    expect: { name: 'movie.mp4', paths: ['movie.mp4'] },
  },
  {
    title: 'multi-file with a 0-byte file',
    files: [
      { path: 'album/a.txt', data: pattern(20_000, 2) },
      { path: 'album/empty.txt', data: new Uint8Array(0) },
      { path: 'album/sub/b.bin', data: pattern(50_000, 3) },
    ],
    opts: { pieceLength: 16384 },
    expect: { name: 'album', paths: ['album/a.txt', 'album/empty.txt', 'album/sub/b.bin'] },
  },
  {
    title: 'non-ASCII name',
    files: [{ path: '日本語 – ü.txt', data: pattern(5000, 4) }],
    opts: {},
    expect: { name: '日本語 – ü.txt', paths: ['日本語 – ü.txt'] },
  },
  {
    title: 'files ending mid-piece, default piece length',
    files: [
      { path: 'x/one', data: pattern(40_000, 5) },
      { path: 'x/two', data: pattern(30_001, 6) },
    ],
    opts: {},
    expect: { name: 'x', paths: ['x/one', 'x/two'] },
  },
]

describe('parseTorrentFile on create-torrent output', () => {
  for (const c of CASES) {
    it(c.title, async () => {
      const torrent = await referenceTorrent(c.files, c.opts)
      const meta = await parseTorrentFile(torrent)
      expect(meta.infoHashHex).toBe(referenceInfoHash(torrent))
      expect(meta.info.name).toBe(c.expect.name)
      expect(meta.info.files.map((f) => f.path)).toEqual(c.expect.paths)
      expect(meta.info.files.map((f) => f.length)).toEqual(c.files.map((f) => f.data.length))
      let offset = 0
      for (const f of meta.info.files) {
        expect(f.offset).toBe(offset)
        expect(f.name).toBe(f.path.split('/').pop())
        offset += f.length
      }
      expect(meta.info.length).toBe(offset)
      expect(meta.info.pieceLength).toBe(c.opts.pieceLength ?? 16384)
      expect(meta.info.pieceHashes.length).toBe(Math.ceil(offset / meta.info.pieceLength))
      expect(meta.info.private).toBe(false)
      expect(meta.creationDate).toBe(1_700_000_000)
      expect(meta.announce).toEqual([])
    })
  }
})

describe('parseTorrentFile fields', () => {
  const info = encode({ name: 'a', 'piece length': 16384, length: 1, pieces: new Uint8Array(20) })

  it('flattens announce-list tiers in order, dedupes, and ignores announce then', async () => {
    const t = encode({
      announce: 'udp://ignored',
      'announce-list': [['wss://a', 'wss://b'], ['wss://a', 'wss://c'], [5]],
      info: decodeWithSpans(info).value,
    })
    expect((await parseTorrentFile(t)).announce).toEqual(['wss://a', 'wss://b', 'wss://c'])
  })

  it('falls back to announce; reads url-list as string or list; comment, created by', async () => {
    const base = { announce: 'wss://t', info: decodeWithSpans(info).value }
    const one = await parseTorrentFile(encode({ ...base, 'url-list': 'https://seed/', comment: 'hi', 'created by': 'me' }))
    expect(one.announce).toEqual(['wss://t'])
    expect(one.urlList).toEqual(['https://seed/'])
    expect(one.comment).toBe('hi')
    expect(one.createdBy).toBe('me')
    const list = await parseTorrentFile(encode({ ...base, 'url-list': ['https://a/', '', 'https://a/', 'https://b/'] }))
    expect(list.urlList).toEqual(['https://a/', 'https://b/'])
  })

  it('hashes the exact info bytes even when they are not canonical', async () => {
    // Keys out of order: re-encoding would change the hash, so it must be taken from the raw span.
    const raw = utf8Encode('d12:piece lengthi16384e4:name1:a6:lengthi1e6:pieces20:' + '\0'.repeat(20) + 'e')
    const file = encodeTorrentFile({ info: raw, announce: [] })
    const meta = await parseTorrentFile(file)
    expect(meta.infoHashHex).toBe(createHash('sha1').update(raw).digest('hex'))
    expect(meta.info.raw).toEqual(raw)
  })
})

describe('parseTorrentFile: what libtorrent and Transmission also accept', () => {
  const info = encode({ name: 'a', 'piece length': 16384, length: 1, pieces: new Uint8Array(20) })

  it('ignores bytes after the top-level dictionary (a trailing newline)', async () => {
    const file = encodeTorrentFile({ info, announce: [] })
    const meta = await parseTorrentFile(concatBytes([file, utf8Encode('\n')]))
    expect(meta.infoHashHex).toBe(createHash('sha1').update(info).digest('hex'))
  })

  it('reads web seeds as libtorrent does: escaped, a folder URL for a multi-file torrent', async () => {
    const multiInfo = decodeWithSpans(encode({ name: 'd', 'piece length': 16384, files: [{ length: 1, path: ['a'] }, { length: 1, path: ['b'] }], pieces: new Uint8Array(20) })).value
    const multi = await parseTorrentFile(encode({ info: multiInfo, 'url-list': ['http://h.example/test file', 'http://h.example/dir/', 'http://h.example/a%20b'] }))
    expect(multi.urlList).toEqual(['http://h.example/test%20file/', 'http://h.example/dir/', 'http://h.example/a%20b/'])
    const single = await parseTorrentFile(encode({ info: decodeWithSpans(info).value, 'url-list': ['http://h.example/ü {x}', 'http://h.example'] }))
    expect(single.urlList).toEqual(['http://h.example/%C3%BC%20%7Bx%7D', 'http://h.example'])
  })
})

describe('parseTorrentFile: v2 and hybrid torrents', () => {
  const files: TestFile[] = [
    { path: 'd/big', data: pattern(100_000, 21) },
    { path: 'd/small', data: pattern(100, 22) },
  ]

  it('gives both info hashes; the 20-byte swarm id is the truncated v2 hash for v2-only torrents', async () => {
    for (const version of ['v2', 'hybrid'] as const) {
      const { torrentFile } = await createTorrent(seedInputs(files), { version, pieceLength: 16384 })
      const meta = await parseTorrentFile(torrentFile)
      const raw = meta.info.raw
      const sha256 = createHash('sha256').update(raw).digest('hex')
      expect(meta.info.version).toBe(version)
      expect(meta.infoHashV2Hex).toBe(sha256)
      expect(meta.infoHashHex).toBe(version === 'v2' ? sha256.slice(0, 40) : createHash('sha1').update(raw).digest('hex'))
      expect(meta.pieceLayers.size).toBe(1)
    }
  })

  it('checks piece layers against the pieces roots; missing layers are fine, wrong or unknown ones are not', async () => {
    const { torrentFile, metainfo } = await createTorrent(seedInputs(files), { version: 'v2', pieceLength: 16384 })
    const [rootHex, layer] = [...metainfo.pieceLayers][0]!
    const withLayers = (layers: Map<string, Uint8Array[]>): Uint8Array => encodeTorrentFile({ info: metainfo.info.raw, announce: [], pieceLayers: layers })
    expect((await parseTorrentFile(withLayers(new Map()))).pieceLayers.size).toBe(0)
    expect((await parseTorrentFile(torrentFile)).pieceLayers.get(rootHex)).toEqual(layer)
    const changed = layer.map((h, i) => (i === 3 ? h.map((b) => b ^ 1) : h))
    await expect(parseTorrentFile(withLayers(new Map([[rootHex, changed]])))).rejects.toThrow(/does not hash up to the file's "pieces root"/)
    await expect(parseTorrentFile(withLayers(new Map([[rootHex, layer.slice(1)]])))).rejects.toThrow(/has 6 hashes, not 7/)
    await expect(parseTorrentFile(withLayers(new Map([['ab'.repeat(32), layer]])))).rejects.toThrow(/belongs to no file/)
  })
})

describe('encodeTorrentFile', () => {
  it('keeps the info hash and round-trips all fields', async () => {
    const torrent = await referenceTorrent([{ path: 'dir/f', data: pattern(70_000) }, { path: 'dir/g', data: pattern(10) }])
    const meta = await parseTorrentFile(torrent)
    const out = encodeTorrentFile({
      info: meta.info.raw,
      announce: ['wss://one', 'udp://two'],
      urlList: ['https://seed/'],
      createdBy: 'Swarmstream',
      creationDate: 1234,
      comment: 'ü',
    })
    const again = await parseTorrentFile(out)
    expect(again.infoHashHex).toBe(meta.infoHashHex)
    expect(again.announce).toEqual(['wss://one', 'udp://two'])
    expect(again.urlList).toEqual(['https://seed/'])
    expect(again).toMatchObject({ createdBy: 'Swarmstream', creationDate: 1234, comment: 'ü' })
    expect(referenceInfoHash(out)).toBe(meta.infoHashHex)
  })
})

describe('bad .torrent bytes throw InvalidTorrentError only', () => {
  async function rejection(bytes: Uint8Array): Promise<unknown> {
    try {
      await parseTorrentFile(bytes)
    } catch (err) {
      return err
    }
    return undefined
  }

  it('explains that garbage is not bencoded, with the byte offset', async () => {
    const err = await rejection(utf8Encode('<html>hello</html>'))
    expect(err).toBeInstanceOf(InvalidTorrentError)
    expect((err as Error).message).toMatch(/not a \.torrent file: it is not bencoded data \(byte 0\)/)
    expect((err as InvalidTorrentError).code).toBe('INVALID_TORRENT')
  })

  it('rejects every truncation of a real torrent', async () => {
    const torrent = await referenceTorrent([{ path: 'd/a', data: pattern(40_000) }, { path: 'd/b', data: pattern(3) }])
    for (let n = 0; n < torrent.length; n++) {
      const err = await rejection(torrent.subarray(0, n))
      expect(err, `prefix of ${n} bytes`).toBeInstanceOf(InvalidTorrentError)
    }
  })

  it('rejects random bytes and wrong shapes', async () => {
    const samples = [
      pattern(300, 9),
      utf8Encode('i42e'),
      utf8Encode('d4:infoi1ee'),
      utf8Encode('le'),
      utf8Encode('d8:announce3:urle'),
      new Uint8Array(0),
    ]
    for (let seed = 10; seed < 60; seed++) samples.push(utf8Encode('d4:info' + String.fromCharCode(...pattern(40, seed))))
    for (const s of samples) expect(await rejection(s)).toBeInstanceOf(InvalidTorrentError)
  })
})
