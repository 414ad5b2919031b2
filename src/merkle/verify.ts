import { bytesEqual } from '../util/bytes.ts'
import { sha256 } from '../util/sha256.ts'
import { hashRequestProblem, uncleCount, type HashRange } from './hash-request.ts'
import { blockCount, climb, hashBlocks, HASH_LENGTH, leafCount, log2, MERKLE_BLOCK_LENGTH, pieceLayerIndex, subtreeRoot } from './tree-math.ts'

/** Whether `node` (at `index` of its layer), climbed through `uncles` bottom up, reaches `expected`. */
export async function verifyProof(node: Uint8Array, index: number, uncles: readonly Uint8Array[], expected: Uint8Array): Promise<boolean> {
  return bytesEqual(await climb(node, index, uncles), expected)
}

/**
 * Verifies one block the moment it arrives: the file's block `blockIndex`, hashed, climbed through the
 * uncle hashes up to a hash already trusted (its piece hash, or the file's root).
 */
export async function verifyBlock(block: Uint8Array, blockIndex: number, uncles: readonly Uint8Array[], expected: Uint8Array): Promise<boolean> {
  if (block.length === 0 || block.length > MERKLE_BLOCK_LENGTH) return false
  return verifyProof(await sha256(block), blockIndex, uncles, expected)
}

/**
 * Checks the hashes of a BEP 52 `hashes` message for a file of `fileBlocks` blocks: the base hashes fill
 * their subtree (padded), the uncles lift its root to a node the caller already trusts, looked up with
 * `trusted(layer, index)` (the pieces root at least). Returns the proven base hashes, or null.
 */
export async function verifyHashes(
  range: HashRange,
  hashes: readonly Uint8Array[],
  fileBlocks: number,
  trusted: (layer: number, index: number) => Uint8Array | undefined,
): Promise<Uint8Array[] | null> {
  if (hashRequestProblem(range, fileBlocks) !== null) return null
  const uncles = uncleCount(range)
  if (hashes.length !== range.length + uncles || hashes.some((h) => h.length !== HASH_LENGTH)) return null
  const base = hashes.slice(0, range.length)
  const span = leafCount(range.length)
  const subtreeLayer = range.baseLayer + log2(span)
  const top = await climb(await subtreeRoot(base, range.baseLayer, span), range.index / span, hashes.slice(range.length))
  const anchor = trusted(subtreeLayer + uncles, Math.floor(range.index / span / 2 ** uncles))
  return anchor !== undefined && bytesEqual(top, anchor) ? base : null
}

/**
 * The piece-layer hash of a piece of a file: its 16 KiB blocks hashed and padded to the piece's subtree
 * (to the file's whole tree for a file shorter than a piece, whose hash is then the pieces root).
 */
export async function pieceHash(data: Uint8Array, pieceLength: number, fileLength: number): Promise<Uint8Array> {
  const width = Math.min(2 ** pieceLayerIndex(pieceLength), leafCount(blockCount(fileLength)))
  return subtreeRoot(await hashBlocks(data), 0, width)
}

/** Whether a file's piece layer (from a .torrent or from peers) hashes up to its pieces root. */
export async function verifyPieceLayer(
  pieceHashes: readonly Uint8Array[],
  pieceLength: number,
  fileLength: number,
  piecesRoot: Uint8Array,
): Promise<boolean> {
  const pieces = Math.ceil(fileLength / pieceLength)
  if (fileLength <= pieceLength || pieceHashes.length !== pieces || pieceHashes.some((h) => h.length !== HASH_LENGTH)) return false
  const layer = pieceLayerIndex(pieceLength)
  const root = await subtreeRoot(pieceHashes, layer, leafCount(blockCount(fileLength)) / 2 ** layer)
  return bytesEqual(root, piecesRoot)
}
