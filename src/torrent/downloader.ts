/*
 * Getting pieces. Owns the requests in flight per peer, the pieces being assembled, SHA-1 checks and
 * the writes to storage (a piece counts as had only once its write committed).
 * Flow: fill(peer) asks the picker for blocks up to the peer's pipeline → onPiece assembles → verify
 * → store.put → 'verified'. Around it: cancels and late copies, hot swap of overdue critical blocks,
 * preemption for new critical pieces, strikes and drops for bad data, silent-peer detection.
 */
import { bytesEqual } from '../util/bytes.ts'
import { ProtocolError, StorageError, type SwarmstreamError } from '../util/errors.ts'
import { sha1 } from '../util/sha1.ts'
import type { TokenBucket } from '../util/token-bucket.ts'
import { TypedEmitter } from '../util/typed-emitter.ts'
import type { PeerSession } from '../peer/peer-session.ts'
import { PeerStats } from '../peer/peer-stats.ts'
import { BlockLatency } from './block-latency.ts'
import { LateBlocks } from './late-blocks.ts'
import type { BlockRequest, PiecePicker } from '../picker/index.ts'
import type { ChunkStore } from '../storage/chunk-store.ts'

/** An unanswered request is given up after this long while the peer has us unchoked (WebTorrent: 30 s). */
export const REQUEST_TIMEOUT_MS = 30_000
/**
 * Blocks we never asked for are never stored, but they cost bandwidth; honest peers send none
 * (late ones are counted apart), so a few cover a buggy client and more mean a hostile one.
 */
export const MAX_UNREQUESTED_BLOCKS = 8
/** Pieces that failed their hash and were (partly) sent by a peer; at this count the peer is dropped. */
export const MAX_HASH_FAILURES = 3
/** Verified pieces waiting for IndexedDB may use this much memory before we stop requesting. */
export const MAX_PENDING_WRITE_BYTES = 64 * 1024 * 1024
/** Requests left queued at a peer when a reader's critical piece preempts the rest. */
export const PREEMPT_KEEP = 2
/** Fewest and most requests kept in flight per peer; between them the pipeline follows the peer's rate. */
export const MIN_PIPELINE = 16
export const MAX_PIPELINE = 256
/** Requests in flight should cover this much time at the peer's current rate. */
const PIPELINE_SECONDS = 0.5
/** A block a reader waits for is overdue after this many times the peer's usual latency (at least the floor). */
export const CRITICAL_OVERDUE_FACTOR = 4
export const CRITICAL_OVERDUE_FLOOR_MS = 1000
/** A peer that let a critical block go overdue gets no critical work for this long. */
export const SLOW_PEER_PENALTY_MS = 30_000
/** Peers at least this fraction as fast as the fastest get critical (duplicated) requests. */
const FAST_PEER_FRACTION = 0.5

interface InFlight extends BlockRequest {
  sentAt: number
}

/** A source of whole pieces that is not a peer (a web seed); told when its data failed verification. */
export interface PieceContributor {
  hashFailed(): void
}

type Contributor = PeerSession | PieceContributor

export interface DownloaderEvents {
  [event: string]: (...args: never[]) => void
  /** A piece passed its hash and is committed to storage. */
  verified(index: number, data: Uint8Array): void
  /** Raw block bytes received from a peer (counted even if they fail verification later). */
  received(bytes: number): void
  'hash-failed'(index: number): void
  /** The torrent cannot continue (storage failed). */
  fatal(error: SwarmstreamError): void
  /** Storage quota exceeded: the piece was dropped; the torrent should pause. */
  'storage-full'(error: SwarmstreamError): void
}

export interface DownloaderDeps {
  picker: PiecePicker
  /** Client-wide download limit: no new requests while it is in debt. */
  limiter: TokenBucket
  store: ChunkStore
  pieceHashes: Uint8Array[]
  dropPeer: (peer: PeerSession, error: ProtocolError) => void
  now?: () => number
  /** Counters shared with the swarm (default: the downloader's own). */
  stats?: PeerStats
  /** Default REQUEST_TIMEOUT_MS; tests shorten it. */
  requestTimeoutMs?: number
}

