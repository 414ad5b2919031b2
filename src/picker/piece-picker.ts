/*
 * The piece picker: which blocks to request next, from whom. Pure: no I/O, no clock; randomness is injected.
 * Owns (privately): the pieces we have and want, availability (per-peer counted sets, see availability.ts),
 * the block states of started pieces (partial-piece.ts), single-source marks, and streaming priorities.
 * Order of a pick: critical pieces (readers wait for them; fast peers may duplicate their blocks), the
 * read-ahead window (only these while a stream starts), pieces already started, then new pieces rarest
 * first (ties by random 1 MiB extent, then in order), and endgame duplicates of blocks asked for long ago
 * once nothing is free.
 * Callers report the block lifecycle: pick → received | released → (piece complete) → markHave | failed;
 * a received block whose source was dropped goes back with `unreceive`.
 */
import { Bitfield } from '../util/bitfield.ts'
import { Availability } from './availability.ts'
import { FREE, PartialPiece, RECEIVED, REQUESTED } from './partial-piece.ts'
import { RarestFirst } from './rarest-first.ts'
import {
  BLOCK_LENGTH,
  ENDGAME_AFTER_MS,
  MAX_CRITICAL_REQUESTS,
  MAX_DUPLICATE_REQUESTS,
  type BlockArrival,
  type BlockRequest,
  type InFlight,
  type PickOptions,
  type PickerGeometry,
  type Priorities,
} from './types.ts'

export { BLOCK_LENGTH, ENDGAME_AFTER_MS, EXTENT_BYTES, MAX_CRITICAL_REQUESTS, MAX_DUPLICATE_REQUESTS } from './types.ts'
export type { BlockArrival, BlockRequest, InFlight, PickOptions, PickerGeometry, Priorities } from './types.ts'

export class PiecePicker {
  readonly #have: Bitfield
  readonly #wanted: Bitfield
  readonly #availability: Availability
  readonly #partial = new Map<number, PartialPiece>()
  /** Pieces that failed with several contributors: the next attempt goes to one peer. */
  readonly #singleSource = new Set<number>()
  readonly #geometry: PickerGeometry
  readonly #order: RarestFirst
  #priorities: Priorities = { critical: [], readahead: [] }

  constructor(geometry: PickerGeometry, random: () => number = Math.random) {
    this.#geometry = geometry
    this.#have = new Bitfield(geometry.numPieces)
    this.#wanted = new Bitfield(geometry.numPieces)
    this.#wanted.setAll()
    this.#availability = new Availability(geometry.numPieces)
    this.#order = new RarestFirst(geometry, random)
  }

  get numPieces(): number {
    return this.#geometry.numPieces
  }

  pieceSize(index: number): number {
    const { pieceLength, length, numPieces } = this.#geometry
    return index === numPieces - 1 ? length - pieceLength * (numPieces - 1) : pieceLength
  }

  blockCount(index: number): number {
    return Math.ceil(this.pieceSize(index) / BLOCK_LENGTH)
  }

  // What we have and want.

  hasPiece(index: number): boolean {
    return this.#have.get(index)
  }

  get haveCount(): number {
    return this.#have.count
  }

  /** A copy of the have bitfield (BEP 3 bit order). */
  haveBitfield(): Uint8Array {
    return this.#have.bytes.slice()
  }

  /** File selection: which pieces to fetch at all (critical pieces are fetched regardless). */
  setWanted(wanted: (index: number) => boolean): void {
    for (let i = 0; i < this.numPieces; i++) this.#wanted.set(i, wanted(i))
  }

