import { leafCount, log2 } from './tree-math.ts'

/** The part of a file's tree a BEP 52 `hash request`, `hashes` or `hash reject` message is about. */
export interface HashRange {
  /** Layer of the requested hashes: 0 for block hashes, log2(piece length / 16 KiB) for piece hashes. */
  baseLayer: number
  /** Index in the base layer of the first requested hash. */
  index: number
  /** Number of base-layer hashes. */
  length: number
  /** Ancestor layers whose uncle hashes prove the requested ones (see `uncleCount`). */
  proofLayers: number
}

/** libtorrent's cap on hashes per request: a whole piece of 128 MiB in block hashes, or 8192 piece hashes. */
export const MAX_HASHES_PER_REQUEST = 8192

/**
 * Uncle hashes that follow the base hashes in a `hashes` message. The base hashes fill a subtree of
 * leafCount(length) nodes, whose root needs no proof; each proof layer above it adds one uncle
 * (as libtorrent 2.0 counts them).
 */
export function uncleCount(range: HashRange): number {
  return Math.max(0, range.proofLayers - log2(leafCount(range.length)) + 1)
}

/**
 * Why a request for the file of `fileBlocks` blocks (file length / 16 KiB, rounded up) cannot be answered,
 * or null when it can: libtorrent's rules, plus the base hashes must form one aligned subtree (padded only
 * past the end of the file).
 */
export function hashRequestProblem(range: HashRange, fileBlocks: number): string | null {
  const { baseLayer, index, length, proofLayers } = range
  if (![baseLayer, index, length, proofLayers].every((n) => Number.isSafeInteger(n) && n >= 0)) return 'fields must be non-negative integers'
  if (fileBlocks < 1) return 'an empty file has no tree'
  if (length < 1 || length > MAX_HASHES_PER_REQUEST) return `length must be 1 to ${MAX_HASHES_PER_REQUEST}`
  const height = log2(leafCount(fileBlocks))
  if (baseLayer > height) return `the tree has layers 0 to ${height}`
  const width = leafCount(fileBlocks) / 2 ** baseLayer
  if (index + length > width) return `layer ${baseLayer} has ${width} nodes`
  if (index % leafCount(length) !== 0) return 'the hashes must form one aligned subtree'
  // Short of a power of two, the rest of the subtree is taken as padding: it must lie past the file.
  if (length !== leafCount(length) && index + length < Math.ceil(fileBlocks / 2 ** baseLayer)) return 'a partial subtree must reach the end of the file'
  if (proofLayers >= height - baseLayer) return 'proof layers reach the root or past it'
  return null
}
