import { Bitfield } from '../util/bitfield.ts'
import type { PeerSession } from '../peer/peer-session.ts'

/** Offered bytes a peer we unchoke holds, beyond what it has been sent: at least this, plus OFFER_SECONDS of our rate to it. */
export const OFFER_MIN_BYTES = 1 << 20
export const OFFER_SECONDS = 1
/**
 * A piece sent in full that no other peer of ours shows this long after (or whose peer left first) is handed
 * out again: BEP 16's rule that a seeder's piece counts once it is seen passed on, so a peer that never
 * uploads (a free rider) cannot be the swarm's only copy of a piece.
 */
export const PASS_ON_MS = 5000
/**
 * A piece first sent at least STUCK_AFTER_MS ago that fewer of our peers show than STUCK_SHARE of the
 * median such piece goes out once more (checked every STUCK_CHECK_MS while masking, once a tenth of the
 * pieces are that old): its copies stayed in one corner of the swarm. The simulated crowd that leaves when
 * done jammed on such a piece: two leechers held it from 5 to 22 s, and once they had completed and left,
 * 245 leechers waited for it with the seeder its only holder.
 */
export const STUCK_AFTER_MS = 8000
export const STUCK_SHARE = 0.25
export const STUCK_CHECK_MS = 1000
/**
 * A 64 KiB piece that no other peer shows this long after we sent it counts as lost for SINK_AFTER (it is handed
 * out again only at PASS_ON_MS); a larger piece takes as much longer to pass on, up to PASS_ON_MS. Nine in ten
 * first haves came within 1.4 s in the simulated free-rider crowd; judged at PASS_ON_MS, each free rider the
 * seeder unchoked took 5–10 s of its upload.
 */
export const LOST_AFTER_MS = 2000
const LOST_AFTER_PIECE = 64 * 1024
/**
 * A masked peer that lost this many pieces (see LOST_AFTER_MS) while no piece that went
 * to it alone ever was, is a sink (a free rider): a seeder ranks it after every other peer and gives it no
 * free slot at once. Pieces handed to free riders went out again, often to another free rider, and the
 * simulated crowd's last pieces sat with the seeder and free riders while 240 leechers waited.
 */
export const SINK_AFTER = 2
/**
 * A masked peer holding this many bytes of our pieces that no other peer shows yet is offered no more until it
 * passes one on (BEP 16 offers one at a time), once any peer has passed one on (peers that cannot reach each other
 * are not held back): a 1 MB/s peer in a seeder's slot took 12 pieces a second and passed each on only after
 * 1.5–3.7 s, the crowd's last pieces too (swarm simulator, 1,000 leechers).
 */
export const MAX_UNPASSED_BYTES = 512 * 1024
/** A masked peer that stays uninterested this long while offered pieces it lacks (it does not want them: file selection) is told every piece. */
export const UNMASK_AFTER_MS = 2000

export interface MaskedPeer {
  session: Pick<PeerSession, 'pieces' | 'peerInterested' | 'closed' | 'send' | 'remotePlaying'>
}

interface PassRecord {
  /** Bytes of pieces sent to it alone that no other peer shows yet. */
  unpassed: number
  lost: number
  passed: boolean
  /** Moving average of the ms from our last block of a piece to its first `have` from another peer (NaN: none yet). */
  passOnMs: number
}

/** Weight of the newest sample in a peer's pass-on average. */
const PASS_ON_WEIGHT = 0.2

interface Mask {
  told: Bitfield
  /** Told, claimed for this peer (handed out to nobody else), not yet sent in full, not had. */
  offers: Set<number>
  /** A piece told while the peer is choked, not claimed (see topUp); -1: none. */
  teaser: number
  since: number
}

/**
 * Super-seeding in spirit (BEP 16): a peer that joins while we have every piece is told only of the pieces
 * we offer it, each one not yet handed out to anyone (lowest index first), so a seeder's upload goes to
 * pieces the swarm lacks rather than to second copies. Unlike BEP 16 a peer we unchoke is offered more as
 * soon as it has been sent its offers, not once they are seen at another peer, and enough to keep our link
 * to it full (a seeder alone with one leecher sends as fast as an unmasked one); but a piece no other peer
 * shows PASS_ON_MS after we sent it is handed out again (a free rider never passes one on); a choked peer holds no
 * claim (its unsent offers go back), only a piece to stay interested in; and once every piece has been
 * handed out, everyone is told everything, so leechers ask us for what is rarest to them.
 */