/** Requests blocks from peers, assembles pieces, verifies them with SHA-1 and stores them. */
export class Downloader extends TypedEmitter<DownloaderEvents> {
  #deps: DownloaderDeps
  #now: () => number
  #inFlight = new Map<PeerSession, Map<number, InFlight>>()
  #buffers = new Map<number, Uint8Array>()
  #contributors = new Map<number, Set<Contributor>>()
  #strikes = new WeakMap<PeerSession, number>()
  /** Requests we cancelled (or lost to a choke), by key, with the time until which their block is welcome. */
  #late = new LateBlocks<PeerSession>()
  #unrequested = new WeakMap<PeerSession, number>()
  /** When each peer last delivered a block we asked for. */
  #lastBlockAt = new WeakMap<PeerSession, number>()
  #requestTimeoutMs: number
  readonly stats: PeerStats
  #latency = new BlockLatency<PeerSession>()
  #slowUntil = new WeakMap<PeerSession, number>()
  #pendingWriteBytes = 0
  #stopped = false
  /** Paused: no new requests (blocks in flight are still accepted). */
  paused = false

  constructor(deps: DownloaderDeps) {
    super()
    this.#deps = deps
    this.#now = deps.now ?? (() => performance.now())
    this.stats = deps.stats ?? new PeerStats()
    this.#requestTimeoutMs = deps.requestTimeoutMs ?? REQUEST_TIMEOUT_MS
  }

  /** Number of pieces in memory (partial or waiting for storage). */
  get buffered(): number {
    return this.#buffers.size
  }

