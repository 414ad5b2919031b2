// The whole corpus through Debian's libtorrent 2.0.8 (python3-libtorrent) as a second judge: where both
// load a torrent, the info hashes, piece geometry and the layout of the files' bytes must agree.
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseTorrentFile } from './torrent-file.ts'
import { corpusDir, corpusTorrents } from './test-helpers.ts'

const LIBTORRENT_READER = `
import json, os, sys
import libtorrent as lt
root = sys.argv[1]
out = {}
for rel in json.load(sys.stdin):
    try:
        ti = lt.torrent_info(os.path.join(root, rel))
    except Exception as e:
        out[rel] = {'ok': False, 'error': str(e)}
        continue
    fs, h = ti.files(), ti.info_hashes()
    out[rel] = {'ok': True, 'v1': str(h.v1) if h.has_v1() else None, 'v2': str(h.v2) if h.has_v2() else None,
      'pieceLength': ti.piece_length(), 'pieces': ti.num_pieces(),
      'files': [[fs.file_size(i), fs.file_offset(i), bool(fs.file_flags(i) & lt.file_flags_t.flag_pad_file)] for i in range(fs.num_files())]}
print(json.dumps(out))
`

/**
 * libtorrent 2.0.8 loads these; the libtorrent tests the corpus transcribes (a newer libtorrent) refuse
 * them, and so do we.
 */
const NEWER_LIBTORRENT_REFUSES: Record<string, string> = {
  'libtorrent/test_torrents/duplicate_files2.torrent': 'too_many_duplicate_filenames',
  'libtorrent/test_torrents/v2_invalid_piece_layer_root.torrent': 'torrent_invalid_piece_layer',
  'libtorrent/test_torrents/v2_invalid_root_hash.torrent': 'torrent_invalid_piece_layer',
  'libtorrent/test_torrents/v2_unknown_piece_layer_entry.torrent': 'torrent_invalid_piece_layer',
  // Transmission's test refuses it (two "pieces" keys); libtorrent silently takes the first.
  'transmission/dup-pieces-key.torrent': "Transmission: invalid duplicate 'pieces'",
  // The README's exception: pieces over 64 MiB.
  'libtorrent/test_torrents/large_piece_size.torrent': 'MAX_PIECE_LENGTH',
}

interface LibtorrentView {
  ok: boolean
  v1?: string | null
  v2?: string | null
  pieceLength?: number
  pieces?: number
  files?: [number, number, boolean][]
}

function readWithLibtorrent(files: string[]): Record<string, LibtorrentView> {
  const run = spawnSync('/usr/bin/python3', ['-c', LIBTORRENT_READER, corpusDir()], { input: JSON.stringify(files), encoding: 'utf8', maxBuffer: 1 << 26 })
  if (run.status !== 0) throw new Error(`/usr/bin/python3 could not run libtorrent (apt-get install python3-libtorrent): ${run.stderr}`)
  return JSON.parse(run.stdout) as Record<string, LibtorrentView>
}

/** Where the bytes are: every non-empty file's size, offset and pad flag (empty files take no space). */
const layout = (files: [number, number, boolean][]): string => JSON.stringify(files.filter(([size]) => size > 0))

describe('conformance: libtorrent 2.0.8 reads every corpus torrent as we do', () => {
  const all = corpusTorrents()
  const views = readWithLibtorrent(all)

  it('read all 169 files', () => expect(Object.keys(views)).toHaveLength(169))

  for (const file of all) {
    it(file, async () => {
      const lt = views[file]!
      let ours: Awaited<ReturnType<typeof parseTorrentFile>> | null = null
      try {
        ours = await parseTorrentFile(new Uint8Array(readFileSync(resolve(corpusDir(), file))))
      } catch {
        ours = null
      }
      if (file in NEWER_LIBTORRENT_REFUSES) {
        expect(lt.ok && ours === null, `${file}: libtorrent 2.0.8 loads it, we refuse it`).toBe(true)
        return
      }
      expect(ours !== null, `loaded by us`).toBe(lt.ok)
      if (!ours || !lt.ok) return
      expect(ours.info.version === 'v2' ? null : ours.infoHashHex).toBe(lt.v1)
      expect(ours.infoHashV2Hex ?? null).toBe(lt.v2)
      expect([ours.info.pieceLength, Math.ceil(ours.info.length / ours.info.pieceLength)]).toEqual([lt.pieceLength, lt.pieces])
      const mine = ours.info.files.map((f): [number, number, boolean] => [f.length, f.offset, f.padding ?? false])
      expect(layout(mine)).toBe(layout(lt.files!))
    })
  }
})

