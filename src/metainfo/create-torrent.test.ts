import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import pieceLengthNpm from 'piece-length'
import { decodeWithSpans } from '../bencode/index.ts'
import { toHex } from '../util/bytes.ts'
import { AbortError, InvalidInputError } from '../util/errors.ts'
import { choosePieceLength, createTorrent } from './create-torrent.ts'
import { isJunkFileName, type SeedFileInput } from './seed-plan.ts'
import { pattern, referenceInfoHash, referenceTorrent, seedInputs, type TestFile } from './test-helpers.ts'
import { parseTorrentFile } from './torrent-file.ts'

function infoBytes(torrent: Uint8Array): Uint8Array {
  const span = decodeWithSpans(torrent).spans.get('info')!
  return torrent.subarray(span[0], span[1])
}

const CASES: { title: string; files: TestFile[]; opts?: { name?: string; pieceLength?: number; private?: boolean } }[] = [
  { title: 'single file, default piece length', files: [{ path: 'a.bin', data: pattern(123_457) }] },
  { title: 'single file with a chosen name', files: [{ path: 'a.bin', data: pattern(999) }], opts: { name: 'renamed' } },
  { title: 'non-ASCII single file', files: [{ path: '日本語 – ü.txt', data: pattern(40_000) }] },
  { title: 'single file inside a folder', files: [{ path: 'folder/only.txt', data: pattern(10) }] },
  {
    title: 'folder with a 0-byte file and a file ending mid-piece',
    files: [
      { path: 'dir/b.txt', data: pattern(20_000, 2) },
      { path: 'dir/empty', data: new Uint8Array(0) },
      { path: 'dir/日本語 – ü.txt', data: pattern(16_384, 3) },
      { path: 'dir/sub/a.txt', data: pattern(33_333, 4) },
    ],
    opts: { pieceLength: 16384 },
  },
  {
    title: 'files without a shared folder, name and private given',
    files: [
      { path: 'x/one', data: pattern(5000, 5) },
      { path: 'y/two', data: pattern(70_000, 6) },
      { path: 'three', data: pattern(1, 7) },
    ],
    opts: { name: 'bundle', pieceLength: 32768, private: true },
  },
  {
    title: 'hidden junk is dropped but other dot files stay',
    files: [
      { path: 'd/.DS_Store', data: pattern(100, 8) },
      { path: 'd/.config', data: pattern(200, 9) },
      { path: 'd/._resource', data: pattern(300, 10) },
      { path: 'd/file.txt', data: pattern(400, 11) },
      { path: 'd/.file.txt.swp', data: pattern(500, 12) },
    ],
  },
  {
    title: 'junk leaves one file: single-file torrent named after the folder',
    files: [
      { path: 'folder/.DS_Store', data: pattern(10, 13) },
      { path: 'folder/real.txt', data: pattern(20, 14) },
    ],
  },
  { title: 'leading slash', files: [{ path: '/top/a', data: pattern(50) }, { path: '/top/b', data: pattern(60) }] },
  {
    title: 'many small files across several windows',
    files: Array.from({ length: 400 }, (_, i) => ({ path: `many/d${i % 7}/f${i}`, data: pattern((i * 7919) % 45_000, i) })),
    opts: { pieceLength: 16384 },
  },
  {
    title: 'large multi-window torrent',
    files: [
      { path: 'big/a', data: pattern(9 * 1024 * 1024 + 17, 15) },
      { path: 'big/b', data: pattern(3 * 1024 * 1024 - 5, 16) },
    ],
    opts: { pieceLength: 262144 },
  },
]

