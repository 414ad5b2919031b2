import { SwarmstreamError } from '../util/errors.ts'
import { sha256 } from '../util/sha256.ts'

/** BEP 52: each 16 KiB block of a file is one leaf of the file's SHA-256 merkle tree. */
export const MERKLE_BLOCK_LENGTH = 16384
export const HASH_LENGTH = 32

/**
 * Layers are numbered from the leaves: layer 0 holds the block hashes, layer `p` the piece hashes when a
 * piece is 2^p blocks, and the root sits at layer `height`. A file of `blocks` blocks has a tree of
 * `leafCount(blocks)` leaves; the leaves past its end are all-zero hashes.
 */
export function leafCount(blocks: number): number {
  if (!Number.isSafeInteger(blocks) || blocks < 0) bug(`block count ${blocks}`)
  let n = 1
  while (n < blocks) n *= 2
  return n
}

/** log2 of a power of two (throws on anything else: a caller bug). */
export function log2(powerOfTwo: number): number {
  const exponent = Math.round(Math.log2(powerOfTwo))
  if (!Number.isSafeInteger(powerOfTwo) || powerOfTwo < 1 || 2 ** exponent !== powerOfTwo) bug(`${powerOfTwo} is not a power of two`)
  return exponent
}

export function blockCount(fileLength: number): number {
  return Math.ceil(fileLength / MERKLE_BLOCK_LENGTH)
}

/** Height of a file's tree: the layer of its root. */
export function treeHeight(fileLength: number): number {
  return log2(leafCount(blockCount(fileLength)))
}

/** The layer that holds one hash per piece. */
export function pieceLayerIndex(pieceLength: number): number {
  if (pieceLength < MERKLE_BLOCK_LENGTH) bug(`piece length ${pieceLength} is below 16 KiB`)
  return log2(pieceLength / MERKLE_BLOCK_LENGTH)
}

export function hashPair(left: Uint8Array, right: Uint8Array): Promise<Uint8Array> {
  const both = new Uint8Array(HASH_LENGTH * 2)
  both.set(left, 0)
  both.set(right, HASH_LENGTH)
  return sha256(both)
}

const pads: Promise<Uint8Array>[] = [Promise.resolve(new Uint8Array(HASH_LENGTH))]

/** The root of 2^layer all-zero leaves: what stands for a node past the end of a file at that layer. */
export function padHash(layer: number): Promise<Uint8Array> {
  if (!Number.isInteger(layer) || layer < 0 || layer > 62) bug(`layer ${layer}`)
  for (let l = pads.length; l <= layer; l++) pads.push(pads[l - 1]!.then((below) => hashPair(below, below)))
  return pads[layer]!
}

/** The layer above `nodes` (which sit at `layer`): pairs hashed, a missing right sibling padded. */
export async function parentLayer(nodes: readonly Uint8Array[], layer: number): Promise<Uint8Array[]> {
  const pad = await padHash(layer)
  const jobs: Promise<Uint8Array>[] = []
  for (let i = 0; i < nodes.length; i += 2) jobs.push(hashPair(nodes[i]!, nodes[i + 1] ?? pad))
  return Promise.all(jobs)
}

/**
 * The root over `nodes` of `layer`, padded to `width` nodes (a power of two, default the smallest that
 * holds them). With width 1 the single node is its own root.
 */
export async function subtreeRoot(nodes: readonly Uint8Array[], layer: number, width = leafCount(nodes.length)): Promise<Uint8Array> {
  if (nodes.length === 0 || nodes.length > width) bug(`${nodes.length} nodes in a subtree of width ${width}`)
  let current = nodes
  let l = layer
  for (let w = width; w > 1; w /= 2) current = await parentLayer(current, l++)
  return current[0]!
}

/** SHA-256 of each 16 KiB block of `data` (the last may be shorter), all digests in flight together. */
export function hashBlocks(data: Uint8Array): Promise<Uint8Array[]> {
  const jobs: Promise<Uint8Array>[] = []
  for (let start = 0; start < data.length; start += MERKLE_BLOCK_LENGTH) {
    jobs.push(sha256(data.subarray(start, start + MERKLE_BLOCK_LENGTH)))
  }
  return Promise.all(jobs)
}

/** Climbs from `node` (at `index` of its layer) through `uncles`, bottom up; returns the ancestor reached. */
export async function climb(node: Uint8Array, index: number, uncles: readonly Uint8Array[]): Promise<Uint8Array> {
  let hash = node
  let i = index
  for (const uncle of uncles) {
    hash = i % 2 === 0 ? await hashPair(hash, uncle) : await hashPair(uncle, hash)
    i = Math.floor(i / 2)
  }
  return hash
}

function bug(what: string): never {
  throw new SwarmstreamError('INVALID_ARGUMENT', `Merkle tree: ${what}; this is a bug in the caller.`)
}
