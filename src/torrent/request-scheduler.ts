/*
 * The request scheduler: which blocks each peer is asked for, and what happens to requests until their
 * block arrives. Owns the requests in flight (in each peer record's `download` slot), pipeline sizing,
 * interest, cancels and late copies, unrequested-block accounting, preemption for new critical pieces,
 * and whole-piece claims for web seeds. Timeouts, hot swap and silent peers are in request-expiry.ts.
 * Flow: fill(peer) → picker.pick → request messages → onBlock → (new block) assembler.accept.
 */
import { Bitfield } from '../util/bitfield.ts'
import type { Clock } from '../util/clock.ts'
import { ProtocolError } from '../util/errors.ts'
import type { TokenBucket } from '../util/token-bucket.ts'
import type { BlockRequest, PiecePicker } from '../picker/index.ts'
import { SS_MASKING } from '../wire/index.ts'
import type { PeerStats } from '../peer/peer-stats.ts'
import { blockKey, type BlockSource, type PeerRecord } from './peer-record.ts'
import { expireRequests, isFast, type ExpiryContext } from './request-expiry.ts'

/** An unanswered request is given up after this long while the peer has us unchoked (WebTorrent: 30 s). */
export const REQUEST_TIMEOUT_MS = 30_000
/**
 * Blocks we never asked for are never stored, but they cost bandwidth; honest peers send none
 * (late ones are counted apart), so a few cover a buggy client and more mean a hostile one.
 */
export const MAX_UNREQUESTED_BLOCKS = 8
/** A critical piece nobody shows us is asked of a masking seeder only after this long (meanwhile it may spread from the peer it was handed to). */
export const ASK_MASKING_AFTER_MS = 1000
/** Requests left queued at a peer when a reader's critical piece preempts the rest. */
export const PREEMPT_KEEP = 2
/**
 * A peer that answered more cancelled requests than this may serve what it queued whatever we cancel
 * (WebTorrent's seeder behind its upload limiter): the copies it still owes us count against its pipeline.
 * Otherwise each preemption queued another pipeline's worth at it: a seek waited behind 1,758 blocks (30 s
 * at the capped seeder's rate) in the shaped bench. It answers in request order, so a block's arrival
 * settles every cancelled request sent before that block's.
 */
export const CANCELS_IGNORED_AFTER = 16
/** Fewest and most requests kept in flight per peer; between them the pipeline follows the peer's rate. */
export const MIN_PIPELINE = 16
export const MAX_PIPELINE = 256
/** Requests in flight should cover this much time at the peer's current rate. */
const PIPELINE_SECONDS = 0.5
/**
 * After a block arrives the pipeline is topped up only once this share of it is free: requests then go
 * out several at a time, in one channel message, instead of one message per block received.
 */
const REFILL_SHARE = 1 / 4

export interface SchedulerDeps {
  picker: PiecePicker
  clock: Clock
  /** Client-wide download limit: no new requests while it is in debt. */
  limiter: TokenBucket
  stats: PeerStats
  /** The swarm's admitted peers: a view, the scheduler keeps no peer list of its own. */
  peers: () => readonly PeerRecord[]
  /** A new block: to the piece assembler. */
  accept: (source: BlockSource, index: number, begin: number, block: Uint8Array) => void
  /** These requests are about to go to `peer` (BitTorrent v2 asks it for the pieces' block hashes first). */
  requesting?: (peer: PeerRecord, requests: readonly BlockRequest[]) => void
  /** False while paused, stopped, or storage is congested: no new requests. */
  mayRequest: () => boolean
  drop: (peer: PeerRecord, error: ProtocolError) => void
  /** Bytes of blocks we asked for arrived (from a peer or a web seed). */
  received: (bytes: number) => void
  /** Default REQUEST_TIMEOUT_MS; tests shorten it. */
  requestTimeoutMs?: number
}

export class RequestScheduler {
  readonly #deps: SchedulerDeps
  readonly #expiry: ExpiryContext
  #critical: readonly number[] = []
  /** When each critical piece became critical. */
  #criticalSince = new Map<number, number>()

