import { SwarmstreamError } from '../util/errors.ts'
import { hashRequestProblem, uncleCount, type HashRange } from './hash-request.ts'
import { blockCount, leafCount, log2, padHash, parentLayer, pieceLayerIndex } from './tree-math.ts'

/**
 * A file's merkle tree from some layer up to the root: all of it (from the block hashes) for a file we
 * hashed ourselves, or from the piece layer up (from a .torrent's `piece layers`). It answers BEP 52
 * `hash request`s. Only real nodes are stored; nodes past the end of the file are pad hashes.
 */
export class MerkleTree {
  private constructor(
    /** `layers[l - lowest]`: the real nodes of layer l, up to `[root]`. */
    private readonly layers: Uint8Array[][],
    /** The lowest layer held: 0 from block hashes, the piece layer from a piece layer. */
    readonly lowest: number,
    /** Block hashes past the file's end are zero; its tree has leafCount(blocks) leaves. */
    readonly blocks: number,
    private readonly pads: Uint8Array[],
  ) {}

  /** The whole tree of a file from its block hashes (`hashBlocks` of its bytes). */
  static fromBlockHashes(blockHashes: readonly Uint8Array[]): Promise<MerkleTree> {
    return MerkleTree.build(blockHashes, 0, blockHashes.length)
  }

  /**
   * The tree above a file's piece layer: one hash per piece (`ceil(fileLength / pieceLength)`). A file of
   * at most one piece has no piece layer; give `[piecesRoot]`.
   */
  static fromPieceLayer(pieceHashes: readonly Uint8Array[], pieceLength: number, fileLength: number): Promise<MerkleTree> {
    const blocks = blockCount(fileLength)
    const lowest = Math.min(pieceLayerIndex(pieceLength), log2(leafCount(blocks)))
    if (pieceHashes.length !== Math.max(1, Math.ceil(fileLength / pieceLength))) {
      throw new SwarmstreamError('INVALID_ARGUMENT', `${pieceHashes.length} piece hashes for a file of ${fileLength} bytes; this is a bug in the caller.`)
    }
    return MerkleTree.build(pieceHashes, lowest, blocks)
  }

  private static async build(nodes: readonly Uint8Array[], lowest: number, blocks: number): Promise<MerkleTree> {
    const height = log2(leafCount(blocks))
    const layers: Uint8Array[][] = [[...nodes]]
    for (let l = lowest; l < height; l++) layers.push(await parentLayer(layers[layers.length - 1]!, l))
    const pads = await Promise.all(Array.from({ length: height + 1 }, (_, l) => padHash(l)))
    return new MerkleTree(layers, lowest, blocks, pads)
  }

  /** The layer of the root. */
  get height(): number {
    return this.lowest + this.layers.length - 1
  }

  /** The file's `pieces root`. */
  get root(): Uint8Array {
    return this.layers[this.layers.length - 1]![0]!
  }

  /** Number of nodes at `layer`, counting the pad nodes that complete it. */
  width(layer: number): number {
    return leafCount(this.blocks) / 2 ** layer
  }

  /** A node, or the pad hash where the layer runs past the file; undefined below the lowest layer held. */
  node(layer: number, index: number): Uint8Array | undefined {
    if (layer < this.lowest || layer > this.height || index < 0 || index >= this.width(layer)) return undefined
    return this.layers[layer - this.lowest]![index] ?? this.pads[layer]
  }

  /** The real nodes of `layer` (no padding). */
  layer(layer: number): readonly Uint8Array[] {
    const nodes = this.layers[layer - this.lowest]
    if (!nodes) throw new SwarmstreamError('INVALID_ARGUMENT', `Layer ${layer} is not held (layers ${this.lowest}–${this.height}).`)
    return nodes
  }

  /** One hash per piece: the piece layer, or `[root]` for a file of at most one piece. */
  pieceHashes(pieceLength: number): readonly Uint8Array[] {
    return this.layer(Math.min(pieceLayerIndex(pieceLength), this.height))
  }

  /** The sibling of each ancestor of node (layer, index), bottom up, `count` of them. */
  uncles(layer: number, index: number, count: number): Uint8Array[] {
    const out: Uint8Array[] = []
    for (let l = layer, i = index; out.length < count; l++, i = Math.floor(i / 2)) {
      const sibling = this.node(l, i ^ 1)
      if (!sibling) throw new SwarmstreamError('INVALID_ARGUMENT', `No uncle at layer ${l}; this is a bug in the caller.`)
      out.push(sibling)
    }
    return out
  }

  /**
   * The hashes of a BEP 52 `hashes` answer: `length` nodes of the base layer, then the uncles that prove
   * them. Null when the request is malformed or asks for layers this tree does not hold (send `hash reject`).
   */
  answer(request: HashRange): Uint8Array[] | null {
    if (hashRequestProblem(request, this.blocks) !== null || request.baseLayer < this.lowest) return null
    const { baseLayer, index, length } = request
    const nodes = Array.from({ length }, (_, i) => this.node(baseLayer, index + i)!)
    const span = leafCount(length)
    return [...nodes, ...this.uncles(baseLayer + log2(span), index / span, uncleCount(request))]
  }
}
