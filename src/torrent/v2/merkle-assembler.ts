/*
 * Assembles the pieces of a v2 or hybrid torrent, verifying every block against its merkle leaf as it
 * arrives (WebCrypto SHA-256). A block that fails is its sender's offence at once, whoever else sent
 * blocks of the same piece: there is nothing to untangle. Verified blocks are kept even when their sender
 * is dropped later, and readers may take them before the rest of the piece is here.
 * A block arriving before its piece's leaves waits for them (they are asked of a v2 peer when the piece is
 * first requested). When no peer gives them (v1 peers only, or refusals), the piece is verified whole by
 * the fallback assembler, with smart ban for shared pieces, exactly as a v1 piece.
 */
import { bytesEqual } from '../../util/bytes.ts'
import { ProtocolError } from '../../util/errors.ts'
import type { Hasher } from '../../util/sha1.ts'
import type { PiecePicker } from '../../picker/index.ts'
import type { PeerStats } from '../../peer/peer-stats.ts'
import type { BlockSource } from '../peer-record.ts'
import type { BlockAssembler } from '../piece-assembler.ts'
import { BLOCK, blockData } from './geometry.ts'
import type { V2HashStore } from './hash-store.ts'

export interface MerkleAssemblerDeps {
  picker: PiecePicker
  stats: PeerStats
  store: V2HashStore
  /** SHA-256 of one block's file bytes. */
  sha256: Hasher
  /** Hybrid torrents: the piece's SHA-1 must match as well (the torrent's halves must agree); null for v2-only. */
  v1Check: ((index: number, data: Uint8Array) => Promise<boolean>) | null
  /** Verifies whole pieces whose leaves no peer gave. */
  whole: BlockAssembler
  /** Ask a v2 peer for the piece's leaves; `from` sent a block of it. */
  wantLeaves: (index: number, from: BlockSource) => void
  passed: (index: number, data: Uint8Array) => void
  offence: (source: BlockSource, error: ProtocolError) => void
  /** A hybrid piece verified by its merkle leaves fails its SHA-1: the torrent contradicts itself. */
  inconsistent: (index: number) => void
  /** New verified bytes in a piece (readers may take them). */
  blockVerified: (index: number) => void
}

interface Assembly {
  data: Uint8Array
  sources: (BlockSource | undefined)[]
  verified: Uint8Array
  /** Bumped whenever a block slot changes, so a verification that finishes late is ignored. */
  gen: Uint32Array
  filled: number
  checking: number
  /** Its leaves were asked for. */
  asked: boolean
  /** No leaves to be had: verify it whole once complete. */
  whole: boolean
}

export class MerkleAssembler implements BlockAssembler {
  readonly #deps: MerkleAssemblerDeps
  readonly #pieces = new Map<number, Assembly>()
  #finishing = 0
  #stopped = false

  constructor(deps: MerkleAssemblerDeps) {
    this.#deps = deps
  }

  get buffered(): number {
    return this.#pieces.size + this.#finishing + this.#deps.whole.buffered
  }

