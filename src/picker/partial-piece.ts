/** Block states of a piece being downloaded. */
export const FREE = 0
export const REQUESTED = 1
export const RECEIVED = 2

/**
 * The blocks of one started piece: each free, requested (from `requests[b]` peers at once) or received.
 * A single-source piece (it failed once with several contributors) gives its free blocks only to the
 * peer that took the first one, its owner, so the next attempt shows who sent what (smart ban).
 */
export class PartialPiece {
  readonly state: Uint8Array
  readonly requests: Uint8Array
  /** When each block was first requested (the caller's clock; 0 when it gives none). */
  readonly requestedAt: Float64Array
  received = 0
  /** Blocks in the free state (a pick skips a piece with none without looking at its blocks). */
  free: number
  owner: object | null = null

  constructor(
    blocks: number,
    readonly singleSource: boolean,
  ) {
    this.state = new Uint8Array(blocks)
    this.requests = new Uint8Array(blocks)
    this.requestedAt = new Float64Array(blocks)
    this.free = blocks
  }

  get blocks(): number {
    return this.state.length
  }

  get complete(): boolean {
    return this.received === this.state.length
  }

  /** Nothing requested or received: the piece may be claimed whole (a web seed's claim that failed). */
  get idle(): boolean {
    return this.received === 0 && this.requests.every((r) => r === 0)
  }

  /** Whether `peer` may be given blocks of this piece (and becomes its owner if it is single-source). */
  admits(peer: object): boolean {
    return !this.singleSource || this.owner === null || this.owner === peer
  }

  /** Marks a free block requested by `peer`. */
  take(block: number, peer: object, now = 0): void {
    if (this.state[block] === FREE) this.free--
    this.requestedAt[block] = now
    this.state[block] = REQUESTED
    this.requests[block] = 1
    if (this.singleSource && this.owner === null) this.owner = peer
  }

  /** A requested (or, late, a free) block arrived. */
  receive(block: number): void {
    if (this.state[block] === FREE) this.free--
    this.state[block] = RECEIVED
    this.received++
  }

  /** A request ended without data. */
  release(block: number): void {
    if (this.requests[block]! > 0) this.requests[block]!--
    if (this.state[block] === REQUESTED && this.requests[block] === 0) {
      this.state[block] = FREE
      this.free++
    }
  }

  /** A received block was thrown away (its source was dropped): it must be fetched again. */
  unreceive(block: number): void {
    if (this.state[block] !== RECEIVED) return
    this.received--
    this.state[block] = this.requests[block]! > 0 ? REQUESTED : FREE
    if (this.state[block] === FREE) this.free++
  }
}