export class SuperSeed {
  readonly #offered: Bitfield
  /** Pieces sent in full and not yet seen at another peer: to whom last, since when. */
  readonly #unpassed = new Map<number, { peer: MaskedPeer; at: number; timed: boolean; blind: boolean; lost: boolean }>()
  /**
   * Pieces seen passed on once. Sent again (stuck, or asked for by a peer told everything), such a piece shows at
   * once wherever the swarm held it, so it says nothing of the peer's pass-on: a free rider credited that way ranked
   * first among the seeder's peers and took 110 pieces in 15 s (swarm simulator, free riders, seed 6).
   */
  readonly #spread: Bitfield
  /** Every peer a piece not yet seen passed on was sent to: a copy we sent is no sign it was passed on. */
  readonly #sentTo = new Map<number, Set<MaskedPeer>>()
  readonly #size: (index: number) => number
  readonly #masks = new Map<MaskedPeer, Mask>()
  /** Peers told every piece while we had them all (a lone leecher, or any once masking is over). */
  readonly #toldAll = new WeakSet<MaskedPeer>()
  /** Peers admitted in this round, masked or told all. */
  readonly #round = new WeakSet<MaskedPeer>()
  /** Per peer: pieces sent to it not seen passed on in time, whether one ever was, and how fast (see passOnMs). */
  readonly #passing = new WeakMap<MaskedPeer, PassRecord>()
  /** A piece we sent one peer alone was seen at another: our peers can pass pieces on. */
  #passedOn = false
  /** No piece below it is left to hand out. */
  #cursor = 0
  /** When each piece was first sent in full (NaN: not yet). */
  readonly #firstSent: Float64Array
  /** Pieces handed out once more for being stuck (each at most once). */
  readonly #again: Bitfield
  #stuckCheckedAt = -Infinity
  /** Every piece was handed out once, and each one sent was seen passed on: no more masking. */
  over = false

  constructor(numPieces: number, pieceSize: (index: number) => number) {
    this.#offered = new Bitfield(numPieces)
    this.#size = pieceSize
    this.#firstSent = new Float64Array(numPieces).fill(NaN)
    this.#again = new Bitfield(numPieces)
    this.#spread = new Bitfield(numPieces)
  }

