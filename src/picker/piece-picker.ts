import { Bitfield } from '../util/bitfield.ts'

/** The request unit (BEP 3 convention, what WebTorrent asks for and serves). */
export const BLOCK_LENGTH = 16384
/**
 * Equally rare pieces are taken a 1 MiB extent at a time (libtorrent's piece extent affinity), so a
 * seeder's disk and cache reads stay sequential; extents are visited in a random order per picker.
 */
export const EXTENT_BYTES = 1024 * 1024
/** In endgame a block may be requested from this many peers at once. */
export const MAX_DUPLICATE_REQUESTS = 2
/** A block a reader is waiting for may be requested from this many fast peers at once (torrent-stream). */
export const MAX_CRITICAL_REQUESTS = 3

export interface BlockRequest {
  index: number
  begin: number
  length: number
}

const FREE = 0
const REQUESTED = 1
const RECEIVED = 2

interface PartialPiece {
  state: Uint8Array
  requests: Uint8Array
  received: number
}

export interface PickerGeometry {
  numPieces: number
  pieceLength: number
  /** Total bytes of the torrent. */
  length: number
}

export type BlockArrival = 'new' | 'duplicate' | 'unexpected'

/** Streaming priorities: pieces readers wait for now, then the read-ahead windows, each in order. */
export interface Priorities {
  critical: readonly number[]
  readahead: readonly number[]
}

export interface PickOptions {
  /** This peer is among the fastest: it may get duplicate requests for critical blocks. */
  critical?: boolean
}

/**
 * Decides which blocks to request. Pure: no I/O, no clock; randomness is injected.
 * Order: pieces already started, then rarest first with a random tie-break, then endgame duplicates.
 */
export class PiecePicker {
  readonly have: Bitfield
  /** Pieces we want at all (file selection). */
  readonly wanted: Bitfield
  readonly availability: Uint16Array
  #partial = new Map<number, PartialPiece>()
  #geometry: PickerGeometry
  #random: () => number
  #extentPieces: number
  #extentRank: Float64Array
  #priorities: Priorities = { critical: [], readahead: [] }

  constructor(geometry: PickerGeometry, random: () => number = Math.random) {
    this.#geometry = geometry
    this.#random = random
    this.have = new Bitfield(geometry.numPieces)
    this.wanted = new Bitfield(geometry.numPieces)
    this.wanted.setAll()
    this.availability = new Uint16Array(geometry.numPieces)
    this.#extentPieces = Math.max(1, Math.floor(EXTENT_BYTES / geometry.pieceLength))
    this.#extentRank = new Float64Array(Math.ceil(geometry.numPieces / this.#extentPieces)).map(() => random())
  }

  pieceSize(index: number): number {
    const { pieceLength, length, numPieces } = this.#geometry
    return index === numPieces - 1 ? length - pieceLength * (numPieces - 1) : pieceLength
  }

  blockCount(index: number): number {
    return Math.ceil(this.pieceSize(index) / BLOCK_LENGTH)
  }

