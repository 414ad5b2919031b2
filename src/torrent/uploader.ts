import { sleep, type Clock } from '../util/clock.ts'
import { ProtocolError } from '../util/errors.ts'
import type { TokenBucket } from '../util/token-bucket.ts'
import type { PeerStats } from '../peer/peer-stats.ts'
import { MAX_REQUEST_LENGTH } from '../wire/index.ts'
import { LOW_WATER_MARK } from '../transport/peer-channel.ts'
import { COALESCE_BYTES } from '../transport/send-batcher.ts'
import { Choker, OWED_AFTER_MS, OWED_BLOCK_MS, RECHOKE_INTERVAL_MS, TRIAL_MS, UNCHOKE_SLOTS } from '../choker/choker.ts'
import type { PeerRecord } from './peer-record.ts'
import type { PieceReader } from './piece-reader.ts'
import { OFFER_MIN_BYTES, OFFER_SECONDS, SuperSeed } from './super-seed.ts'
import { FRESH_AVAILABILITY, FreshCopies } from './fresh-copies.ts'

/** Requests queued from one peer beyond this are a flood; the peer is dropped (WebTorrent keeps ~250 in flight at most). */
export const MAX_QUEUED_REQUESTS_PER_PEER = 2000
/**
 * Requests that arrive while we choke a peer are ignored (BEP 3); an honest peer sends only those
 * already in flight when our choke reached it, so more than a full queue since our last choke is a flood.
 */
export const MAX_REQUESTS_WHILE_CHOKED = MAX_QUEUED_REQUESTS_PER_PEER
/**
 * Blocks queued in a peer's channel beyond about this much sending time only delay what we send it next
 * (our requests, haves) behind them: on a slow uplink a full HIGH_WATER_MARK is seconds of data. The
 * channel's marks still bound it (a fast loopback link keeps the whole HIGH_WATER_MARK).
 */
export const UPLOAD_BUFFER_SECONDS = 0.1
/**
 * A channel's low-water mark ('drain') follows the flow: about this much of its sending time, between
 * MIN_LOW_WATER_MARK and LOW_WATER_MARK (a fast flow keeps the mark measured best on loopback). Each block
 * queued for a slow flow delays what we send after it, a fresh piece's `have` too: the simulated flash crowd
 * passed fresh pieces on 0.5–2 s sooner with 64 KiB than with 256 KiB, and its 1,000 leechers finished
 * 23.1 → 21.6 s (median) with 16 KiB and 0.05 s instead of 64 KiB and 0.1 s.
 */
export const LOW_WATER_SECONDS = 0.05
export const MIN_LOW_WATER_MARK = 16 * 1024
/** Kept queued above the low-water mark, so the channel still fires drain. */
export const UPLOAD_BUFFER_HEADROOM = 16 * 1024
/** The least a fast flow keeps queued. */
export const MIN_UPLOAD_BUFFER = LOW_WATER_MARK + UPLOAD_BUFFER_HEADROOM
/**
 * Under an upload cap, a wake sends up to this much of the cap's rate of one piece at once (at most COALESCE_BYTES):
 * at 4 MB/s one 64 KiB message every 16 ms instead of a 16 KiB one every 4 ms; at 1 MB/s a block at a time, as before.
 */
export const CAP_BATCH_SECONDS = 0.02
/** Of a peer's queued requests, the first this many are looked at for the rarest piece (see #next). */
export const RAREST_WINDOW = 64

export interface UploaderDeps {
  clock: Clock
  /** For the optimistic unchoke. */
  random?: () => number
  /** Client-wide upload limit. */
  limiter: TokenBucket
  reader: PieceReader
  stats: PeerStats
  /** The swarm's admitted peers: a view, the uploader keeps no peer list of its own. */
  peers: () => readonly PeerRecord[]
  hasPiece: (index: number) => boolean
  /** How many pieces we hold: a peer far behind us gets a catch-up slot. */
  haveCount: () => number
  /** Whether something reads our files now (a player): then our upload goes to the peers we trade with, no catch-up slots. */
  reading: () => boolean
  /** How many of our peers have the piece. */
  availability: (index: number) => number
  pieceSize: (index: number) => number
  numPieces: number
  drop: (peer: PeerRecord, error: ProtocolError) => void
  uploaded: (bytes: number) => void
}