  addPeer(peer: PeerSession): void {
    if (peer.closed) return
    if (!this.#inFlight.has(peer)) this.#inFlight.set(peer, new Map())
    this.updateInterest(peer)
  }

  removePeer(peer: PeerSession): void {
    this.#releaseAll(peer)
    this.#inFlight.delete(peer)
    this.#late.forget(peer)
  }

  /** Sends interested / not-interested to match whether the peer has something we need. */
  updateInterest(peer: PeerSession): void {
    if (!peer.pieces) return
    const want = this.#deps.picker.interestedIn(peer.pieces)
    if (want && !peer.amInterested) peer.send({ type: 'interested' })
    else if (!want && peer.amInterested && this.#inFlight.get(peer)?.size === 0) peer.send({ type: 'not-interested' })
  }

  onChoke(peer: PeerSession): void {
    // Blocks already on their way when the peer choked us may still arrive.
    this.#releaseAll(peer, true)
  }

  /** Tops up the peer's request pipeline. */
  fill(peer: PeerSession): void {
    const requests = this.#inFlight.get(peer)
    if (this.#stopped || this.paused || !requests || peer.peerChoking || !peer.amInterested || !peer.pieces) return
    if (this.#pendingWriteBytes > MAX_PENDING_WRITE_BYTES) return
    if (this.#deps.limiter.delay(this.#now()) > 0) return
    const room = this.#pipelineLength(peer) - requests.size
    if (room <= 0) return
    const now = this.#now()
    const picked = this.#deps.picker.pick(peer.pieces, room, (index, begin) => requests.has(key(index, begin)), {
      critical: this.#isFast(peer, now),
    })
    for (const r of picked) {
      requests.set(key(r.index, r.begin), { ...r, sentAt: now })
      peer.send({ type: 'request', index: r.index, begin: r.begin, length: r.length })
    }
  }

  /** Claims a whole piece for a web seed; null when nothing unstarted is left. */
  claimPiece(): BlockRequest[] | null {
    if (this.#stopped || this.paused || this.#pendingWriteBytes > MAX_PENDING_WRITE_BYTES) return null
    return this.#deps.picker.claimPiece()
  }

  /** A claimed piece could not be fetched: its blocks go back to the picker. */
  releaseClaim(blocks: readonly BlockRequest[]): void {
    for (const b of blocks) this.#deps.picker.released(b.index, b.begin)
  }

  /** Data for a claimed piece; blocks that peers delivered meanwhile are kept as they are. */
  onWholePiece(source: PieceContributor, blocks: readonly BlockRequest[], data: Uint8Array): void {
    if (this.#stopped) return
    for (const b of blocks) {
      const arrival = this.#deps.picker.received(b.index, b.begin)
      this.#deps.picker.released(b.index, b.begin)
      if (arrival === 'new') this.#accept(source, b.index, b.begin, data.subarray(b.begin, b.begin + b.length))
    }
    this.emit('received', data.length)
  }

  onPiece(peer: PeerSession, index: number, begin: number, block: Uint8Array): void {
    const requests = this.#inFlight.get(peer)
    const k = key(index, begin)
    const request = requests?.get(k)
    if (!requests || !request || request.length !== block.length) return this.#onUnrequested(peer, k, index, begin, block)
    requests.delete(k)
    this.#lastBlockAt.set(peer, this.#now())
    const took = this.#now() - request.sentAt
    this.#latency.record(peer, took)
    this.#deps.limiter.reserve(block.length, this.#now())
    this.emit('received', block.length)
    if (this.#deps.picker.received(index, begin) !== 'new') return
    this.#cancelDuplicates(peer, index, begin, block.length)
    this.#accept(peer, index, begin, block)
  }

  /** Unrequested data is never stored; a late answer to a cancel is fine, anything else is counted against the peer. */
  #onUnrequested(peer: PeerSession, k: number, index: number, begin: number, block: Uint8Array): void {
    if (this.#late.take(peer, k, this.#now())) {
      this.stats.lateBlocks++
      // Still useful if nobody delivered it meanwhile (the piece's hash check guards it like any block).
      if (this.#deps.picker.acceptLate(index, begin, block.length)) {
        this.#cancelDuplicates(peer, index, begin, block.length)
        this.#accept(peer, index, begin, block)
      }
      return
    }
    this.stats.unrequestedBlocks++
    const count = (this.#unrequested.get(peer) ?? 0) + 1
    this.#unrequested.set(peer, count)
    if (count > MAX_UNREQUESTED_BLOCKS) {
      this.#deps.dropPeer(peer, new ProtocolError('UNREQUESTED_BLOCKS', `The peer sent ${count} blocks we never requested`))
    }
  }

  #cancel(peer: PeerSession, r: BlockRequest): void {
    peer.send({ type: 'cancel', index: r.index, begin: r.begin, length: r.length })
    this.#late.expect(peer, key(r.index, r.begin), this.#now())
  }

  #accept(source: Contributor, index: number, begin: number, block: Uint8Array): void {
    const picker = this.#deps.picker
    let buffer = this.#buffers.get(index)
    if (!buffer) this.#buffers.set(index, (buffer = new Uint8Array(picker.pieceSize(index))))
    buffer.set(block, begin)
    let contributors = this.#contributors.get(index)
    if (!contributors) this.#contributors.set(index, (contributors = new Set()))
    contributors.add(source)
    if (picker.isPieceComplete(index)) void this.#verify(index, buffer)
  }

  onReject(peer: PeerSession, index: number, begin: number): void {
    if (this.#inFlight.get(peer)?.delete(key(index, begin))) this.#deps.picker.released(index, begin)
  }

  /**
   * Gives up requests that waited too long. A block a reader waits for that is overdue from a slow
   * peer is taken back (hot swap) so faster peers get it, and that peer gets no critical work for a while.
   * A peer that delivered nothing at all while a request timed out is silent (unchoked us, then stalled):
   * it is dropped, as WebTorrent drops a wire on request timeout, so its requests go to other peers.
   */
  expire(): void {
    const now = this.#now()
    const critical = new Set(this.#deps.picker.priorities.critical)
    for (const [peer, requests] of this.#inFlight) {
      const overdue = Math.max(CRITICAL_OVERDUE_FLOOR_MS, CRITICAL_OVERDUE_FACTOR * this.#latency.average(peer))
      let silent = false
      for (const [k, r] of requests) {
        const age = now - r.sentAt
        const late = critical.has(r.index) && age > overdue && this.#someoneElseCanServe(peer, r.index, now)
        if (age < this.#requestTimeoutMs && !late) continue
        if (late) this.#slowUntil.set(peer, now + SLOW_PEER_PENALTY_MS)
        else {
          this.stats.requestTimeouts++
          if ((this.#lastBlockAt.get(peer) ?? -Infinity) < r.sentAt) silent = true
        }
        requests.delete(k)
        this.#deps.picker.released(r.index, r.begin)
        this.#cancel(peer, r)
      }
      if (silent) this.#dropSilent(peer)
      this.#late.prune(peer, now)
    }
  }

  #dropSilent(peer: PeerSession): void {
    this.stats.silentPeers++
    this.#releaseAll(peer)
    // Not a ban: an overloaded honest peer looks the same; it may connect again.
    peer.close('silent peer', new ProtocolError('PEER_SILENT', `The peer unchoked us but answered no request for ${this.#requestTimeoutMs} ms`))
  }

  /** Hot swap only helps if another unchoked, not-slow peer has the piece. */
  #someoneElseCanServe(slow: PeerSession, index: number, now: number): boolean {
    for (const other of this.#inFlight.keys()) {
      if (other !== slow && !other.peerChoking && other.pieces?.get(index) && (this.#slowUntil.get(other) ?? 0) <= now) return true
    }
    return false
  }

  /** Peers ranked by rate: the fast ones (and all of them before anything is measured) get critical work. */
  #isFast(peer: PeerSession, now: number): boolean {
    if ((this.#slowUntil.get(peer) ?? 0) > now) return false
    let best = 0
    for (const other of this.#inFlight.keys()) best = Math.max(best, other.downloadRate.rate(now))
    return best === 0 || peer.downloadRate.rate(now) >= FAST_PEER_FRACTION * best
  }

  /**
   * A reader now waits for `critical` pieces: requests for other pieces queued at each peer are
   * cancelled (all but the first few, which may already be on the wire), so the critical ones are
   * served next instead of waiting behind a deep pipeline.
   */
  preempt(critical: ReadonlySet<number>): void {
    for (const [peer, requests] of this.#inFlight) {
      let kept = 0
      for (const [k, r] of requests) {
        if (critical.has(r.index) || kept++ < PREEMPT_KEEP) continue
        requests.delete(k)
        this.#deps.picker.released(r.index, r.begin)
        this.#cancel(peer, r)
      }
    }
  }

  /** Cancels every request in flight (pausing). */
  cancelAll(): void {
    for (const [peer, requests] of this.#inFlight) {
      for (const r of requests.values()) this.#cancel(peer, r)
      this.#releaseAll(peer)
    }
  }

  /** Pieces with blocks in flight (for piece maps). */
  requestedPieces(): number[] {
    const pieces = new Set<number>()
    for (const requests of this.#inFlight.values()) for (const r of requests.values()) pieces.add(r.index)
    return [...pieces]
  }

  stop(): void {
    this.#stopped = true
    for (const peer of this.#inFlight.keys()) this.#releaseAll(peer)
    this.#buffers.clear()
  }

  #pipelineLength(peer: PeerSession): number {
    // Enough requests to cover the peer's round trip (twice, for jitter) at its current rate: bandwidth × delay.
    const rate = peer.downloadRate.rate(this.#now())
    const latencySeconds = this.#latency.base(peer) / 1000
    const wanted = MIN_PIPELINE + Math.ceil((rate * Math.max(PIPELINE_SECONDS, 2 * latencySeconds)) / 16384)
    return Math.min(wanted, MAX_PIPELINE, peer.remoteReqq ?? MAX_PIPELINE)
  }

  #cancelDuplicates(from: PeerSession, index: number, begin: number, length: number): void {
    const k = key(index, begin)
    for (const [peer, requests] of this.#inFlight) {
      if (peer === from || !requests.delete(k)) continue
      this.#deps.picker.released(index, begin)
      this.#cancel(peer, { index, begin, length })
    }
  }

  #releaseAll(peer: PeerSession, expectLate = false): void {
    const requests = this.#inFlight.get(peer)
    if (!requests) return
    for (const [k, r] of requests) {
      this.#deps.picker.released(r.index, r.begin)
      if (expectLate) this.#late.expect(peer, k, this.#now())
    }
    requests.clear()
  }

  async #verify(index: number, data: Uint8Array): Promise<void> {
    const expected = this.#deps.pieceHashes[index]!
    const hash = await sha1(data)
    if (this.#stopped) return
    const contributors = this.#contributors.get(index) ?? new Set()
    this.#contributors.delete(index)
    if (!bytesEqual(hash, expected)) {
      this.stats.hashFailures++
      this.#buffers.delete(index)
      this.#deps.picker.failed(index)
      this.emit('hash-failed', index)
      for (const peer of contributors) this.#strike(peer)
      return
    }
    this.#pendingWriteBytes += data.length
    try {
      await this.#deps.store.put(index, data)
    } catch (err) {
      this.#deps.picker.failed(index)
      const error = err instanceof StorageError ? err : new StorageError('STORE_FAILED', `Could not store piece ${index}: ${String(err)}`)
      // A full disk is recoverable: the piece is fetched again once space is freed and the torrent resumed.
      if (error.code === 'QUOTA_EXCEEDED') this.emit('storage-full', error)
      else {
        this.#stopped = true
        this.emit('fatal', error)
      }
      return
    } finally {
      this.#pendingWriteBytes -= data.length
      this.#buffers.delete(index)
    }
    if (this.#stopped) return
    this.#deps.picker.verified(index)
    this.emit('verified', index, data)
  }

  #strike(source: Contributor): void {
    if (!('channel' in source)) return source.hashFailed()
    const peer = source
    const strikes = (this.#strikes.get(peer) ?? 0) + 1
    this.#strikes.set(peer, strikes)
    if (strikes >= MAX_HASH_FAILURES) {
      this.#deps.dropPeer(peer, new ProtocolError('BAD_PIECE_DATA', `The peer sent data that failed verification ${strikes} time(s)`))
    }
  }
}

function key(index: number, begin: number): number {
  return index * 0x100000 + begin / 16384
}