describe('createTorrent matches the npm create-torrent package', () => {
  for (const c of CASES) {
    it(c.title, async () => {
      const reference = await referenceTorrent(c.files, c.opts)
      const { metainfo, torrentFile, files } = await createTorrent(seedInputs(c.files), c.opts)
      expect(Buffer.from(metainfo.info.raw).toString('latin1')).toBe(Buffer.from(infoBytes(reference)).toString('latin1'))
      expect(metainfo.infoHashHex).toBe(referenceInfoHash(reference))
      expect((await parseTorrentFile(torrentFile)).infoHashHex).toBe(metainfo.infoHashHex)
      expect(files.map((f) => f.length)).toEqual(metainfo.info.files.map((f) => f.length))
    })
  }

  it('reports the kept inputs in torrent order', async () => {
    const inputs = seedInputs([
      { path: 'd/.DS_Store', data: pattern(1) },
      { path: 'd/z', data: pattern(2) },
      { path: 'd/a', data: pattern(3) },
    ])
    const { files, metainfo } = await createTorrent(inputs)
    expect(files).toEqual([inputs[1], inputs[2]])
    expect(metainfo.info.files.map((f) => f.path)).toEqual(['d/z', 'd/a'])
  })
})

describe('choosePieceLength', () => {
  it('equals piece-length capped at 4 MiB, like create-torrent', () => {
    const sizes = [0, 1, 1023, 1024, 5000, 16_384, 1e6, 12_345_678, 2 ** 30, 3 * 2 ** 30, 2 ** 40, 2 ** 42]
    for (let s = 1; s < 2 ** 44; s = Math.floor(s * 1.37) + 1) sizes.push(s)
    for (const s of sizes) expect(choosePieceLength(s), `${s} bytes`).toBe(Math.min(pieceLengthNpm(s), 4 * 1024 * 1024))
  })
})

describe('createTorrent options and failures', () => {
  it('writes trackers, web seeds and fields to the .torrent', async () => {
    const { metainfo } = await createTorrent(seedInputs([{ path: 'f', data: pattern(10) }]), {
      announce: ['wss://a', 'wss://b'],
      urlList: ['https://seed/f'],
      createdBy: 'Swarmstream',
      creationDate: 1_700_000_000,
      comment: 'c',
    })
    expect(metainfo).toMatchObject({
      announce: ['wss://a', 'wss://b'],
      urlList: ['https://seed/f'],
      createdBy: 'Swarmstream',
      creationDate: 1_700_000_000,
      comment: 'c',
    })
  })

  it('reports progress up to the total', async () => {
    const seen: number[] = []
    await createTorrent(seedInputs([{ path: 'f', data: pattern(20 * 1024 * 1024) }]), {
      pieceLength: 1 << 20,
      onProgress: (n) => seen.push(n),
    })
    expect(seen.length).toBeGreaterThan(1)
    expect(seen).toEqual([...seen].sort((a, b) => a - b))
    expect(seen[seen.length - 1]).toBe(20 * 1024 * 1024)
  })

  it('stops with AbortError when the signal fires', async () => {
    const controller = new AbortController()
    const file: SeedFileInput = {
      path: 'f',
      length: 64 * 1024 * 1024,
      read: async (start, end) => {
        if (start > 0) controller.abort()
        return new Uint8Array(end - start)
      },
    }
    await expect(createTorrent([file], { signal: controller.signal })).rejects.toBeInstanceOf(AbortError)
  })

  it('rejects a read that returns the wrong number of bytes', async () => {
    const file: SeedFileInput = { path: 'f', length: 100, read: async () => new Uint8Array(10) }
    await expect(createTorrent([file])).rejects.toThrow(/gave 10 bytes instead of 100/)
  })

  it.each([
    [[], /Nothing to seed/],
    [[{ path: 'a/../b', data: pattern(1) }], /plain file or folder name/],
    [[{ path: 'a//b', data: pattern(1) }], /plain file or folder name/],
    [[{ path: '', data: pattern(1) }], /empty path/],
    [[{ path: 'd/.DS_Store', data: pattern(1) }, { path: 'd/._x', data: pattern(1) }], /hidden system clutter/],
    [[{ path: 'empty', data: new Uint8Array(0) }], /every chosen file is empty/],
    [[{ path: 'd/a', data: new Uint8Array(0) }, { path: 'd/b', data: new Uint8Array(0) }], /every chosen file is empty/],
  ])('rejects bad input %#', async (files, message) => {
    const err = await createTorrent(seedInputs(files)).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(InvalidInputError)
    expect((err as Error).message).toMatch(message)
  })

  it('rejects a bad piece length', async () => {
    await expect(createTorrent(seedInputs([{ path: 'a', data: pattern(1) }]), { pieceLength: 0 })).rejects.toThrow(/piece length/)
  })

  it('knows the hidden junk names', () => {
    for (const name of ['.DS_Store', '._foo', '.a.swp', '.Trashes', '.bak~', '.x@eaDir', '.AppleDouble']) {
      expect(isJunkFileName(name), name).toBe(true)
    }
    for (const name of ['.config', '.swp', 'Thumbs.db', 'a~', '.gitignore', 'DS_Store']) expect(isJunkFileName(name), name).toBe(false)
  })
})