/**
 * Serves verified pieces to interested peers, the rarest first (see #next; across peers: FreshCopies), within the
 * channel's flow control and the upload limit; decides who is unchoked (tit-for-tat through the Choker). Per-peer
 * state lives in each record's `upload` slot.
 */
export class Uploader {
  readonly #deps: UploaderDeps
  readonly #choker: Choker
  #lastRechoke = -Infinity
  #paused = false
  #seeding = false
  #seed: SuperSeed | null = null
  readonly #fresh = new FreshCopies()

  constructor(deps: UploaderDeps) {
    this.#deps = deps
    this.#choker = new Choker(deps.random ? { random: deps.random } : {})
  }

  /** Paused: every peer is choked and stays choked until resumed. */
  setPaused(paused: boolean): void {
    this.#paused = paused
    this.#lastRechoke = -Infinity
    if (paused) for (const peer of this.#deps.peers()) if (!peer.session.amChoking) this.#choke(peer)
  }

  /**
   * What to tell a newly admitted peer we have: null, all we have; but while we have every piece and it is
   * not our only peer that lacks pieces, only what we offer it (SuperSeed). A lone leecher sees all. Our extension handshake
   * then tells the peer we mask, so a Swarmstream viewer may still ask for the piece under its playhead.
   */
  bitfield(peer: PeerRecord, seeding: boolean): Uint8Array | null {
    // Masking pays only while another peer still lacks pieces (a finished viewer that lingers does not count).
    const lacks = (p: PeerRecord) => p !== peer && !p.session.closed && !p.session.pieces?.complete
    const last = this.#seed
    // Once no peer of the last round still lacks pieces, the next crowd gets a round of its own.
    const seed =
      last && !(seeding && !this.#deps.peers().some((p) => lacks(p) && last.inRound(p)))
        ? last
        : (this.#seed = new SuperSeed(this.#deps.numPieces, this.#deps.pieceSize))
    if (!seeding || seed.over || !this.#deps.peers().some(lacks)) {
      if (seeding) seed.toldAll(peer)
      return null
    }
    peer.session.masking = true
    return seed.admit(peer, this.#deps.clock.now())
  }

  /** A newly interested peer that does not owe us is unchoked at once while a slot is free, or a catch-up slot (Choker.catchUpNow); the choker decides later. */
  onInterested(peer: PeerRecord): void {
    if (!peer.session.amChoking || this.#paused || this.#relegated(peer, this.#deps.clock.now())) return
    const unchoked = this.#deps.peers().filter((p) => !p.session.amChoking && p.session.peerInterested).length
    const behind = this.#seeding || this.#deps.reading() ? 0 : this.#deps.haveCount() - (peer.session.pieces?.count ?? 0)
    if (unchoked < UNCHOKE_SLOTS + 1 || this.#choker.catchUpNow(behind)) this.#unchoke(peer)
  }

  /** Its slot goes to a waiting peer; the peer itself stays unchoked unless #keepsUnchoked says otherwise. */
  onNotInterested(peer: PeerRecord): void {
    if (peer.session.amChoking) return
    if (!this.#keepsUnchoked(peer)) this.#choke(peer)
    this.freeSlot()
  }

  /**
   * An unchoked peer that is no longer interested stays unchoked without holding a slot (BEP 3's original
   * choker): when a fresh piece of ours makes it interested again, it asks at once, sparing the interest →
   * unchoke round trip and the wait for a slot. The last pieces of a crowd spread that much faster (swarm
   * simulator, 1,000 leechers: from the seeder to half of them in 1.17 s instead of 1.44 s). Not for a peer
   * that owes us or that a masking seeder ranks last, nor while we mask (offers follow the unchoke).
   */
  #keepsUnchoked(peer: PeerRecord): boolean {
    return !this.#masking() && !this.#relegated(peer, this.#deps.clock.now())
  }

  /** The super-seeding state while we seed and mask; else null. */
  #masking(): SuperSeed | null {
    return this.#seeding && this.#seed && !this.#seed.over ? this.#seed : null
  }

  /** Tit-for-tat, every RECHOKE_INTERVAL_MS (called more often; it keeps its own pace). */
  rechoke(seeding: boolean): void {
    const now = this.#deps.clock.now()
    this.#seeding = seeding
    this.#serveHeld()
    for (const p of this.#deps.peers()) {
      if (Number.isNaN(p.upload.since)) p.upload.since = now
      if (p.upload.queue.length > 0) void this.#serve(p)
    }
    this.#seed?.refresh(now, (p) => this.#offerBytes(p as PeerRecord), (i, sentTo) => this.#shown(i, sentTo), this.#deps.availability)
    if (this.#paused) return
    this.#demoteSinks(now)
    if (now - this.#lastRechoke < RECHOKE_INTERVAL_MS) return
    this.#lastRechoke = now
    const peers = this.#deps.peers().filter((p) => !p.session.closed)
    const masking = this.#masking()
    // Streaming, the pieces at the playheads are due at once: catch-up slots would thin the flows they come by.
    const catchUp = !this.#deps.reading()
    const have = this.#deps.haveCount()
    const unchoked = this.#choker.rechoke(
      peers.map((p) => {
        const s = p.session
        return { id: p.id, interested: s.peerInterested, downloadRate: s.downloadRate.rate(now), uploadRate: s.uploadRate.rate(now), owes: this.#relegated(p, now), passOnMs: masking ? masking.passOnMs(p) : NaN, behind: catchUp ? have - (s.pieces?.count ?? 0) : 0 }
      }),
      now,
      seeding,
    )
    for (const peer of peers) {
      const want = unchoked.has(peer.id)
      if (want && peer.session.amChoking) this.#unchoke(peer)
      else if (!want && !peer.session.amChoking && (peer.session.peerInterested || !this.#keepsUnchoked(peer))) this.#choke(peer)
    }
  }

  /**
   * While we mask, a sink or a peer told every piece that does not play (SuperSeed.yieldsSlot) gives its slot to a waiting
   * peer at once: a free rider unchoked 5 s before took another 4 MB of the seeder's first copy (simulator, seed 6).
   */
  #demoteSinks(now: number): void {
    const masking = this.#masking()
    if (!masking) return
    for (const peer of this.#deps.peers()) {
      if (peer.session.amChoking || !peer.session.peerInterested || !masking.yieldsSlot(peer)) continue
      const waiting = this.#deps.peers().find((p) => p.session.peerInterested && p.session.amChoking && !p.session.closed && !this.#relegated(p, now))
      if (!waiting) return
      this.#choke(peer)
      this.#unchoke(waiting)
    }
  }

  /** A peer announced a piece: while we mask, it may be one we sent another peer alone (see SuperSeed.seen). */
  onHave(peer: PeerRecord, index: number): void {
    if (this.#seeding) this.#seed?.seen(peer, index, this.#deps.clock.now())
  }

  onRequest(peer: PeerRecord, index: number, begin: number, length: number): void {
    const { upload, session } = peer
    if (session.amChoking) return this.#onChokedRequest(peer)
    if (length <= 0 || length > MAX_REQUEST_LENGTH || index >= this.#deps.numPieces || begin + length > this.#deps.pieceSize(index)) {
      return this.#deps.drop(peer, new ProtocolError('BAD_REQUEST', `Invalid request: piece ${index}, offset ${begin}, length ${length}`))
    }
    // Like WebTorrent, a request for a piece we do not have is ignored; like libtorrent, one for a piece we
    // mask, unless the peer said it asks only for what it needs now (ss_sup).
    if (!this.#deps.hasPiece(index) || (this.#seed?.hides(peer, index) && !session.remoteSuperSeed)) {
      this.#deps.stats.ignoredRequests++
      return
    }
    if (upload.queue.length >= MAX_QUEUED_REQUESTS_PER_PEER) {
      return this.#deps.drop(peer, new ProtocolError('REQUEST_FLOOD', `More than ${MAX_QUEUED_REQUESTS_PER_PEER} requests queued`))
    }
    upload.queue.push({ index, begin, length })
    void this.#serve(peer)
  }

  onCancel(peer: PeerRecord, index: number, begin: number, length: number): void {
    const { queue } = peer.upload
    const i = queue.findIndex((q) => q.index === index && q.begin === begin && q.length === length)
    if (i >= 0) queue.splice(i, 1)
  }

  /** The peer's channel drained: continue sending. */
  onDrain(peer: PeerRecord): void {
    void this.#serve(peer)
    if (this.#fresh.sending(peer)) this.#serveHeld()
  }

  #serveHeld(): void {
    for (const peer of this.#fresh.release(this.#deps.clock.now())) void this.#serve(peer)
  }

  /** A peer left (e.g. done and gone): a free slot goes to a waiting peer now, not at the next rechoke. */
  freeSlot(): void {
    const now = this.#deps.clock.now()
    const waiting = this.#deps.peers().find((other) => other.session.peerInterested && other.session.amChoking && !this.#relegated(other, now))
    if (waiting) this.onInterested(waiting)
  }

  /** Whether a peer we never sent the piece to shows it (it was passed on). */
  #shown(index: number, sentTo: Set<unknown>): boolean {
    return this.#deps.peers().some((p) => !sentTo.has(p) && !p.session.closed && !!p.session.pieces?.get(index))
  }

  /** No free slot at once, and ranked out of (downloading) or after (seeding) the regular slots: it owes us, or a masking seeder ranks it last (SuperSeed.ranksLast). */
  #relegated(peer: PeerRecord, now: number): boolean {
    return this.#seeding ? !!this.#seed?.ranksLast(peer) : this.#owes(peer, now)
  }

  /**
   * Tit-for-tat, downloading: a peer that never sent us a block owes us once it had pieces we wanted TRIAL_MS after
   * our first unchoke (a free rider never reciprocates; a peer never tried gets its trial); one that did, once it has
   * pieces we want, was known for OWED_AFTER_MS and sent us none for as long.
   */
  #owes(peer: PeerRecord, now: number): boolean {
    const { upload, session } = peer
    const last = peer.download.lastBlockAt
    if (last < 0 && session.amInterested && now - upload.unchokedAt >= TRIAL_MS) upload.failed = true
    return !this.#seeding && (last < 0 ? upload.failed : session.amInterested && now - upload.since >= OWED_AFTER_MS && now - last >= OWED_AFTER_MS)
  }

  /**
   * Which queued request to serve next. A fresh piece otherwise waits at each holder behind requests for
   * pieces most of our peers could serve as well (the swarm simulator: ~1 s per hop in a flash crowd), so
   * the request for the piece fewest of our peers have goes first (ties: request order; BEP 3 lets a peer
   * answer requests in any order). Seeding, a peer we do not mask keeps its order (a viewer's playhead is
   * first in it); one we mask gets first what it asked for without being told of it (its playhead: ss_sup).
   */
  #next(peer: PeerRecord): number {
    const queue = peer.upload.queue
    const end = Math.min(queue.length, RAREST_WINDOW)
    if (end <= 1) return 0
    const seed = this.#seed
    if (this.#seeding) {
      if (!seed?.masks(peer)) return 0
      for (let k = 0; k < end; k++) if (seed.hides(peer, queue[k]!.index)) return k
    }
    const { availability } = this.#deps
    let best = 0
    let least = availability(queue[0]!.index)
    for (let k = 1; k < end && least > 0; k++) {
      const count = availability(queue[k]!.index)
      if (count < least) {
        least = count
        best = k
      }
    }
    return best
  }

  /** The peer's channel's low-water mark, set to follow the flow's rate where the channel lets us (in 16 KiB steps). */
  #lowWaterMark(peer: PeerRecord, rate: number): number {
    const { channel } = peer.session
    if (!channel.setLowWaterMark) return LOW_WATER_MARK
    const mark = Math.min(LOW_WATER_MARK, Math.max(MIN_LOW_WATER_MARK, Math.ceil((rate * LOW_WATER_SECONDS) / 16384) * 16384))
    if (mark !== peer.upload.lowWaterMark) {
      channel.setLowWaterMark(mark)
      peer.upload.lowWaterMark = mark
    }
    return mark
  }

  #unchoke(peer: PeerRecord): void {
    peer.upload.unchokedAt = Math.min(peer.upload.unchokedAt, this.#deps.clock.now())
    peer.session.send({ type: 'unchoke' })
    this.#seed?.topUp(peer, this.#offerBytes(peer))
  }

  /** Offers a masked peer holds: none beyond one while choked; enough to keep our link to it busy while unchoked. */
  #offerBytes(peer: PeerRecord): number {
    const { session } = peer
    return session.amChoking ? 0 : OFFER_MIN_BYTES + session.uploadRate.rate(this.#deps.clock.now()) * OFFER_SECONDS
  }

  #choke(peer: PeerRecord): void {
    peer.session.send({ type: 'choke' })
    this.#seed?.reclaim(peer)
    peer.upload.queue = []
    peer.upload.whileChoked = 0
  }

  #onChokedRequest(peer: PeerRecord): void {
    this.#deps.stats.ignoredRequests++
    const count = ++peer.upload.whileChoked
    if (count > MAX_REQUESTS_WHILE_CHOKED) {
      this.#deps.drop(peer, new ProtocolError('REQUEST_FLOOD', `More than ${MAX_REQUESTS_WHILE_CHOKED} requests while choked`))
    }
  }

  async #serve(peer: PeerRecord): Promise<void> {
    const { upload, session } = peer
    if (upload.serving) return
    upload.serving = true
    try {
      for (;;) {
        const queue = upload.queue
        // Up to ~UPLOAD_BUFFER_SECONDS queued, and under the channel's mark.
        const now = this.#deps.clock.now()
        const rate = session.uploadRate.rate(now)
        const budget = Math.max(this.#lowWaterMark(peer, rate) + UPLOAD_BUFFER_HEADROOM, rate * UPLOAD_BUFFER_SECONDS)
        if (queue.length === 0 || session.amChoking || !session.writable || session.channel.bufferedAmount >= budget) return
        const owes = this.#owes(peer, now)
        if (owes && now < upload.nextAt) return
        let at = this.#next(peer)
        const next = queue[at]!
        const fresh = this.#deps.availability(next.index) <= FRESH_AVAILABILITY
        if (!fresh && this.#fresh.holds(peer, now)) return
        // A piece in memory is served without an await, so a burst of blocks leaves in one task (and one channel message).
        let piece: Uint8Array | null | undefined = this.#deps.reader.cached(next.index)
        if (piece === undefined) {
          piece = await this.#deps.reader.readPiece(next.index)
          at = upload.queue.indexOf(next)
          if (at < 0) continue
        }
        upload.queue.splice(at, 1)
        if (!piece || session.closed) continue
        const { limiter } = this.#deps
        const blocks = [next]
        const t = this.#deps.clock.now()
        let wait = limiter.reserve(next.length, t)
        if (wait > 0 && !owes) {
          // Capped: a wake sends what CAP_BATCH_SECONDS of the rate allows of this piece in one task (one channel message), not a block per timer.
          const room = Math.min(COALESCE_BYTES, limiter.rate * CAP_BATCH_SECONDS)
          for (let bytes = next.length; ; ) {
            const k = this.#next(peer)
            const more = upload.queue[k]
            if (!more || more.index !== next.index || (bytes += more.length) > room) break
            upload.queue.splice(k, 1)
            blocks.push(more)
            wait = limiter.reserve(more.length, t)
          }
        }
        if (wait > 0) await sleep(this.#deps.clock, wait)
        if (session.closed) return
        if (fresh) this.#fresh.sent(peer, this.#deps.clock.now())
        for (const { index, begin, length } of blocks) {
          session.sendPiece(index, begin, piece.subarray(begin, begin + length))
          this.#deps.uploaded(length)
          if (this.#seed && begin + length === piece.length) {
            this.#seed.sent(peer, index, this.#deps.clock.now())
            this.#seed.topUp(peer, this.#offerBytes(peer))
          }
        }
        if (owes) upload.nextAt = this.#deps.clock.now() + OWED_BLOCK_MS
      }
    } catch {
      // A failed read (e.g. the seeded file vanished) drops this peer's queue; the torrent reports the error.
      upload.queue = []
    } finally {
      upload.serving = false
    }
  }
}