  /** True when every wanted piece is verified. */
  get complete(): boolean {
    for (let i = 0; i < this.#geometry.numPieces; i++) if (this.wanted.get(i) && !this.have.get(i)) return false
    return true
  }

  addAvailability(pieces: Bitfield, delta: 1 | -1): void {
    for (let i = 0; i < pieces.length; i++) if (pieces.get(i)) this.availability[i] = Math.max(0, this.availability[i]! + delta)
  }

  addHaveAvailability(index: number): void {
    this.availability[index] = this.availability[index]! + 1
  }

  /** Is there any block of a piece `peer` has that we still need (ignoring what is in flight)? */
  interestedIn(peer: Bitfield): boolean {
    const { critical, readahead } = this.#priorities
    for (const i of critical) if (this.#needs(peer, i)) return true
    for (const i of readahead) if (this.#needs(peer, i)) return true
    for (let i = 0; i < this.#geometry.numPieces; i++) if (peer.get(i) && this.wanted.get(i) && !this.have.get(i)) return true
    return false
  }

  /** Replaces the streaming priorities (the torrent recomputes them when readers move). */
  setPriorities(priorities: Priorities): void {
    this.#priorities = priorities
  }

  get priorities(): Priorities {
    return this.#priorities
  }

  /**
   * Picks up to `max` blocks to request from a peer having `peer`.
   * `inFlightFromPeer(index, begin)` tells whether this peer already has that block requested (duplicates must not repeat it).
   */
  pick(
    peer: Bitfield,
    max: number,
    inFlightFromPeer: (index: number, begin: number) => boolean,
    opts: PickOptions = {},
  ): BlockRequest[] {
    const out: BlockRequest[] = []
    if (max <= 0) return out
    for (const index of this.#priorities.critical) {
      if (!this.#needs(peer, index)) continue
      const before = out.length
      this.#takeFree(index, this.#partial.get(index) ?? this.#start(index), out, max)
      // Blocks just handed out in this batch are in flight from this peer too.
      const fresh = new Set(out.slice(before).map((r) => r.begin))
      const inFlight = (i: number, begin: number) => (i === index && fresh.has(begin)) || inFlightFromPeer(i, begin)
      if (opts.critical) this.#duplicate(index, MAX_CRITICAL_REQUESTS, inFlight, out, max)
      if (out.length >= max) return out
    }
    for (const index of this.#priorities.readahead) {
      if (!this.#needs(peer, index)) continue
      this.#takeFree(index, this.#partial.get(index) ?? this.#start(index), out, max)
      if (out.length >= max) return out
    }
    for (const [index, partial] of this.#partial) {
      if (!peer.get(index)) continue
      this.#takeFree(index, partial, out, max)
      if (out.length >= max) return out
    }
    for (const index of this.#rarestNewPieces(peer)) {
      const partial = this.#start(index)
      this.#takeFree(index, partial, out, max)
      if (out.length >= max) return out
    }
    if (out.length === 0) this.#endgame(peer, max, inFlightFromPeer, out)
    return out
  }

  /**
   * Claims one whole unstarted piece (rarest first) for a source that fetches whole pieces, e.g. a web seed.
   * Returns its blocks, all marked requested, or null when no unstarted wanted piece is left.
   */
  claimPiece(): BlockRequest[] | null {
    const all = new Bitfield(this.#geometry.numPieces)
    all.setAll()
    const { critical, readahead } = this.#priorities
    const urgent = [...critical, ...readahead].filter((i) => this.#needs(all, i) && !this.#partial.has(i))
    for (const index of [...urgent, ...this.#rarestNewPieces(all)]) {
      const partial = this.#start(index)
      const out: BlockRequest[] = []
      this.#takeFree(index, partial, out, partial.state.length)
      return out
    }
    return null
  }

  /** Records an arriving block. */
  received(index: number, begin: number): BlockArrival {
    const partial = this.#partial.get(index)
    const block = begin / BLOCK_LENGTH
    if (!partial || !Number.isInteger(block) || block >= partial.state.length) return 'unexpected'
    if (partial.state[block] === RECEIVED) return 'duplicate'
    if (partial.state[block] === FREE && partial.requests[block] === 0) return 'unexpected'
    partial.state[block] = RECEIVED
    partial.received++
    return 'new'
  }

  /**
   * A block arrived for a request we had cancelled: take it if its piece is still being assembled
   * and that block is still missing. Returns whether it was taken.
   */
  acceptLate(index: number, begin: number, length: number): boolean {
    const partial = this.#partial.get(index)
    const block = begin / BLOCK_LENGTH
    if (!partial || !Number.isInteger(block) || block >= partial.state.length || partial.state[block] === RECEIVED) return false
    if (length !== Math.min(BLOCK_LENGTH, this.pieceSize(index) - begin)) return false
    partial.state[block] = RECEIVED
    partial.received++
    return true
  }

  /** A request ended without data (cancelled, rejected, timed out, peer gone). */
  released(index: number, begin: number): void {
    const partial = this.#partial.get(index)
    if (!partial) return
    const block = begin / BLOCK_LENGTH
    if (partial.requests[block]! > 0) partial.requests[block]!--
    if (partial.state[block] === REQUESTED && partial.requests[block] === 0) partial.state[block] = FREE
  }

  isPieceComplete(index: number): boolean {
    const partial = this.#partial.get(index)
    return !!partial && partial.received === partial.state.length
  }

  verified(index: number): void {
    this.#partial.delete(index)
    this.have.set(index)
  }

  /** The assembled piece failed its hash: every block must be fetched again. */
  failed(index: number): void {
    this.#partial.delete(index)
  }

  get partialCount(): number {
    return this.#partial.size
  }

  #start(index: number): PartialPiece {
    const blocks = this.blockCount(index)
    const partial = { state: new Uint8Array(blocks), requests: new Uint8Array(blocks), received: 0 }
    this.#partial.set(index, partial)
    return partial
  }

  #takeFree(index: number, partial: PartialPiece, out: BlockRequest[], max: number): void {
    for (let b = 0; b < partial.state.length && out.length < max; b++) {
      if (partial.state[b] !== FREE) continue
      partial.state[b] = REQUESTED
      partial.requests[b] = 1
      out.push(this.#request(index, b))
    }
  }

  #request(index: number, block: number): BlockRequest {
    const begin = block * BLOCK_LENGTH
    return { index, begin, length: Math.min(BLOCK_LENGTH, this.pieceSize(index) - begin) }
  }

  /** Unstarted pieces the peer has, rarest first; ties by random extent, then in order within it. */
  *#rarestNewPieces(peer: Bitfield): Generator<number> {
    const candidates: number[] = []
    for (let i = 0; i < this.#geometry.numPieces; i++) {
      if (peer.get(i) && this.wanted.get(i) && !this.have.get(i) && !this.#partial.has(i)) candidates.push(i)
    }
    if (candidates.length === 0) return
    const availability = this.availability
    const rank = this.#extentRank
    const extent = this.#extentPieces
    candidates.sort(
      (a, b) =>
        availability[a]! - availability[b]! ||
        rank[Math.floor(a / extent)]! - rank[Math.floor(b / extent)]! ||
        a - b,
    )
    for (const index of candidates) if (!this.#partial.has(index)) yield index
  }

  #endgame(peer: Bitfield, max: number, inFlightFromPeer: (index: number, begin: number) => boolean, out: BlockRequest[]): void {
    for (const index of this.#partial.keys()) {
      if (peer.get(index)) this.#duplicate(index, MAX_DUPLICATE_REQUESTS, inFlightFromPeer, out, max)
      if (out.length >= max) return
    }
  }

  /** Requests already-requested blocks of `index` once more, up to `limit` copies each. */
  #duplicate(
    index: number,
    limit: number,
    inFlightFromPeer: (index: number, begin: number) => boolean,
    out: BlockRequest[],
    max: number,
  ): void {
    const partial = this.#partial.get(index)
    if (!partial) return
    for (let b = 0; b < partial.state.length && out.length < max; b++) {
      if (partial.state[b] !== REQUESTED || partial.requests[b]! >= limit) continue
      const request = this.#request(index, b)
      if (inFlightFromPeer(index, request.begin)) continue
      partial.requests[b]!++
      out.push(request)
    }
  }

  #needs(peer: Bitfield, index: number): boolean {
    return index >= 0 && index < this.#geometry.numPieces && peer.get(index) && !this.have.get(index)
  }
}
