import { brokenTorrent } from './errors.ts'
import type { TreeFile } from './file-tree.ts'
import type { TorrentFileEntry } from './types.ts'

/**
 * Places the files of a v2-only torrent in the piece space the way libtorrent 2.0 does: after every non-empty
 * file that ends mid-piece a pad file (`<name>/.pad/<size>`) fills up to the next piece boundary, the last
 * file (even a single file) included, so every piece is a whole piece on the wire (libtorrent requests the
 * last piece's blocks up to the piece length).
 */
export function alignedLayout(files: readonly TreeFile[], pieceLength: number, name: string): TorrentFileEntry[] {
  const out: TorrentFileEntry[] = []
  let offset = 0
  for (const file of files) {
    out.push({ ...file, offset })
    offset += file.length
    const gap = (pieceLength - (offset % pieceLength)) % pieceLength
    if (gap > 0 && file.length > 0) {
      out.push({ path: `${name}/.pad/${gap}`, name: String(gap), length: gap, offset, padding: true })
      offset += gap
    }
    if (!Number.isSafeInteger(offset)) brokenTorrent('its total size is too large')
  }
  return out
}

const sameFile = (a: TorrentFileEntry | TreeFile, b: TorrentFileEntry | TreeFile): boolean =>
  a.path === b.path && a.length === b.length && a.symlink === b.symlink

/**
 * Checks that the v1 half of a hybrid torrent describes the same files as its v2 half, each non-empty one
 * starting on a piece boundary (libtorrent refuses a torrent whose halves disagree). Returns the v1 layout
 * with each file's pieces root.
 */
export function mergeHybrid(v1: readonly TorrentFileEntry[], v2: readonly TreeFile[], pieceLength: number): TorrentFileEntry[] {
  const real = v1.filter((f) => !f.padding)
  if (real.length !== v2.length) {
    brokenTorrent(`its v1 and v2 halves disagree: ${real.length} files in "files" but ${v2.length} in the "file tree"`)
  }
  const roots = new Map<TorrentFileEntry, Uint8Array>()
  real.forEach((file, i) => {
    const twin = v2[i]!
    if (!sameFile(file, twin)) {
      brokenTorrent(`its v1 and v2 halves disagree about file ${i + 1} (${JSON.stringify(file.path)} or ${JSON.stringify(twin.path)})`)
    }
    if (file.length > 0 && file.offset % pieceLength !== 0) {
      brokenTorrent(`its v1 half does not start ${JSON.stringify(file.path)} on a piece boundary, as the v2 half needs`)
    }
    if (twin.piecesRoot) roots.set(file, twin.piecesRoot)
  })
  return v1.map((file) => {
    const root = roots.get(file)
    return root ? { ...file, piecesRoot: root } : { ...file }
  })
}