  add(source: BlockSource, index: number, begin: number, block: Uint8Array): void {
    if (this.#stopped) return
    const a = this.#pieces.get(index) ?? this.#start(index)
    const b = begin / BLOCK
    if (a.verified[b]) return this.#deps.stats.recordDiscarded(idOf(source), block.length)
    if (!a.sources[b]) a.filled++
    a.sources[b] = source
    a.gen[b]!++
    a.data.set(block, begin)
    const leaves = this.#deps.store.leaves(index)
    if (leaves) return void this.#check(index, a, b, leaves)
    if (!a.asked && !a.whole) {
      a.asked = true
      this.#deps.wantLeaves(index, source)
    }
    this.#maybeWhole(index, a)
  }

  /** The piece's leaves arrived: its waiting blocks are checked now. */
  leavesReady(index: number): void {
    const a = this.#pieces.get(index)
    const leaves = this.#deps.store.leaves(index)
    if (!a || !leaves || a.whole) return
    a.sources.forEach((s, b) => {
      if (s && !a.verified[b]) void this.#check(index, a, b, leaves)
    })
  }

  /** Nobody gives the piece's leaves: it is verified whole once complete. */
  leavesUnavailable(index: number): void {
    const a = this.#pieces.get(index)
    if (!a) return
    a.whole = true
    this.#maybeWhole(index, a)
  }

  /** Verified bytes of an unfinished piece from `from` on (contiguous), or null. */
  verifiedBytes(index: number, from: number): Uint8Array | null {
    const a = this.#pieces.get(index)
    if (!a) return null
    let end = from
    for (let b = Math.floor(from / BLOCK); b < a.sources.length && a.verified[b]; b++) end = Math.min(a.data.length, (b + 1) * BLOCK)
    return end > from ? a.data.subarray(from, end) : null
  }

  discard(source: BlockSource): number {
    let bytes = 0
    for (const [index, a] of this.#pieces) {
      a.sources.forEach((s, b) => {
        if (s?.id !== source.id || a.verified[b]) return
        bytes += this.#clear(index, a, b)
      })
      if (a.filled === 0) this.#pieces.delete(index)
    }
    if (bytes > 0) this.#deps.stats.recordDiscarded(idOf(source), bytes)
    return bytes + this.#deps.whole.discard(source)
  }

  stop(): void {
    this.#stopped = true
    this.#pieces.clear()
    this.#deps.whole.stop()
  }

  #start(index: number): Assembly {
    const size = this.#deps.picker.pieceSize(index)
    const n = Math.ceil(size / BLOCK)
    const a: Assembly = { data: new Uint8Array(size), sources: new Array<BlockSource | undefined>(n).fill(undefined), verified: new Uint8Array(n), gen: new Uint32Array(n), filled: 0, checking: 0, asked: false, whole: false }
    this.#pieces.set(index, a)
    return a
  }

  async #check(index: number, a: Assembly, b: number, leaves: readonly Uint8Array[]): Promise<void> {
    const g = this.#deps.store.geometry(index)
    const source = a.sources[b]!
    const gen = a.gen[b]
    const start = b * BLOCK
    const bytes = a.data.subarray(start, Math.min(a.data.length, start + BLOCK))
    const fileBytes = g ? blockData(g, b) : 0
    let ok = g !== null && bytes.subarray(fileBytes).every((x) => x === 0)
    if (ok && fileBytes > 0) {
      a.checking++
      const hash = await this.#deps.sha256(bytes.subarray(0, fileBytes))
      a.checking--
      ok = bytesEqual(hash, leaves[b]!)
    }
    if (this.#stopped || this.#pieces.get(index) !== a || a.gen[b] !== gen) return
    const { stats } = this.#deps
    if (!ok) {
      stats.v2.badBlocks++
      const id = idOf(source)
      if (id !== null) stats.peer(id).hashFailures++
      stats.recordDiscarded(id, this.#clear(index, a, b))
      return this.#deps.offence(source, new ProtocolError('BAD_PIECE_DATA', `The peer sent a block that fails its merkle hash (piece ${index}, offset ${start}); it is banned from this torrent.`))
    }
    a.verified[b] = 1
    stats.v2.blocksVerified++
    this.#deps.blockVerified(index)
    if (a.filled === a.sources.length && a.checking === 0 && a.verified.every((v) => v === 1)) void this.#finish(index, a)
  }

  /** Empties a block slot; the picker asks for the block again. Returns its size. */
  #clear(index: number, a: Assembly, b: number): number {
    a.sources[b] = undefined
    a.filled--
    a.gen[b]!++
    this.#deps.picker.unreceive(index, b * BLOCK)
    return Math.min(BLOCK, a.data.length - b * BLOCK)
  }

  async #finish(index: number, a: Assembly): Promise<void> {
    this.#pieces.delete(index)
    const { v1Check } = this.#deps
    if (v1Check) {
      this.#finishing++
      const ok = await v1Check(index, a.data)
      this.#finishing--
      if (this.#stopped) return
      if (!ok) return this.#deps.inconsistent(index)
    }
    this.#deps.passed(index, a.data)
  }

  /** A complete piece without leaves goes to the whole-piece assembler, block by block with their sources. */
  #maybeWhole(index: number, a: Assembly): void {
    if (!a.whole || a.filled < a.sources.length || a.checking > 0 || this.#pieces.get(index) !== a) return
    this.#pieces.delete(index)
    this.#deps.stats.v2.wholePieces++
    a.sources.forEach((source, b) => this.#deps.whole.add(source!, index, b * BLOCK, a.data.subarray(b * BLOCK, (b + 1) * BLOCK)))
  }
}

function idOf(source: BlockSource): string | null {
  return source.kind === 'peer' ? source.id : null
}
