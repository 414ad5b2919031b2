// v2 and hybrid torrents we create must equal libtorrent 2.0's byte for byte: the reference is made by the
// real libtorrent (Debian's python3-libtorrent, run with /usr/bin/python3) from the same files on disk.
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { decodeWithSpans, isDict } from '../bencode/index.ts'
import { toHex } from '../util/bytes.ts'
import { createTorrent } from './create-torrent.ts'
import { pattern, seedInputs, type TestFile } from './test-helpers.ts'

const PYTHON = '/usr/bin/python3'

// Hashes the files at argv[1] (a file or a folder) as libtorrent's create_torrent does; prints the
// .torrent and libtorrent's own reading of its info hashes.
const MAKE_TORRENT = `
import base64, json, os, sys
import libtorrent as lt
path, version, piece_length = sys.argv[1], sys.argv[2], int(sys.argv[3])
fs = lt.file_storage()
lt.add_files(fs, path)
ct = lt.create_torrent(fs, piece_length, lt.create_torrent.v2_only if version == 'v2' else 0)
lt.set_piece_hashes(ct, os.path.dirname(path))
data = lt.bencode(ct.generate())
hashes = lt.torrent_info(lt.bdecode(data)).info_hashes()
print(json.dumps({'libtorrent': lt.__version__, 'torrent': base64.b64encode(data).decode(),
  'v1': str(hashes.v1) if hashes.has_v1() else None, 'v2': str(hashes.v2) if hashes.has_v2() else None}))
`

interface Reference {
  libtorrent: string
  torrent: string
  v1: string | null
  v2: string | null
}

function libtorrentAvailable(): string | null {
  const probe = spawnSync(PYTHON, ['-c', 'import libtorrent; print(libtorrent.__version__)'], { encoding: 'utf8' })
  return probe.status === 0 ? probe.stdout.trim() : null
}

const work = mkdtempSync(join(tmpdir(), 'swarmstream-lt-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))

function reference(root: string, files: TestFile[], version: 'v2' | 'hybrid', pieceLength: number): Reference {
  const dir = join(work, `${version}-${pieceLength}-${Math.random().toString(36).slice(2)}`)
  for (const f of files) {
    mkdirSync(dirname(join(dir, f.path)), { recursive: true })
    writeFileSync(join(dir, f.path), f.data, { mode: 0o644 })
  }
  const run = spawnSync(PYTHON, ['-c', MAKE_TORRENT, join(dir, root), version, String(pieceLength)], { encoding: 'utf8', maxBuffer: 1 << 26 })
  if (run.status !== 0) throw new Error(`libtorrent failed: ${run.stderr}`)
  return JSON.parse(run.stdout) as Reference
}

function infoSpan(torrent: Uint8Array): Uint8Array {
  const span = decodeWithSpans(torrent).spans.get('info')!
  return torrent.subarray(span[0], span[1])
}

function pieceLayersOf(torrent: Uint8Array): Record<string, string> {
  const layers = (decodeWithSpans(torrent).value as Record<string, unknown>)['piece layers']
  if (!isDict(layers as never)) return {}
  const out: Record<string, string> = {}
  for (const [key, value] of Object.entries(layers as Record<string, Uint8Array>)) out[toHex(Uint8Array.from(key, (c) => c.charCodeAt(0)))] = toHex(value)
  return out
}

const SETS: { title: string; root: string; pieceLength: number; files: TestFile[] }[] = [
  { title: 'a single file of several pieces', root: 'movie.bin', pieceLength: 65536, files: [{ path: 'movie.bin', data: pattern(1_000_003, 1) }] },
  { title: 'a single file smaller than a piece, non-ASCII name', root: '日本語 – ü.bin', pieceLength: 32768, files: [{ path: '日本語 – ü.bin', data: pattern(20_000, 2) }] },
  {
    title: 'several files with odd sizes, sub-folders and a non-ASCII name',
    root: 'album',
    pieceLength: 32768,
    files: [
      { path: 'album/b.bin', data: pattern(40_000, 3) },
      { path: 'album/Z.txt', data: pattern(5, 4) },
      { path: 'album/sub/ü – 日本.txt', data: pattern(70_001, 5) },
      { path: 'album/a.bin', data: pattern(16_384, 6) },
      { path: 'album/sub-x/c', data: pattern(3 * 32768 + 1, 7) },
      { path: 'album/sub.d', data: pattern(32768, 8) },
    ],
  },
  {
    title: 'a folder with a 0-byte file',
    root: 'withempty',
    pieceLength: 16384,
    files: [
      { path: 'withempty/f', data: pattern(10, 9) },
      { path: 'withempty/empty', data: new Uint8Array(0) },
      { path: 'withempty/g/h', data: pattern(3 * 16384 + 7, 10) },
    ],
  },
]

describe('v2 and hybrid torrents equal libtorrent 2.0 byte for byte', () => {
  it('python3-libtorrent 2.0 is installed (apt-get install python3-libtorrent; run with /usr/bin/python3)', () => {
    const version = libtorrentAvailable()
    expect(version, `${PYTHON} cannot import libtorrent: install Debian's python3-libtorrent (apt-get install python3-libtorrent)`).not.toBeNull()
    expect(version).toMatch(/^2\.0\./)
  })

  for (const set of SETS) {
    for (const version of ['v2', 'hybrid'] as const) {
      it(`${version}: ${set.title}`, async () => {
        const ref = reference(set.root, set.files, version, set.pieceLength)
        const refTorrent = new Uint8Array(Buffer.from(ref.torrent, 'base64'))
        const ours = await createTorrent(seedInputs(set.files), { version, pieceLength: set.pieceLength })
        expect(Buffer.from(ours.metainfo.info.raw).toString('latin1')).toBe(Buffer.from(infoSpan(refTorrent)).toString('latin1'))
        expect(ours.metainfo.infoHashV2Hex).toBe(ref.v2)
        if (version === 'hybrid') expect(ours.metainfo.infoHashHex).toBe(ref.v1)
        else expect(ref.v1).toBeNull()
        expect(pieceLayersOf(ours.torrentFile)).toEqual(pieceLayersOf(refTorrent))
      })
    }
  }
})