  /** True when every wanted piece is had. */
  get complete(): boolean {
    for (let i = 0; i < this.numPieces; i++) if (this.#wanted.get(i) && !this.#have.get(i)) return false
    return true
  }

  // Availability.

  availability(index: number): number {
    return this.#availability.count(index)
  }

  peerHas(peer: object, index: number): void {
    this.#availability.peerHas(peer, index)
  }

  peerBitfield(peer: object, pieces: Bitfield): void {
    this.#availability.peerBitfield(peer, pieces)
  }

  peerHasAll(peer: object): void {
    this.#availability.peerHasAll(peer)
  }

  /** The peer is gone: its availability is subtracted and single-source pieces it owned are free for another. */
  peerLeft(peer: object): void {
    this.#availability.peerLeft(peer)
    this.releaseOwnership(peer)
  }

  /** The peer can no longer serve (it choked us): another peer may take over its single-source pieces. */
  releaseOwnership(peer: object): void {
    for (const partial of this.#partial.values()) if (partial.owner === peer) partial.owner = null
  }

  // Priorities.

  setPriorities(priorities: Priorities): void {
    this.#priorities = priorities
  }

  get priorities(): Priorities {
    return this.#priorities
  }

  /** Is there a piece `pieces` has that we still need (ignoring what is in flight)? */
  interestedIn(pieces: Bitfield): boolean {
    const { critical, readahead } = this.#priorities
    for (const i of critical) if (this.#needs(pieces, i)) return true
    for (const i of readahead) if (this.#needs(pieces, i)) return true
    // Byte by byte: a Bitfield never has spare bits set, so whole bytes can be compared.
    const theirs = pieces.bytes
    const wanted = this.#wanted.bytes
    const have = this.#have.bytes
    for (let j = 0; j < have.length; j++) if ((theirs[j]! & wanted[j]! & ~have[j]!) !== 0) return true
    return false
  }

  // Picking.

  /** Picks up to `max` blocks to request from `peer`, which has `pieces`. */
  pick(peer: object, pieces: Bitfield, max: number, inFlight: InFlight, opts: PickOptions = {}): BlockRequest[] {
    const out: BlockRequest[] = []
    if (max <= 0) return out
    const { now } = opts
    for (const index of this.#priorities.critical) {
      if (!this.#needs(pieces, index)) continue
      const before = out.length
      this.#takeFree(peer, index, this.#partial.get(index) ?? this.#start(index), out, max, now)
      // Blocks just handed out in this batch are in flight from this peer too.
      const fresh = new Set(out.slice(before).map((r) => r.begin))
      const inBatch: InFlight = (i, begin) => (i === index && fresh.has(begin)) || inFlight(i, begin)
      if (opts.critical) this.#duplicate(peer, index, MAX_CRITICAL_REQUESTS, inBatch, out, max)
      if (out.length >= max) return out
    }
    for (const index of this.#priorities.readahead) {
      if (!this.#needs(pieces, index)) continue
      this.#takeFree(peer, index, this.#partial.get(index) ?? this.#start(index), out, max, now)
      if (out.length >= max) return out
    }
    if (this.#priorities.readersOnly) return out
    for (const [index, partial] of this.#partial) {
      if (partial.free === 0 || !pieces.get(index)) continue
      this.#takeFree(peer, index, partial, out, max, now)
      if (out.length >= max) return out
    }
    for (const index of this.#rarestNewPieces(pieces)) {
      // Starting a piece never changes which others are unstarted, so the sorted list stays valid.
      this.#takeFree(peer, index, this.#start(index), out, max, now)
      if (out.length >= max) return out
    }
    if (out.length === 0) this.#endgame(peer, pieces, max, inFlight, out, now)
    return out
  }

  /**
   * Claims one whole piece nobody works on (urgent first, then one whose claim was released, then the
   * rarest unstarted) for a source that fetches whole pieces, e.g. a web seed. Returns its blocks, all
   * marked requested, or null when there is none.
   */
  claimPiece(claimant: object): BlockRequest[] | null {
    const all = new Bitfield(this.numPieces)
    all.setAll()
    const { critical, readahead } = this.#priorities
    const claimable = (i: number) => {
      const partial = this.#partial.get(i)
      return !partial || (partial.idle && partial.admits(claimant))
    }
    const urgent = [...critical, ...readahead].filter((i) => this.#needs(all, i) && claimable(i))
    const idle = [...this.#partial.keys()].filter((i) => claimable(i))
    for (const index of [...urgent, ...idle, ...this.#rarestNewPieces(all)]) {
      const partial = this.#partial.get(index) ?? this.#start(index)
      const out: BlockRequest[] = []
      this.#takeFree(claimant, index, partial, out, partial.blocks)
      return out
    }
    return null
  }

  // The block lifecycle.

  /** Records an arriving block that was requested. */
  received(index: number, begin: number): BlockArrival {
    const partial = this.#partial.get(index)
    const block = this.#blockOf(partial, begin)
    if (!partial || block < 0) return 'unexpected'
    if (partial.state[block] === RECEIVED) return 'duplicate'
    if (partial.state[block] === FREE && partial.requests[block] === 0) return 'unexpected'
    partial.receive(block)
    return 'new'
  }

  /**
   * A block arrived from `peer` for a request we had cancelled: take it if its piece is still being
   * assembled, that block is still missing, and the piece is not reserved for another peer.
   * Returns whether it was taken.
   */
  acceptLate(peer: object, index: number, begin: number, length: number): boolean {
    const partial = this.#partial.get(index)
    const block = this.#blockOf(partial, begin)
    if (!partial || block < 0 || partial.state[block] === RECEIVED || !partial.admits(peer)) return false
    if (length !== Math.min(BLOCK_LENGTH, this.pieceSize(index) - begin)) return false
    partial.receive(block)
    return true
  }

  /** A request ended without data (cancelled, rejected, timed out, peer gone). */
  released(index: number, begin: number): void {
    const partial = this.#partial.get(index)
    const block = this.#blockOf(partial, begin)
    if (partial && block >= 0) partial.release(block)
  }

  /** A received block was thrown away before its piece was verified: it is free to request again. */
  unreceive(index: number, begin: number): void {
    const partial = this.#partial.get(index)
    const block = this.#blockOf(partial, begin)
    if (partial && block >= 0) partial.unreceive(block)
  }

  /** Requests out for the block: more than one means copies to cancel once it arrives. */
  requestCount(index: number, begin: number): number {
    const partial = this.#partial.get(index)
    const block = this.#blockOf(partial, begin)
    return partial && block >= 0 ? partial.requests[block]! : 0
  }

  /** Every block of the piece is had, received or asked for. */
  underway(index: number): boolean {
    return this.#have.get(index) || this.#partial.get(index)?.free === 0
  }

  isPieceComplete(index: number): boolean {
    return this.#partial.get(index)?.complete ?? false
  }

  /** The piece is verified and stored (or was found intact in storage). */
  markHave(index: number): void {
    this.#partial.delete(index)
    this.#singleSource.delete(index)
    this.#have.set(index)
  }

  /**
   * The assembled piece failed its hash: every block must be fetched again. With `singleSource`,
   * the next attempt is given to one peer (see PartialPiece).
   */
  failed(index: number, opts: { singleSource?: boolean } = {}): void {
    this.#partial.delete(index)
    if (opts.singleSource) this.#singleSource.add(index)
  }

  /** Whether the piece's next attempt is reserved for one peer. */
  isSingleSource(index: number): boolean {
    return this.#singleSource.has(index)
  }

  /** The peer a single-source piece is reserved for right now (null: none yet). */
  ownerOf(index: number): object | null {
    return this.#partial.get(index)?.owner ?? null
  }

  #blockOf(partial: PartialPiece | undefined, begin: number): number {
    const block = begin / BLOCK_LENGTH
    return partial && Number.isInteger(block) && block >= 0 && block < partial.blocks ? block : -1
  }

  #start(index: number): PartialPiece {
    const partial = new PartialPiece(this.blockCount(index), this.#singleSource.has(index))
    this.#partial.set(index, partial)
    return partial
  }

  #takeFree(peer: object, index: number, partial: PartialPiece, out: BlockRequest[], max: number, now?: number): void {
    if (partial.free === 0 || !partial.admits(peer)) return
    for (let b = 0; b < partial.blocks && out.length < max; b++) {
      if (partial.state[b] !== FREE) continue
      partial.take(b, peer, now)
      out.push(this.#request(index, b))
    }
  }

  #request(index: number, block: number): BlockRequest {
    const begin = block * BLOCK_LENGTH
    return { index, begin, length: Math.min(BLOCK_LENGTH, this.pieceSize(index) - begin) }
  }

  /** Unstarted wanted pieces the peer has, rarest first (see RarestFirst). */
  #rarestNewPieces(pieces: Bitfield): number[] {
    const candidates: number[] = []
    const theirs = pieces.bytes
    const wanted = this.#wanted.bytes
    const have = this.#have.bytes
    for (let j = 0; j < have.length; j++) {
      const bits = theirs[j]! & wanted[j]! & ~have[j]!
      if (bits === 0) continue
      for (let k = 0; k < 8; k++) if ((bits & (0x80 >> k)) !== 0 && !this.#partial.has(8 * j + k)) candidates.push(8 * j + k)
    }
    return this.#order.sort(candidates, (i) => this.#availability.count(i))
  }

  #endgame(peer: object, pieces: Bitfield, max: number, inFlight: InFlight, out: BlockRequest[], now?: number): void {
    // Without a clock every requested block may be raced.
    const askedBefore = now === undefined ? Infinity : now - ENDGAME_AFTER_MS
    for (const index of this.#partial.keys()) {
      if (pieces.get(index)) this.#duplicate(peer, index, MAX_DUPLICATE_REQUESTS, inFlight, out, max, askedBefore)
      if (out.length >= max) return
    }
  }

  /** Requests already-requested blocks of `index` once more, up to `limit` copies each, of those first asked for at or before `askedBefore`. */
  #duplicate(peer: object, index: number, limit: number, inFlight: InFlight, out: BlockRequest[], max: number, askedBefore = Infinity): void {
    const partial = this.#partial.get(index)
    // A single-source piece is never duplicated to another peer: that would mix sources again.
    if (!partial || (partial.singleSource && partial.owner !== peer)) return
    for (let b = 0; b < partial.blocks && out.length < max; b++) {
      if (partial.state[b] !== REQUESTED || partial.requests[b]! >= limit) continue
      if (partial.requestedAt[b]! > askedBefore) continue
      const request = this.#request(index, b)
      if (inFlight(index, request.begin)) continue
      partial.requests[b]!++
      out.push(request)
    }
  }

  #needs(pieces: Bitfield, index: number): boolean {
    return index >= 0 && index < this.numPieces && pieces.get(index) && !this.#have.get(index)
  }
}
