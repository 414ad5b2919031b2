import { pieceHash } from '../merkle/index.ts'
import { toHex } from '../util/bytes.ts'
import { fileAt, pieceCount } from './layout.ts'
import type { InfoDictionary, Metainfo, TorrentFileEntry } from './types.ts'

/** Where a piece of a v2 or hybrid torrent sits in its file's merkle tree. */
export interface V2Piece {
  /** Index in `info.files` of the file the piece belongs to. */
  fileIndex: number
  file: TorrentFileEntry
  /** The piece's index within its file: its position in the file's piece layer. */
  pieceInFile: number
  /** Bytes of file data in the piece: the piece length, or less in a file's last piece (the rest is padding). */
  dataLength: number
}

/**
 * The file a piece of a v2 or hybrid torrent belongs to (v2 pieces never span files). Null for a v1
 * torrent, for a piece outside the torrent, and for a piece that holds only padding.
 */
export function v2PieceAt(info: InfoDictionary, index: number): V2Piece | null {
  if (info.version === 'v1' || !Number.isInteger(index) || index < 0 || index >= pieceCount(info)) return null
  const start = index * info.pieceLength
  const found = fileAt(info, start)
  if (!found || found.file.padding || !found.file.piecesRoot) return null
  const { file } = found
  return {
    fileIndex: found.index,
    file,
    pieceInFile: (start - file.offset) / info.pieceLength,
    dataLength: Math.min(info.pieceLength, file.offset + file.length - start),
  }
}

/**
 * The hash a piece's data must have in its file's tree: from the torrent's piece layers, or the file's
 * pieces root when the file is at most one piece. Undefined when the layer is not known yet: ask peers
 * for it with a `hash request` (base layer log2(piece length / 16 KiB)) and verify the answer.
 */
export function v2PieceHash(meta: Pick<Metainfo, 'info' | 'pieceLayers'>, piece: V2Piece): Uint8Array | undefined {
  const root = piece.file.piecesRoot!
  if (piece.file.length <= meta.info.pieceLength) return root
  return meta.pieceLayers.get(toHex(root))?.[piece.pieceInFile]
}

/**
 * Checks the data of a whole piece (its file bytes only, without padding) against the merkle tree.
 * Undefined when the piece's hash is not known yet or the piece holds no file data.
 */
export async function verifyV2Piece(meta: Pick<Metainfo, 'info' | 'pieceLayers'>, index: number, data: Uint8Array): Promise<boolean | undefined> {
  const piece = v2PieceAt(meta.info, index)
  const expected = piece ? v2PieceHash(meta, piece) : undefined
  if (!piece || !expected) return undefined
  if (data.length !== piece.dataLength) return false
  const hash = await pieceHash(data, meta.info.pieceLength, piece.file.length)
  return hash.every((b, i) => b === expected[i])
}
