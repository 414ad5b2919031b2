import { ProtocolError } from '../util/errors.ts'
import type { TokenBucket } from '../util/token-bucket.ts'
import type { PeerSession } from '../peer/peer-session.ts'
import { PeerStats } from '../peer/peer-stats.ts'
import { MAX_REQUEST_LENGTH } from '../wire/index.ts'
import type { PieceReader } from './piece-reader.ts'
import { Choker, RECHOKE_INTERVAL_MS, UNCHOKE_SLOTS } from '../choker/choker.ts'

/** Requests queued from one peer beyond this are a flood; the peer is dropped (WebTorrent keeps ~250 in flight at most). */
export const MAX_QUEUED_REQUESTS_PER_PEER = 2000
/**
 * Requests that arrive while we choke a peer are ignored (BEP 3); an honest peer sends only those
 * already in flight when our choke reached it, so more than a full queue since our last choke is a flood.
 */
export const MAX_REQUESTS_WHILE_CHOKED = MAX_QUEUED_REQUESTS_PER_PEER

interface Queued {
  index: number
  begin: number
  length: number
}

export interface UploaderDeps {
  /** Client-wide upload limit. */
  limiter: TokenBucket
  reader: PieceReader
  hasPiece: (index: number) => boolean
  pieceSize: (index: number) => number
  numPieces: number
  dropPeer: (peer: PeerSession, error: ProtocolError) => void
  onUploaded: (bytes: number) => void
  /** Counters shared with the swarm (default: the uploader's own). */
  stats?: PeerStats
}

/** Serves verified pieces to interested peers, in request order, within the channel's flow control. */
export class Uploader {
  #queues = new Map<PeerSession, Queued[]>()
  #serving = new Set<PeerSession>()
  #choker = new Choker()
  #lastRechoke = 0
  #paused = false
  /** Requests each peer sent while choked, since we last choked it. */
  #whileChoked = new Map<PeerSession, number>()
  readonly stats: PeerStats

  /** Paused: every peer is choked and stays choked until resumed. */
  setPaused(paused: boolean): void {
    this.#paused = paused
    this.#lastRechoke = 0
    if (paused) for (const peer of this.#queues.keys()) if (!peer.amChoking) this.#choke(peer)
  }

  constructor(private readonly deps: UploaderDeps) {
    this.stats = deps.stats ?? new PeerStats()
  }

  addPeer(peer: PeerSession): void {
    if (peer.closed) return
    this.#queues.set(peer, [])
  }

  removePeer(peer: PeerSession): void {
    this.#queues.delete(peer)
    this.#serving.delete(peer)
    this.#whileChoked.delete(peer)
  }

  /** A newly interested peer is unchoked at once while a slot (regular or optimistic) is free; the choker decides later. */
  onInterested(peer: PeerSession): void {
    if (!peer.amChoking || this.#paused) return
    let unchoked = 0
    for (const p of this.#queues.keys()) if (!p.amChoking) unchoked++
    if (unchoked < UNCHOKE_SLOTS + 1) peer.send({ type: 'unchoke' })
  }

  onNotInterested(peer: PeerSession): void {
    if (peer.amChoking) return
    this.#choke(peer)
    for (const other of this.#queues.keys()) if (other.peerInterested && other.amChoking) return this.onInterested(other)
  }

  /** Tit-for-tat, every RECHOKE_INTERVAL_MS (called more often; it keeps its own pace). */
  rechoke(now: number, seeding: boolean): void {
    if (this.#paused || now - this.#lastRechoke < RECHOKE_INTERVAL_MS) return
    this.#lastRechoke = now
    const peers = [...this.#queues.keys()].filter((p) => !p.closed)
    const unchoked = this.#choker.rechoke(
      peers.map((p) => ({ id: p.remotePeerId, interested: p.peerInterested, downloadRate: p.downloadRate.rate(now), uploadRate: p.uploadRate.rate(now) })),
      now,
      seeding,
    )
    for (const peer of peers) {
      const want = unchoked.has(peer.remotePeerId)
      if (want && peer.amChoking) peer.send({ type: 'unchoke' })
      else if (!want && !peer.amChoking) this.#choke(peer)
    }
  }

  #choke(peer: PeerSession): void {
    peer.send({ type: 'choke' })
    this.#queues.set(peer, [])
    this.#whileChoked.delete(peer)
  }

  onRequest(peer: PeerSession, index: number, begin: number, length: number): void {
    const queue = this.#queues.get(peer)
    if (!queue) return
    if (peer.amChoking) return this.#onChokedRequest(peer)
    if (length <= 0 || length > MAX_REQUEST_LENGTH || index >= this.deps.numPieces || begin + length > this.deps.pieceSize(index)) {
      this.deps.dropPeer(peer, new ProtocolError('BAD_REQUEST', `Invalid request: piece ${index}, offset ${begin}, length ${length}`))
      return
    }
    // Like WebTorrent, a request for a piece we do not have is ignored.
    if (!this.deps.hasPiece(index)) {
      this.stats.ignoredRequests++
      return
    }
    if (queue.length >= MAX_QUEUED_REQUESTS_PER_PEER) {
      this.deps.dropPeer(peer, new ProtocolError('REQUEST_FLOOD', `More than ${MAX_QUEUED_REQUESTS_PER_PEER} requests queued`))
      return
    }
    queue.push({ index, begin, length })
    void this.#serve(peer)
  }

  #onChokedRequest(peer: PeerSession): void {
    this.stats.ignoredRequests++
    const count = (this.#whileChoked.get(peer) ?? 0) + 1
    this.#whileChoked.set(peer, count)
    if (count > MAX_REQUESTS_WHILE_CHOKED) {
      this.deps.dropPeer(peer, new ProtocolError('REQUEST_FLOOD', `More than ${MAX_REQUESTS_WHILE_CHOKED} requests while choked`))
    }
  }

  onCancel(peer: PeerSession, index: number, begin: number, length: number): void {
    const queue = this.#queues.get(peer)
    if (!queue) return
    const i = queue.findIndex((q) => q.index === index && q.begin === begin && q.length === length)
    if (i >= 0) queue.splice(i, 1)
  }

  /** The peer's channel drained: continue sending. */
  onDrain(peer: PeerSession): void {
    void this.#serve(peer)
  }

  async #serve(peer: PeerSession): Promise<void> {
    if (this.#serving.has(peer)) return
    this.#serving.add(peer)
    try {
      for (;;) {
        const queue = this.#queues.get(peer)
        if (!queue || queue.length === 0 || peer.closed || peer.amChoking || !peer.writable) return
        const next = queue[0]!
        const piece = await this.deps.reader.readPiece(next.index)
        if (queue[0] !== next) continue
        queue.shift()
        if (!piece || peer.closed) continue
        const block = piece.subarray(next.begin, next.begin + next.length)
        const wait = this.deps.limiter.reserve(block.length, performance.now())
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
        if (peer.closed) return
        peer.sendPiece(next.index, next.begin, block)
        this.deps.onUploaded(block.length)
      }
    } catch {
      // A failed read (e.g. the seeded file vanished) drops this peer's queue; the torrent reports the error.
      this.#queues.set(peer, [])
    } finally {
      this.#serving.delete(peer)
    }
  }
}