  /** Masks a newly admitted (choked) peer; returns its bitfield: one piece to be interested in. */
  admit(peer: MaskedPeer, now: number): Uint8Array {
    this.#round.add(peer)
    const mask: Mask = { told: new Bitfield(this.#offered.length), offers: new Set(), teaser: -1, since: now }
    this.#masks.set(peer, mask)
    this.topUp(peer, 0, false)
    return mask.told.bytes.slice()
  }

  /**
   * Claims pieces for the peer (told as haves) until it holds `bytes` of offers. With none held (it is
   * choked: `bytes` 0), it is told of one piece it lacks without claiming it, so it stays interested
   * and no piece waits on a peer we do not send to.
   */
  topUp(peer: MaskedPeer, bytes: number, send = true): void {
    const mask = this.#masks.get(peer)
    if (!mask) return
    let held = 0
    for (const i of mask.offers) held += this.#size(i)
    const unpassed = this.#passing.get(peer)?.unpassed ?? 0
    if (unpassed >= MAX_UNPASSED_BYTES && this.#passedOn) bytes = 0
    while (held < bytes) {
      const i = this.#next(peer, mask, true, send)
      if (i < 0) return
      held += this.#size(i)
    }
    const lacks = mask.teaser >= 0 && !peer.session.pieces?.get(mask.teaser)
    if (mask.offers.size === 0 && !lacks) mask.teaser = this.#next(peer, mask, false, send)
  }

  /** We choke the peer: its unsent offers go back to be handed out to others (it was told of them: they keep it interested). */
  reclaim(peer: MaskedPeer): void {
    const mask = this.#masks.get(peer)
    if (!mask) return
    for (const i of mask.offers) this.#giveBack(i)
    mask.teaser = mask.offers.values().next().value ?? mask.teaser
    mask.offers.clear()
  }

  /** We seed and told the peer every piece instead of masking it. */
  toldAll(peer: MaskedPeer): void {
    this.#toldAll.add(peer)
    this.#round.add(peer)
  }

  /** Whether the peer was admitted in this round. */
  inRound(peer: MaskedPeer): boolean {
    return this.#round.has(peer)
  }

  /**
   * Whether the peer ranks after the others: a sink, or a peer told every piece while we mask any (it asks for
   * pieces already handed out: the first leecher of a flash crowd took 0.8 s of the seeder's first copy that way).
   */
  ranksLast(peer: MaskedPeer): boolean {
    return this.sink(peer) || (this.#toldAll.has(peer) && !this.over && this.#masks.size > 0)
  }

  /**
   * Whether the peer gives its slot to a waiting peer at once, not at the next rechoke: a sink, or a peer ranked last
   * that does not play (a player's next pieces cannot wait for pieces the swarm is yet to pass on).
   */
  yieldsSlot(peer: MaskedPeer): boolean {
    return this.sink(peer) || (this.ranksLast(peer) && !peer.session.remotePlaying)
  }

  /** Whether the peer is masked (not yet told every piece). */
  masks(peer: MaskedPeer): boolean {
    return this.#masks.has(peer)
  }

  /** Whether the peer is masked and never passed on a piece we sent it, SINK_AFTER times (a free rider; a lone leecher is not masked). */
  sink(peer: MaskedPeer): boolean {
    const record = this.#passing.get(peer)
    return !!record && !record.passed && record.lost >= SINK_AFTER && this.#masks.has(peer)
  }

  #record(peer: MaskedPeer): PassRecord {
    let record = this.#passing.get(peer)
    if (!record) this.#passing.set(peer, (record = { unpassed: 0, lost: 0, passed: false, passOnMs: NaN }))
    return record
  }

  /**
   * A peer told us it has a piece. The first such `have` from a peer we did not send the piece to times how
   * fast the one peer we sent it to passed it on: a fast uplink with many unchoked peers does so in tens
   * of ms, a slow one in hundreds.
   */
  seen(from: MaskedPeer, index: number, now: number): void {
    const unpassed = this.#unpassed.get(index)
    const sentTo = this.#sentTo.get(index)
    if (!unpassed || unpassed.timed || sentTo?.size !== 1 || sentTo.has(from)) return
    this.#settle(index, unpassed)
    unpassed.timed = true
    const record = this.#record(unpassed.peer)
    const ms = now - unpassed.at
    record.passOnMs = Number.isNaN(record.passOnMs) ? ms : record.passOnMs + PASS_ON_WEIGHT * (ms - record.passOnMs)
  }

  /** How fast the peer passes on the pieces we send it alone (see seen; NaN: not yet timed). */
  passOnMs(peer: MaskedPeer): number {
    return this.#passing.get(peer)?.passOnMs ?? NaN
  }

  /** Whether the peer is masked and was not told of this piece. */
  hides(peer: MaskedPeer, index: number): boolean {
    const mask = this.#masks.get(peer)
    return !!mask && !mask.told.get(index)
  }

  /** We sent the last block of a piece to a peer: it is handed out (an offer is spent; a masked peer asked for it anyway; an unmasked peer took it). */
  sent(peer: MaskedPeer, index: number, now: number): void {
    this.#masks.get(peer)?.offers.delete(index)
    if (Number.isNaN(this.#firstSent[index]!)) this.#firstSent[index] = now
    if (!this.over) {
      const blind = this.#spread.get(index)
      const old = this.#unpassed.get(index)
      if (old) this.#settle(index, old)
      this.#unpassed.set(index, { peer, at: now, timed: blind, blind, lost: false })
      if (!blind) this.#record(peer).unpassed += this.#size(index)
      this.#sentTo.set(index, (this.#sentTo.get(index) ?? new Set()).add(peer))
    }
    this.#offered.set(index)
  }

  /**
   * Each tick: pieces sent but not passed on within PASS_ON_MS (`shown`: whether a peer we never sent it to
   * shows it) are handed out again; departed peers give back unsent offers, had offers are spent, a
   * peer uninterested for UNMASK_AFTER_MS (or all, once over) is told everything.
   */
  refresh(
    now: number,
    bytesFor: (peer: MaskedPeer) => number,
    shown: (index: number, sentTo: Set<MaskedPeer>) => boolean,
    availability: (index: number) => number = () => Infinity,
  ): void {
    for (const [i, entry] of this.#unpassed) {
      const { peer, at, blind } = entry
      const sentTo = this.#sentTo.get(i)!
      if (shown(i, sentTo)) {
        // Credit only a piece that went to one peer: which of several passed it on is unknown (a free rider never does).
        if (sentTo.size === 1 && !blind) this.#record(peer).passed = this.#passedOn = true
        this.#spread.set(i)
        this.#settle(i, entry)
        this.#unpassed.delete(i)
        this.#sentTo.delete(i)
        continue
      }
      const lostAfter = Math.min(PASS_ON_MS, LOST_AFTER_MS * Math.max(1, this.#size(i) / LOST_AFTER_PIECE))
      if (!peer.session.closed && !entry.lost && now - at >= lostAfter) {
        entry.lost = true
        this.#record(peer).lost++
      }
      if (peer.session.closed || now - at >= PASS_ON_MS) {
        this.#settle(i, entry)
        this.#unpassed.delete(i)
        this.#giveBack(i)
      }
    }
    if (!this.over && now - this.#stuckCheckedAt >= STUCK_CHECK_MS) {
      this.#stuckCheckedAt = now
      this.#handOutStuck(now, availability)
    }
    this.over ||= this.#offered.complete && this.#unpassed.size === 0
    for (const [peer, mask] of this.#masks) {
      const { session } = peer
      if (session.closed) {
        this.#masks.delete(peer)
        if (!this.over) for (const i of mask.offers) this.#giveBack(i)
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

  /** An unpassed entry is passed on, given back or replaced: it no longer counts against its peer's offers. */
  #settle(index: number, entry: { peer: MaskedPeer; timed: boolean }): void {
    if (entry.timed) return
    const record = this.#passing.get(entry.peer)
    if (record) record.unpassed = Math.max(0, record.unpassed - this.#size(index))
  }

  /** Gives back the stuck pieces (see STUCK_AFTER_MS) not given back before. */
  #handOutStuck(now: number, availability: (index: number) => number): void {
    const n = this.#firstSent.length
    const old: number[] = []
    for (let i = 0; i < n; i++) if (now - this.#firstSent[i]! >= STUCK_AFTER_MS) old.push(availability(i))
    if (old.length === 0 || old.length < n / 10) return
    old.sort((a, b) => a - b)
    const below = STUCK_SHARE * old[old.length >> 1]!
    for (let i = 0; i < n; i++) {
      if (this.#again.get(i) || !(now - this.#firstSent[i]! >= STUCK_AFTER_MS) || !(availability(i) < below)) continue
      this.#again.set(i)
      this.#giveBack(i)
    }
  }

  #giveBack(index: number): void {
    this.#offered.set(index, false)
    this.#cursor = Math.min(this.#cursor, index)
  }

  /**
   * The lowest piece not handed out that the peer lacks (and, unless claiming, was not told of), told and maybe
   * claimed; -1 if none. A piece another masked peer was told of and lacks comes last: that peer may still ask for
   * it (a choked peer's offers go back, a teaser is not claimed), and a seeder would send it twice before its first
   * copy is out. Not to a peer that plays: lowest first is its playing order.
   */
  #next(peer: MaskedPeer, mask: Mask, claim: boolean, send: boolean): number {
    const n = this.#offered.length
    while (this.#cursor < n && this.#offered.get(this.#cursor)) this.#cursor++
    let later = -1
    for (let i = this.#cursor; i < n; i++) {
      if (this.#offered.get(i) || peer.session.pieces?.get(i) || (!claim && mask.told.get(i))) continue
      if (!peer.session.remotePlaying && this.#toldElsewhere(peer, i)) {
        if (later < 0) later = i
        continue
      }
      return this.#tell(peer, mask, i, claim, send)
    }
    return later < 0 ? -1 : this.#tell(peer, mask, later, claim, send)
  }

  #toldElsewhere(peer: MaskedPeer, index: number): boolean {
    for (const [other, mask] of this.#masks) {
      if (other !== peer && mask.told.get(index) && !other.session.closed && !other.session.pieces?.get(index)) return true
    }
    return false
  }

  #tell(peer: MaskedPeer, mask: Mask, i: number, claim: boolean, send: boolean): number {
    if (claim) {
      this.#offered.set(i)
      mask.offers.add(i)
    }
    if (!mask.told.get(i)) {
      mask.told.set(i)
      if (send) peer.session.send({ type: 'have', index: i })
    }
    return i
  }
}
