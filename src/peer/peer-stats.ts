import type { SwarmstreamError } from '../util/errors.ts'

/** What one peer (by peer id, hex) did to the torrent. */
export interface PeerCounters {
  /** Block bytes it sent us (every piece message, used or not). */
  receivedBytes: number
  /** Of those, bytes thrown away: failed pieces, blocks discarded when it was dropped, unrequested and surplus copies. */
  discardedBytes: number
  banned: boolean
  /** Failed pieces it contributed blocks to (an honest peer can have some: others lied in the same piece). */
  hashFailures: number
}

/** A copy of the counters, safe to hand to the API and the UI. */
export interface PeerStatsSnapshot {
  /** Peers closed because they broke the protocol or misbehaved. */
  dropped: number
  /** Peers banned from this torrent (they sent data that failed verification). */
  banned: number
  /** Pieces that failed their SHA-1 check. */
  hashFailures: number
  /** Blocks we never asked for (or whose request we cancelled long ago); never stored. */
  unrequestedBlocks: number
  /** Blocks for requests cancelled a moment earlier: the normal race of BEP 3, not an offence. */
  lateBlocks: number
  /** Requests given up after REQUEST_TIMEOUT_MS. */
  requestTimeouts: number
  /** Peers dropped for unchoking us and then answering nothing. */
  silentPeers: number
  /** Requests we ignored: sent while choked, or for pieces we do not have. */
  ignoredRequests: number
  /** Messages with an id we do not know (ignored until there are too many). */
  unknownMessages: number
  /** Why peers were dropped, by error code. */
  protocolErrors: Record<string, number>
  /** All block bytes thrown away (peers and web seeds). */
  discardedBytes: number
  /** Banned peer ids (hex), in the order they were banned; refused for the torrent's lifetime. */
  bannedPeers: string[]
  /** Per peer id (hex). */
  byPeer: Record<string, PeerCounters>
  /** BitTorrent v2 (BEP 52) hash traffic and verification. */
  v2: V2Counters
}

/** What BitTorrent v2 verification did (all zero for a v1 torrent). */
export interface V2Counters {
  /** Peers whose handshake agreed on v2. */
  peers: number
  /** `hash request`s peers sent us: answered with `hashes`, or refused with `hash reject`. */
  requestsAnswered: number
  requestsRejected: number
  /** `hash request`s we sent, and the `hashes` answers whose proof checked out. */
  requestsSent: number
  hashesAccepted: number
  /** Blocks verified one by one against their merkle leaf, and those that failed (each its sender's offence). */
  blocksVerified: number
  badBlocks: number
  /** Pieces verified whole because no peer gave their block hashes. */
  wholePieces: number
}

/** Peers remembered in `byPeer`; past this the oldest peer that is not banned is forgotten. */
export const MAX_PEERS_TRACKED = 1000

/** What peers did to one torrent; the torrent exposes `snapshot()` as its stats. */
export class PeerStats {
  dropped = 0
  hashFailures = 0
  unrequestedBlocks = 0
  lateBlocks = 0
  requestTimeouts = 0
  silentPeers = 0
  ignoredRequests = 0
  unknownMessages = 0
  discardedBytes = 0
  readonly protocolErrors = new Map<string, number>()
  readonly v2: V2Counters = { peers: 0, requestsAnswered: 0, requestsRejected: 0, requestsSent: 0, hashesAccepted: 0, blocksVerified: 0, badBlocks: 0, wholePieces: 0 }
  readonly #bannedPeers: string[] = []
  readonly #byPeer = new Map<string, PeerCounters>()

  get banned(): number {
    return this.#bannedPeers.length
  }

  /** A peer was closed because of `error`. */
  recordDrop(error: SwarmstreamError): void {
    this.dropped++
    this.protocolErrors.set(error.code, (this.protocolErrors.get(error.code) ?? 0) + 1)
  }

  recordBan(id: string): void {
    const peer = this.peer(id)
    if (peer.banned) return
    peer.banned = true
    this.#bannedPeers.push(id)
  }

  /** Block bytes arrived from a peer. */
  recordReceived(id: string, bytes: number): void {
    this.peer(id).receivedBytes += bytes
  }

  /** Block bytes were thrown away; `id` is the peer that sent them (null: not a peer, e.g. a web seed). */
  recordDiscarded(id: string | null, bytes: number): void {
    this.discardedBytes += bytes
    if (id !== null) this.peer(id).discardedBytes += bytes
  }

  /** A piece failed its hash; `ids` are the peers that contributed blocks to it. */
  recordHashFailure(ids: readonly string[]): void {
    this.hashFailures++
    for (const id of ids) this.peer(id).hashFailures++
  }

  /** The counters of one peer (created on first use). */
  peer(id: string): PeerCounters {
    let counters = this.#byPeer.get(id)
    if (!counters) {
      counters = { receivedBytes: 0, discardedBytes: 0, banned: false, hashFailures: 0 }
      this.#byPeer.set(id, counters)
      if (this.#byPeer.size > MAX_PEERS_TRACKED) this.#forgetOldest()
    }
    return counters
  }

  snapshot(): PeerStatsSnapshot {
    return {
      dropped: this.dropped,
      banned: this.banned,
      hashFailures: this.hashFailures,
      unrequestedBlocks: this.unrequestedBlocks,
      lateBlocks: this.lateBlocks,
      requestTimeouts: this.requestTimeouts,
      silentPeers: this.silentPeers,
      ignoredRequests: this.ignoredRequests,
      unknownMessages: this.unknownMessages,
      protocolErrors: Object.fromEntries(this.protocolErrors),
      discardedBytes: this.discardedBytes,
      bannedPeers: [...this.#bannedPeers],
      byPeer: Object.fromEntries([...this.#byPeer].map(([id, c]) => [id, { ...c }])),
      v2: { ...this.v2 },
    }
  }

  #forgetOldest(): void {
    for (const [id, counters] of this.#byPeer) {
      if (counters.banned) continue
      this.#byPeer.delete(id)
      return
    }
  }
}