  constructor(deps: SchedulerDeps) {
    this.#deps = deps
    this.#expiry = {
      picker: deps.picker,
      stats: deps.stats,
      peers: deps.peers,
      requestTimeoutMs: deps.requestTimeoutMs ?? REQUEST_TIMEOUT_MS,
      cancel: (peer, r) => this.#cancel(peer, r),
      release: (peer) => this.#releaseAll(peer),
    }
  }

  /** Sends interested / not-interested to match whether the peer has something we need. */
  updateInterest(peer: PeerRecord): void {
    const { session } = peer
    const pieces = this.#askable(peer)
    if (!pieces) return
    const want = this.#deps.picker.interestedIn(pieces)
    if (want && !session.amInterested) session.send({ type: 'interested' })
    else if (!want && session.amInterested && peer.download.requests.size === 0) session.send({ type: 'not-interested' })
  }

  /** The peer's whole piece set is known or replaced (bitfield, have-all, or metadata arrived). */
  onPieces(peer: PeerRecord): void {
    const pieces = peer.session.pieces
    if (!pieces) return
    this.#deps.picker.peerBitfield(peer, pieces)
    this.updateInterest(peer)
    this.fill(peer)
  }

  onHave(peer: PeerRecord, index: number): void {
    const { picker } = this.#deps
    if (!peer.session.pieces) return
    picker.peerHas(peer, index)
    // A have only adds a piece: if we have it, neither interest nor a pick can change; else interest can only begin.
    if (picker.hasPiece(index)) return
    if (!peer.session.amInterested) this.updateInterest(peer)
    this.fill(peer, true)
  }

  /** We stored piece `index`: every peer hears of it; only one that has it can have stopped being of interest. */
  onStored(index: number): void {
    for (const peer of this.#deps.peers()) {
      const { pieces } = peer.session
      if (!pieces) continue
      peer.session.send({ type: 'have', index })
      if (pieces.get(index)) this.updateInterest(peer)
    }
  }

  onChoke(peer: PeerRecord): void {
    // Blocks already on their way when the peer choked us may still arrive.
    this.#releaseAll(peer, true)
    this.#deps.picker.releaseOwnership(peer)
  }

  /** The peer left: its requests go back to the picker, its availability is subtracted. */
  removePeer(peer: PeerRecord): void {
    this.#releaseAll(peer)
    this.#deps.picker.peerLeft(peer)
  }

  /** Tops up the peer's request pipeline; `batched`: only once REFILL_SHARE of it is free. */
  fill(peer: PeerRecord, batched = false): void {
    const { session, download } = peer
    const { picker, clock, limiter } = this.#deps
    // A masking seeder may have become worth asking (see #askable) without any message from it.
    if (!session.amInterested && session.remoteSuperSeed === SS_MASKING) this.updateInterest(peer)
    if (session.closed || session.peerChoking || !session.amInterested || !session.pieces || !this.#deps.mayRequest()) return
    const now = clock.now()
    if (limiter.delay(now) > 0) return
    const pipeline = this.#pipelineLength(peer, now)
    const refillAt = batched ? Math.max(1, Math.floor(pipeline * REFILL_SHARE)) : 1
    const free = pipeline - download.requests.size
    if (free < refillAt) return
    // Counting what it owes walks its cancels: only when a refill is due. A couple of requests always go out: their answers settle cancels it did honour.
    const room = free - (ignoresCancels(download) ? Math.min(download.late.owed, pipeline - PREEMPT_KEEP) : 0)
    if (room < refillAt) return
    const inFlight = (index: number, begin: number) => download.requests.has(blockKey(index, begin))
    // Ranking peers costs a rate per peer: only worth it while readers wait for critical pieces.
    const critical = picker.priorities.critical.length > 0 && isFast(peer, this.#deps.peers(), now)
    const picked = picker.pick(peer, this.#askable(peer)!, room, inFlight, { critical, now })
    // Nothing to ask for and nothing in flight: tell the peer, so it does not keep an unchoke slot for us.
    if (download.requests.size === 0 && picked.length === 0) this.updateInterest(peer)
    if (picked.length > 0) this.#deps.requesting?.(peer, picked)
    for (const r of picked) {
      download.requests.set(blockKey(r.index, r.begin), { ...r, sentAt: now })
      session.send({ type: 'request', index: r.index, begin: r.begin, length: r.length })
    }
  }

  /** A piece message: a block we asked for, a late answer to a cancel, or something we never asked for. */
  onBlock(peer: PeerRecord, index: number, begin: number, block: Uint8Array): void {
    const { download } = peer
    const { picker, clock, stats } = this.#deps
    const now = clock.now()
    const k = blockKey(index, begin)
    const request = download.requests.get(k)
    if (!request || request.length !== block.length) return this.#onUnrequested(peer, k, index, begin, block)
    download.requests.delete(k)
    download.lastBlockAt = now
    if (ignoresCancels(download)) {
      // This copy may answer an older, cancelled request for the same block.
      const older = download.late.requestedAt(k)
      download.late.answeredUpTo(older !== undefined && older < request.sentAt ? older : request.sentAt)
    }
    download.latency.record(now - request.sentAt)
    this.#deps.limiter.reserve(block.length, now)
    this.#deps.received(block.length)
    if (picker.received(index, begin) !== 'new') {
      stats.recordDiscarded(peer.id, block.length)
    } else {
      // Asking every other peer costs a map lookup each: only when the picker counts copies out.
      if (picker.requestCount(index, begin) > 1) this.#cancelDuplicates(peer, index, begin, block.length)
      this.#deps.accept(peer, index, begin, block)
    }
    this.fill(peer, true)
  }

  onReject(peer: PeerRecord, index: number, begin: number): void {
    if (peer.download.requests.delete(blockKey(index, begin))) this.#deps.picker.released(index, begin)
    this.fill(peer)
  }

  /** Timeouts, hot swap of overdue critical blocks and silent peers (see request-expiry.ts). */
  expire(): void {
    expireRequests(this.#expiry, this.#deps.clock.now())
  }

  /**
   * A reader now waits for `critical` pieces: requests for other pieces queued at each peer are
   * cancelled (all but the first few, which may already be on the wire), so the critical ones are
   * served next instead of waiting behind a deep pipeline.
   */
  preempt(critical: ReadonlySet<number>): void {
    for (const peer of this.#deps.peers()) {
      let kept = 0
      for (const [k, r] of peer.download.requests) {
        if (critical.has(r.index) || kept++ < PREEMPT_KEEP) continue
        peer.download.requests.delete(k)
        this.#deps.picker.released(r.index, r.begin)
        this.#cancel(peer, r)
      }
    }
  }

  /** Cancels every request in flight (pausing). */
  cancelAll(): void {
    for (const peer of this.#deps.peers()) {
      for (const r of peer.download.requests.values()) this.#cancel(peer, r)
      this.#releaseAll(peer)
    }
  }

  /** Pieces with blocks in flight (for piece maps). */
  requestedPieces(): number[] {
    const pieces = new Set<number>()
    for (const peer of this.#deps.peers()) for (const r of peer.download.requests.values()) pieces.add(r.index)
    return [...pieces]
  }

  /** Claims a whole unstarted piece for a web seed; null when there is none (or requests are on hold). */
  claimPiece(claimant: BlockSource): BlockRequest[] | null {
    if (!this.#deps.mayRequest()) return null
    return this.#deps.picker.claimPiece(claimant)
  }

  /** A claimed piece could not be fetched: its blocks go back to the picker. */
  releaseClaim(blocks: readonly BlockRequest[]): void {
    for (const b of blocks) this.#deps.picker.released(b.index, b.begin)
  }

  /** Data for a claimed piece; blocks that peers delivered meanwhile are kept as they are. */
  onWholePiece(source: BlockSource, blocks: readonly BlockRequest[], data: Uint8Array): void {
    const { picker } = this.#deps
    for (const b of blocks) {
      const arrival = picker.received(b.index, b.begin)
      picker.released(b.index, b.begin)
      const block = data.subarray(b.begin, b.begin + b.length)
      if (arrival === 'new') this.#deps.accept(source, b.index, b.begin, block)
      else this.#deps.stats.recordDiscarded(null, b.length)
    }
    this.#deps.received(data.length)
  }

  /** Unrequested data is never stored; a late answer to a cancel is fine, anything else is counted against the peer. */
  #onUnrequested(peer: PeerRecord, k: number, index: number, begin: number, block: Uint8Array): void {
    const { picker, stats } = this.#deps
    if (peer.download.late.take(k, this.#deps.clock.now())) {
      stats.lateBlocks++
      peer.download.lateAnswers++
      // Still useful if nobody delivered it meanwhile (the piece's hash check guards it like any block).
      if (picker.acceptLate(peer, index, begin, block.length)) {
        this.#cancelDuplicates(peer, index, begin, block.length)
        this.#deps.accept(peer, index, begin, block)
      } else stats.recordDiscarded(peer.id, block.length)
      return
    }
    stats.unrequestedBlocks++
    stats.recordDiscarded(peer.id, block.length)
    const count = ++peer.download.unrequested
    if (count > MAX_UNREQUESTED_BLOCKS) {
      this.#deps.drop(peer, new ProtocolError('UNREQUESTED_BLOCKS', `The peer sent ${count} blocks we never requested`))
    }
  }

  /**
   * The peer's pieces; from a seeder that masks its pieces from us and serves such asks (ss_sup), also the
   * critical pieces no other peer shows us (the rest we get from others: the seeder's upload is for new pieces).
   */
  #askable(peer: PeerRecord): Bitfield | null {
    const { pieces, remoteSuperSeed } = peer.session
    const { critical } = this.#deps.picker.priorities
    if (!pieces || remoteSuperSeed !== SS_MASKING || critical.length === 0) return pieces
    const now = this.#deps.clock.now()
    if (critical !== this.#critical) {
      this.#critical = critical
      this.#criticalSince = new Map(critical.map((i) => [i, this.#criticalSince.get(i) ?? now]))
    }
    const all = new Bitfield(pieces.length, pieces.bytes)
    for (const i of critical) if (this.#deps.picker.availability(i) === 0 && now - this.#criticalSince.get(i)! >= ASK_MASKING_AFTER_MS) all.set(i)
    return all
  }

  #pipelineLength(peer: PeerRecord, now: number): number {
    // Enough requests to cover the peer's round trip (twice, for jitter) at its current rate: bandwidth × delay.
    const rate = peer.session.downloadRate.rate(now)
    const latencySeconds = peer.download.latency.base / 1000
    const wanted = MIN_PIPELINE + Math.ceil((rate * Math.max(PIPELINE_SECONDS, 2 * latencySeconds)) / 16384)
    return Math.min(wanted, MAX_PIPELINE, peer.session.remoteReqq ?? MAX_PIPELINE)
  }

  #cancel(peer: PeerRecord, r: BlockRequest & { sentAt?: number }): void {
    peer.session.send({ type: 'cancel', index: r.index, begin: r.begin, length: r.length })
    const now = this.#deps.clock.now()
    peer.download.late.expect(blockKey(r.index, r.begin), now, r.sentAt ?? now)
  }

  #cancelDuplicates(from: PeerRecord, index: number, begin: number, length: number): void {
    const k = blockKey(index, begin)
    for (const peer of this.#deps.peers()) {
      const sent = peer === from ? undefined : peer.download.requests.get(k)
      if (!sent) continue
      peer.download.requests.delete(k)
      this.#deps.picker.released(index, begin)
      this.#cancel(peer, { index, begin, length, sentAt: sent.sentAt })
    }
  }

  #releaseAll(peer: PeerRecord, expectLate = false): void {
    const { requests, late } = peer.download
    const now = this.#deps.clock.now()
    for (const [k, r] of requests) {
      this.#deps.picker.released(r.index, r.begin)
      if (expectLate) late.expect(k, now, r.sentAt)
    }
    requests.clear()
  }
}

function ignoresCancels(download: PeerRecord['download']): boolean {
  return download.lateAnswers > CANCELS_IGNORED_AFTER
}
