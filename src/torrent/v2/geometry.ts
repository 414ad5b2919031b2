import { blockCount, leafCount, log2, pieceLayerIndex, type HashRange } from '../../merkle/index.ts'
import { v2PieceAt, type V2Piece } from '../../metainfo/v2-pieces.ts'
import type { InfoDictionary } from '../../metainfo/types.ts'

export const BLOCK = 16384

/** Where a piece of a v2 or hybrid torrent sits in its file's merkle tree, and what its blocks hold. */
export interface PieceGeometry extends V2Piece {
  /** Leaves of the piece's subtree: blocks per piece, or fewer for a file shorter than a piece. */
  width: number
  /** The file's first leaf (block) in this piece. */
  firstLeaf: number
  /** The layer of the piece's subtree root: the piece layer, or the file's root for a short file. */
  layer: number
  /** Blocks of the file's tree (file length / 16 KiB, rounded up). */
  fileBlocks: number
}

/** Null for a piece that holds no file data (or a v1 torrent). */
export function pieceGeometry(info: InfoDictionary, index: number): PieceGeometry | null {
  const piece = v2PieceAt(info, index)
  if (!piece) return null
  const fileBlocks = blockCount(piece.file.length)
  const width = Math.min(info.pieceLength / BLOCK, leafCount(fileBlocks))
  return { ...piece, width, firstLeaf: piece.pieceInFile * (info.pieceLength / BLOCK), layer: log2(width), fileBlocks }
}

/** Bytes of file data in block `b` of the piece (0 for a block of padding only). */
export function blockData(g: PieceGeometry, b: number): number {
  return Math.max(0, Math.min(BLOCK, g.dataLength - b * BLOCK))
}

/**
 * The `hash request` for the block hashes (leaves) of a piece, proven up to the piece's hash, which we
 * trust already: no uncles are needed. Null when the piece is a single block (its leaf is its hash).
 */
export function leafRequest(g: PieceGeometry): HashRange | null {
  if (g.width === 1) return null
  return { baseLayer: 0, index: g.firstLeaf, length: g.width, proofLayers: g.layer - 1 }
}

/** Piece hashes are fetched in aligned chunks of this many (libtorrent's bucket), proven up to the file's root. */
export const LAYER_CHUNK = 512

/** The `hash request`s that fetch a file's whole piece layer, each proven up to its pieces root. */
export function layerRequests(info: InfoDictionary, fileLength: number): HashRange[] {
  const base = pieceLayerIndex(info.pieceLength)
  const height = log2(leafCount(blockCount(fileLength)))
  const pieces = Math.ceil(fileLength / info.pieceLength)
  const out: HashRange[] = []
  for (let index = 0; index < pieces; index += LAYER_CHUNK) {
    out.push({ baseLayer: base, index, length: Math.min(LAYER_CHUNK, leafCount(pieces - index)), proofLayers: height - base - 1 })
  }
  return out
}
