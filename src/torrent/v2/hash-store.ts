/*
 * The merkle hashes a v2 or hybrid torrent knows, per file: the tree from the piece layer up (from the
 * .torrent, from peers, or the whole tree of a file we hashed ourselves), and the block hashes (leaves)
 * of pieces being downloaded, each set proven against its piece hash before it is kept here.
 * It answers what the session asks: a piece's hash and leaves, which hashes are still missing, and the
 * nodes a peer's `hash request` asks for.
 */
import {
  blockCount,
  hashBlocks,
  hashRequestProblem,
  leafCount,
  log2,
  MerkleTree,
  padHash,
  pieceHash,
  pieceLayerIndex,
  subtreeRoot,
  uncleCount,
  verifyHashes,
  verifyPieceLayer,
  type HashRange,
} from '../../merkle/index.ts'
import type { InfoDictionary, TorrentFileEntry } from '../../metainfo/types.ts'
import { bytesEqual, toHex } from '../../util/bytes.ts'
import { BLOCK, layerRequests, pieceGeometry, type PieceGeometry } from './geometry.ts'

interface FileHashes {
  entry: TorrentFileEntry
  /** First piece of the file in the torrent's piece space. */
  firstPiece: number
  pieces: number
  blocks: number
  height: number
  /** From the piece layer up (or the whole tree); null until the piece layer is known. */
  tree: MerkleTree | null
  /** Piece hashes received so far while the layer is fetched from peers. */
  partial: (Uint8Array | undefined)[] | null
}

/** A piece layer chunk still to fetch. */
export interface LayerNeed {
  root: Uint8Array
  range: HashRange
}

/** Leaves of recently read pieces kept for answering block-hash requests (each piece hashed once). */
const LEAF_CACHE_PIECES = 64

export class V2HashStore {
  readonly info: InfoDictionary
  readonly #files = new Map<string, FileHashes>()
  /** Proven leaves of pieces being downloaded, by piece index (forgotten once the piece is stored). */
  readonly #leaves = new Map<number, Uint8Array[]>()
  /** Leaves computed from pieces we hold, for answers (least recently used first). */
  readonly #answered = new Map<number, Uint8Array[]>()
  readonly #geometry = new Map<number, PieceGeometry | null>()

  private constructor(info: InfoDictionary) {
    this.info = info
  }

