import type { SwarmstreamError } from '../util/errors.ts'

/** A copy of the counters, safe to hand to the API and the UI. */
export interface PeerStatsSnapshot {
  /** Peers closed because they broke the protocol or misbehaved. */
  dropped: number
  /** Peers banned from this torrent (they lied about data). */
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
}

/** What broken or hostile peers did to one torrent; the torrent exposes `snapshot()` as its stats. */
export class PeerStats {
  dropped = 0
  banned = 0
  hashFailures = 0
  unrequestedBlocks = 0
  lateBlocks = 0
  requestTimeouts = 0
  silentPeers = 0
  ignoredRequests = 0
  unknownMessages = 0
  readonly protocolErrors = new Map<string, number>()

  /** A peer was closed because of `error`. */
  recordDrop(error: SwarmstreamError): void {
    this.dropped++
    this.protocolErrors.set(error.code, (this.protocolErrors.get(error.code) ?? 0) + 1)
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
    }
  }
}
