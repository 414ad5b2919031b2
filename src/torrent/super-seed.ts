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
 * we offer it, each one not yet handed out to anyone (in index order), so a seeder's upload goes to pieces
 * the swarm lacks rather than to second copies. Unlike BEP 16 a peer is offered more as soon as it has been
 * sent its offers, not once they are seen at another peer, and enough to keep our link to it full (a seeder
 * alone with one leecher sends as fast as an unmasked one); and once every piece has been handed out,
 * everyone is told everything, so leechers ask us for what is rarest to them.
 */
export class SuperSeed {
  readonly #offered: Bitfield
  readonly #size: (index: number) => number
  readonly #masks = new Map<MaskedPeer, Mask>()
  #cursor = 0
  /** Every piece was handed out once: no more masking. */
  over = false

  constructor(numPieces: number, pieceSize: (index: number) => number) {
    this.#offered = new Bitfield(numPieces)
    this.#size = pieceSize
  }

  /** Masks a newly admitted peer; returns its bitfield: one offer. */
  admit(peer: MaskedPeer, now: number): Uint8Array {
    const mask: Mask = { told: new Bitfield(this.#offered.length), offers: new Set(), since: now }
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

  /** Each tick: departed peers give back unsent offers, had offers are spent, a peer uninterested for UNMASK_AFTER_MS (or all, once over) is told everything. */
  refresh(now: number, bytesFor: (peer: MaskedPeer) => number): void {
    this.over ||= this.#offered.complete
    for (const [peer, mask] of this.#masks) {
      const { session } = peer
      if (session.closed) {
        this.#masks.delete(peer)
        if (!this.over) for (const i of mask.offers) this.#offered.set(i, false)
        continue
      }
      for (const i of mask.offers) if (session.pieces?.get(i)) mask.offers.delete(i)
      if (session.peerInterested) mask.since = now
      if (this.over || now - mask.since >= UNMASK_AFTER_MS) {
        for (let i = 0; i < this.#offered.length; i++) if (!mask.told.get(i)) session.send({ type: 'have', index: i })
        this.#masks.delete(peer)
      } else this.topUp(peer, bytesFor(peer))
    }
  }

  /** Tells the peer of the next piece nobody was offered that it does not have; -1 if none. */
  #offer(peer: MaskedPeer, mask: Mask, send: boolean): number {
    const n = this.#offered.length
    for (let k = 0; k < n; k++) {
      const i = (this.#cursor + k) % n
      if (this.#offered.get(i) || peer.session.pieces?.get(i)) continue
      this.#cursor = i + 1
      this.#offered.set(i)
      mask.told.set(i)
      mask.offers.add(i)
      if (send) peer.session.send({ type: 'have', index: i })
      return i
    }
    return -1
  }
}
