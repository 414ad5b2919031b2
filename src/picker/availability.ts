import { Bitfield } from '../util/bitfield.ts'

/** What one peer is counted for: a seed (counted once, in `seeds`) or a set of pieces. */
interface Counted {
  seed: boolean
  pieces: Bitfield
}

/**
 * How many connected peers have each piece. Every call is idempotent: a repeated `have` counts once,
 * a bitfield replaces what the peer was counted for, and a departing peer subtracts exactly what it
 * added. Peers that have everything are kept in a seed counter (libtorrent's `m_seeds`), not per piece.
 */
export class Availability {
  readonly #counts: Uint16Array
  readonly #peers = new Map<object, Counted>()
  #seeds = 0

  constructor(readonly numPieces: number) {
    this.#counts = new Uint16Array(numPieces)
  }

  /** Peers that have `index` (seeds included). */
  count(index: number): number {
    return (this.#counts[index] ?? 0) + this.#seeds
  }

  /** Peers counted as having every piece. */
  get seeds(): number {
    return this.#seeds
  }

  /** Peers counted at all. */
  get peers(): number {
    return this.#peers.size
  }

  peerHas(peer: object, index: number): void {
    if (index < 0 || index >= this.numPieces) return
    const counted = this.#entry(peer)
    if (counted.seed || counted.pieces.get(index)) return
    counted.pieces.set(index)
    this.#counts[index]!++
    if (counted.pieces.complete) this.#becomeSeed(counted)
  }

  /** The peer's whole piece set (a bitfield message, or its pieces once the piece count is known). */
  peerBitfield(peer: object, pieces: Bitfield): void {
    const counted = this.#entry(peer)
    this.#uncount(counted)
    if (pieces.complete && this.numPieces > 0) {
      counted.seed = true
      this.#seeds++
      return
    }
    for (let i = 0; i < this.numPieces; i++) {
      if (!pieces.get(i)) continue
      counted.pieces.set(i)
      this.#counts[i]!++
    }
  }

  peerHasAll(peer: object): void {
    const counted = this.#entry(peer)
    if (counted.seed) return
    this.#uncount(counted)
    counted.seed = true
    this.#seeds++
  }

  peerLeft(peer: object): void {
    const counted = this.#peers.get(peer)
    if (!counted) return
    this.#uncount(counted)
    this.#peers.delete(peer)
  }

  #entry(peer: object): Counted {
    let counted = this.#peers.get(peer)
    if (!counted) this.#peers.set(peer, (counted = { seed: false, pieces: new Bitfield(this.numPieces) }))
    return counted
  }

  #becomeSeed(counted: Counted): void {
    this.#uncount(counted)
    counted.seed = true
    this.#seeds++
  }

  #uncount(counted: Counted): void {
    if (counted.seed) {
      counted.seed = false
      this.#seeds--
    }
    if (counted.pieces.count === 0) return
    for (let i = 0; i < this.numPieces; i++) {
      if (!counted.pieces.get(i)) continue
      counted.pieces.set(i, false)
      this.#counts[i]!--
    }
  }
}
