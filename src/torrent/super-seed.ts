import { Bitfield } from '../util/bitfield.ts'
import type { PeerSession } from '../peer/peer-session.ts'

/** Offered bytes a peer we unchoke holds, beyond what it has been sent: at least this, plus OFFER_SECONDS of our rate to it. */
export const OFFER_MIN_BYTES = 1 << 20
export const OFFER_SECONDS = 1
/** A masked peer that stays uninterested this long while offered pieces it lacks (it does not want them: file selection) is told every piece. */
export const UNMASK_AFTER_MS = 2000

export interface MaskedPeer {
  session: Pick<PeerSession, 'pieces' | 'peerInterested' | 'closed' | 'send'>
}

interface Mask {
  told: Bitfield
  /** Told, not yet sent in full, not had. */
  offers: Set<number>
  since: number
}

/**
 * Super-seeding in spirit (BEP 16): a peer that joins while we have every piece is told only of the pieces
 * we offer it, each the one handed out fewest times so far (in index order among equals), so a seeder's
 * upload goes to pieces the swarm lacks rather than to second copies. Unlike BEP 16 a peer is offered more
 * as soon as it has been sent its offers, not once they are seen at another peer, and enough to keep our
 * link to it full: a seeder alone with one leecher sends as fast as an unmasked one.
 */
export class SuperSeed {
  readonly #count: Uint32Array
  readonly #size: (index: number) => number
  readonly #masks = new Map<MaskedPeer, Mask>()
  #floor = 0
  #atFloor: number
  #cursor = 0
  /** Every piece was handed out once: peers are told everything and request what is rarest to them. */
  over = false

  constructor(numPieces: number, pieceSize: (index: number) => number) {
    this.#count = new Uint32Array(numPieces)
    this.#atFloor = numPieces
    this.#size = pieceSize
  }

  /** Masks a newly admitted peer; returns its bitfield: one offer. */
  admit(peer: MaskedPeer, now: number): Uint8Array {
    const mask: Mask = { told: new Bitfield(this.#count.length), offers: new Set(), since: now }
    this.#masks.set(peer, mask)
    this.#offer(peer, mask, false)
    return mask.told.bytes.slice()
  }

  /** Offers a peer new pieces (as haves) until it holds `bytes` of offers, at least one. */
  topUp(peer: MaskedPeer, bytes: number): void {
    const mask = this.#masks.get(peer)
    if (!mask) return
    let held = 0
    for (const i of mask.offers) held += this.#size(i)
    while (held < bytes || mask.offers.size === 0) {
      const i = this.#offer(peer, mask, true)
      if (i < 0) return
      held += this.#size(i)
    }
  }

  /** We sent the last block of a piece to this peer: the offer is spent. */
  sent(peer: MaskedPeer, index: number): void {
    this.#masks.get(peer)?.offers.delete(index)
  }

  /** Each tick: departed peers give back unsent offers, had offers are spent, a peer uninterested in its offers is unmasked. */
  refresh(now: number, bytesFor: (peer: MaskedPeer) => number): void {
    this.over ||= this.#floor > 0
    for (const [peer, mask] of this.#masks) {
      const { session } = peer
      if (session.closed) {
        this.#forget(peer, mask)
        continue
      }
      for (const i of mask.offers) if (session.pieces?.get(i)) mask.offers.delete(i)
      if (session.peerInterested || mask.offers.size === 0) mask.since = now
      if (this.over || now - mask.since >= UNMASK_AFTER_MS) {
        for (let i = 0; i < this.#count.length; i++) if (!mask.told.get(i)) session.send({ type: 'have', index: i })
        this.#forget(peer, mask)
        continue
      }
      this.topUp(peer, bytesFor(peer))
    }
  }

  #forget(peer: MaskedPeer, mask: Mask): void {
    this.#masks.delete(peer)
    for (const i of mask.offers) {
      if (--this.#count[i]! < this.#floor) this.#floor = this.#count[i]!
    }
    this.#atFloor = this.#count.reduce((n, c) => n + (c === this.#floor ? 1 : 0), 0)
  }

  /** Tells the peer of the piece handed out fewest times that it neither has nor was told of; -1 if none. */
  #offer(peer: MaskedPeer, mask: Mask, send: boolean): number {
    const count = this.#count
    const n = count.length
    const has = peer.session.pieces
    let best = -1
    for (let k = 0; k < n; k++) {
      const i = (this.#cursor + k) % n
      if (mask.told.get(i) || has?.get(i) || (best >= 0 && count[i]! >= count[best]!)) continue
      best = i
      if (count[i] === this.#floor) break
    }
    if (best < 0) return best
    const was = count[best]!
    count[best] = was + 1
    if (was === this.#floor) {
      this.#cursor = best + 1
      if (--this.#atFloor === 0) {
        this.#floor++
        this.#atFloor = count.reduce((m, c) => m + (c === this.#floor ? 1 : 0), 0)
      }
    }
    mask.told.set(best)
    mask.offers.add(best)
    if (send) peer.session.send({ type: 'have', index: best })
    return best
  }
}