  /**
   * `layers`: hex pieces root → piece hashes (from the .torrent, already checked against the roots);
   * `trees`: whole trees of files we hashed ourselves (a seed), by hex pieces root.
   */
  static async create(info: InfoDictionary, layers: ReadonlyMap<string, Uint8Array[]>, trees: ReadonlyMap<string, MerkleTree> = new Map()): Promise<V2HashStore> {
    const store = new V2HashStore(info)
    const pl = info.pieceLength
    for (const entry of info.files) {
      if (!entry.piecesRoot || entry.padding) continue
      const hex = toHex(entry.piecesRoot)
      if (store.#files.has(hex)) continue
      const blocks = blockCount(entry.length)
      const pieces = Math.ceil(entry.length / pl)
      const layer = entry.length <= pl ? [entry.piecesRoot] : layers.get(hex)
      const tree = trees.get(hex) ?? (layer ? await MerkleTree.fromPieceLayer(layer, pl, entry.length) : null)
      store.#files.set(hex, { entry, firstPiece: entry.offset / pl, pieces, blocks, height: log2(leafCount(blocks)), tree, partial: tree ? null : [] })
    }
    return store
  }

  /** Every file's piece layer is known: pieces can be verified. */
  get complete(): boolean {
    for (const f of this.#files.values()) if (!f.tree) return false
    return true
  }

  /** Piece layer chunks still unknown. */
  missingLayers(): LayerNeed[] {
    const out: LayerNeed[] = []
    for (const f of this.#files.values()) {
      if (f.tree) continue
      for (const range of layerRequests(this.info, f.entry.length)) {
        if (f.partial![range.index] === undefined) out.push({ root: f.entry.piecesRoot!, range })
      }
    }
    return out
  }

  /** Piece layers of every file larger than a piece, hex root → hashes (for a .torrent's `piece layers`). */
  pieceLayers(): Map<string, Uint8Array[]> {
    const out = new Map<string, Uint8Array[]>()
    for (const [hex, f] of this.#files) if (f.tree && f.entry.length > this.info.pieceLength) out.set(hex, [...f.tree.pieceHashes(this.info.pieceLength)])
    return out
  }

  geometry(index: number): PieceGeometry | null {
    let g = this.#geometry.get(index)
    if (g === undefined) this.#geometry.set(index, (g = pieceGeometry(this.info, index)))
    return g
  }

  fileOf(root: Uint8Array): FileHashes | undefined {
    return this.#files.get(toHex(root))
  }

  /** The hash piece `index` must have, if known. */
  pieceHash(index: number): Uint8Array | undefined {
    const g = this.geometry(index)
    const f = g && this.#files.get(toHex(g.file.piecesRoot!))
    return f?.tree?.node(g!.layer, g!.pieceInFile)
  }

  /** The proven leaves of a piece (one per block of its subtree, zero hashes past the file), if known. */
  leaves(index: number): Uint8Array[] | undefined {
    const known = this.#leaves.get(index)
    if (known) return known
    const g = this.geometry(index)
    if (!g) return undefined
    if (g.width === 1) {
      const hash = this.pieceHash(index)
      return hash ? [hash] : undefined
    }
    const tree = this.#files.get(toHex(g.file.piecesRoot!))?.tree
    if (!tree || tree.lowest !== 0) return undefined
    return Array.from({ length: g.width }, (_, i) => tree.node(0, g.firstLeaf + i)!)
  }

  forgetLeaves(index: number): void {
    this.#leaves.delete(index)
  }

  /** Checks a `hashes` answer for a piece's leaves against the piece hash; keeps and returns them, or null. */
  async acceptLeaves(index: number, range: HashRange, hashes: readonly Uint8Array[]): Promise<Uint8Array[] | null> {
    const g = this.geometry(index)
    const expected = this.pieceHash(index)
    if (!g || !expected) return null
    const trusted = (layer: number, i: number) => (layer === g.layer && i === g.pieceInFile ? expected : undefined)
    const leaves = await verifyHashes(range, hashes, g.fileBlocks, trusted)
    if (!leaves || leaves.length !== g.width) return null
    this.#leaves.set(index, leaves)
    return leaves
  }

  /** Checks a `hashes` answer for a piece layer chunk against the file's root; true when it was kept. */
  async acceptLayer(root: Uint8Array, range: HashRange, hashes: readonly Uint8Array[]): Promise<boolean> {
    const f = this.fileOf(root)
    if (!f || f.tree) return f !== undefined
    const trusted = (layer: number, i: number) => (layer === f.height && i === 0 ? f.entry.piecesRoot : undefined)
    const base = await verifyHashes(range, hashes, f.blocks, trusted)
    if (!base || range.baseLayer !== pieceLayerIndex(this.info.pieceLength)) return false
    // Another answer may have completed the layer while this one was being checked.
    if (f.tree || !f.partial) return true
    const layer = f.partial
    base.forEach((h, i) => {
      if (range.index + i < f.pieces) layer[range.index + i] = h
    })
    // Chunks arrive in any order: a hole is an index never set (which `some` would skip).
    for (let i = 0; i < f.pieces; i++) if (layer[i] === undefined) return true
    const hashesOfLayer = layer.slice(0, f.pieces) as Uint8Array[]
    if (!(await verifyPieceLayer(hashesOfLayer, this.info.pieceLength, f.entry.length, f.entry.piecesRoot!))) return false
    if (f.tree) return true
    f.tree = await MerkleTree.fromPieceLayer(hashesOfLayer, this.info.pieceLength, f.entry.length)
    f.partial = null
    return true
  }

  /**
   * Whole-piece check (when no leaves could be had): the file bytes hash to the piece hash and the
   * padding after them is zeros. False when the piece hash is unknown.
   */
  async checkPiece(index: number, data: Uint8Array): Promise<boolean> {
    const g = this.geometry(index)
    const expected = this.pieceHash(index)
    if (!g || !expected || data.length < g.dataLength) return false
    for (let i = g.dataLength; i < data.length; i++) if (data[i] !== 0) return false
    return bytesEqual(await pieceHash(data.subarray(0, g.dataLength), this.info.pieceLength, g.file.length), expected)
  }

  /**
   * The hashes answering a peer's `hash request`, or null (send `hash reject`). Leaves of pieces we hold
   * are computed from their data (`readPiece`, only for pieces `hasPiece` says we have).
   */
  async answer(root: Uint8Array, range: HashRange, hasPiece: (i: number) => boolean, readPiece: (i: number) => Promise<Uint8Array | null>): Promise<Uint8Array[] | null> {
    const f = this.fileOf(root)
    if (!f?.tree || hashRequestProblem(range, f.blocks) !== null) return null
    const tree = f.tree
    if (range.baseLayer >= tree.lowest) return tree.answer(range)
    const node = async (layer: number, i: number): Promise<Uint8Array | null> => {
      if (layer >= tree.lowest) return tree.node(layer, i) ?? null
      const perPiece = this.info.pieceLength / BLOCK
      const firstLeaf = i * 2 ** layer
      const p = Math.floor(firstLeaf / perPiece)
      if (p >= f.pieces) return padHash(layer)
      const leaves = await this.#leavesOf(f.firstPiece + p, hasPiece, readPiece)
      if (!leaves) return null
      const start = firstLeaf - p * perPiece
      return subtreeRoot(leaves.slice(start, start + 2 ** layer), 0, 2 ** layer)
    }
    const { baseLayer, index, length } = range
    const span = leafCount(length)
    if (baseLayer === 0 && Math.ceil(span / (this.info.pieceLength / BLOCK)) > LEAF_CACHE_PIECES / 4) return null
    const out: Uint8Array[] = []
    for (let i = 0; i < length; i++) {
      const h = await node(baseLayer, index + i)
      if (!h) return null
      out.push(h)
    }
    for (let l = baseLayer + log2(span), i = index / span, n = uncleCount(range); n > 0; n--, l++, i = Math.floor(i / 2)) {
      const h = await node(l, i ^ 1)
      if (!h) return null
      out.push(h)
    }
    return out
  }

  async #leavesOf(index: number, hasPiece: (i: number) => boolean, readPiece: (i: number) => Promise<Uint8Array | null>): Promise<Uint8Array[] | null> {
    const known = this.leaves(index) ?? this.#answered.get(index)
    if (known) return known
    const g = this.geometry(index)
    if (!g || !hasPiece(index)) return null
    const data = await readPiece(index)
    if (!data) return null
    const leaves = await hashBlocks(data.subarray(0, g.dataLength))
    while (leaves.length < g.width) leaves.push(new Uint8Array(32))
    if (this.#answered.size >= LEAF_CACHE_PIECES) this.#answered.delete(this.#answered.keys().next().value!)
    this.#answered.set(index, leaves)
    return leaves
  }
}