describe('createTorrent v2 and hybrid', () => {
  const files = [
    { path: 'd/z.bin', data: pattern(40_000, 31) },
    { path: 'd/a/b.bin', data: pattern(5, 32) },
    { path: 'd/empty', data: new Uint8Array(0) },
  ]

  it('sorts files as the file tree does, keeps inputs in that order, and returns every merkle tree', async () => {
    const inputs = seedInputs(files)
    const { metainfo, files: kept, trees } = await createTorrent(inputs, { version: 'hybrid', pieceLength: 16384 })
    const real = metainfo.info.files.filter((f) => !f.padding)
    expect(real.map((f) => f.path)).toEqual(['d/a/b.bin', 'd/empty', 'd/z.bin'])
    expect(kept).toEqual([inputs[1], inputs[2], inputs[0]])
    expect([...trees.keys()].sort()).toEqual(real.filter((f) => f.piecesRoot).map((f) => toHex(f.piecesRoot!)).sort())
    const z = real[2]!
    expect(metainfo.pieceLayers.get(toHex(z.piecesRoot!))).toEqual(trees.get(toHex(z.piecesRoot!))!.pieceHashes(16384))
  })

  it('hybrid v1 pieces are SHA-1s of the padded v1 layout', async () => {
    const { metainfo } = await createTorrent(seedInputs(files), { version: 'hybrid', pieceLength: 16384 })
    const space = new Uint8Array(metainfo.info.length)
    const byPath = new Map(files.map((f) => [f.path, f.data]))
    for (const f of metainfo.info.files) if (!f.padding) space.set(byPath.get(f.path)!, f.offset)
    metainfo.info.pieceHashes.forEach((hash, i) => {
      const piece = space.subarray(i * 16384, (i + 1) * 16384)
      expect(toHex(hash), `piece ${i}`).toBe(createHash('sha1').update(piece).digest('hex'))
    })
  })

  it('reports progress and stops when aborted', async () => {
    const seen: number[] = []
    await createTorrent(seedInputs([{ path: 'f', data: pattern(20 * 1024 * 1024) }]), { version: 'v2', pieceLength: 1 << 20, onProgress: (n) => seen.push(n) })
    expect(seen[seen.length - 1]).toBe(20 * 1024 * 1024)
    const controller = new AbortController()
    const file: SeedFileInput = {
      path: 'f',
      length: 64 * 1024 * 1024,
      read: async (start, end) => {
        if (start > 0) controller.abort()
        return new Uint8Array(end - start)
      },
    }
    await expect(createTorrent([file], { version: 'v2', signal: controller.signal })).rejects.toBeInstanceOf(AbortError)
  })

  it.each<[string, TestFile[], number, RegExp]>([
    ['a piece length that is not a power of two', [{ path: 'a', data: pattern(1) }], 3 * 16384, /power of two of at least 16384/],
    ['a piece length under 16 KiB', [{ path: 'a', data: pattern(1) }], 8192, /power of two of at least 16384/],
    ['a file where a folder is', [{ path: 'd/a', data: pattern(1) }, { path: 'd/a/b', data: pattern(1) }], 16384, /same path/],
    ['two files with one path', [{ path: 'd/a', data: pattern(1) }, { path: 'd/a', data: pattern(2) }], 16384, /same path/],
  ])('refuses %s', async (_, input, pieceLength, message) => {
    await expect(createTorrent(seedInputs(input), { version: 'v2', pieceLength })).rejects.toThrow(message)
  })
})
