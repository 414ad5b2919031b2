import { ProtocolError } from '../util/errors.ts'
import type { BlockRequest, PiecePicker } from '../picker/index.ts'
import type { PeerStats } from '../peer/peer-stats.ts'
import type { PeerRecord } from './peer-record.ts'

/** A block a reader waits for is overdue after this many times the peer's usual latency (at least the floor). */
export const CRITICAL_OVERDUE_FACTOR = 4
export const CRITICAL_OVERDUE_FLOOR_MS = 1000
/** A peer that let a critical block go overdue gets no critical work for this long. */
export const SLOW_PEER_PENALTY_MS = 30_000
/** Peers at least this fraction as fast as the fastest get critical (duplicated) requests. */
const FAST_PEER_FRACTION = 0.5

/** What expiry needs from the request scheduler. */
export interface ExpiryContext {
  picker: PiecePicker
  stats: PeerStats
  peers: () => readonly PeerRecord[]
  requestTimeoutMs: number
  /** Sends a cancel and expects a late copy. */
  cancel: (peer: PeerRecord, request: BlockRequest) => void
  /** Gives all of a peer's requests back to the picker. */
  release: (peer: PeerRecord) => void
}

/**
 * Gives up requests that waited too long. A block a reader waits for that is overdue from a slow
 * peer is taken back (hot swap) so faster peers get it, and that peer gets no critical work for a while.
 * A peer that delivered nothing at all while a request timed out is silent (unchoked us, then stalled):
 * it is dropped, as WebTorrent drops a wire on request timeout, so its requests go to other peers.
 */
export function expireRequests(ctx: ExpiryContext, now: number): void {
  const critical = new Set(ctx.picker.priorities.critical)
  for (const peer of ctx.peers()) {
    const { download } = peer
    const overdue = Math.max(CRITICAL_OVERDUE_FLOOR_MS, CRITICAL_OVERDUE_FACTOR * download.latency.average)
    let silent = false
    // Requests are kept in the order they were sent: when none is critical and the oldest is not due, none is.
    const oldest = critical.size === 0 ? download.requests.values().next().value : undefined
    if (oldest && now - oldest.sentAt < ctx.requestTimeoutMs) {
      download.late.prune(now)
      continue
    }
    for (const [k, r] of download.requests) {
      const age = now - r.sentAt
      const late = critical.has(r.index) && age > overdue && someoneElseCanServe(ctx, peer, r.index, now)
      if (age < ctx.requestTimeoutMs && !late) continue
      if (late) {
        download.slowUntil = now + SLOW_PEER_PENALTY_MS
        ctx.picker.releaseOwnership(peer)
      } else {
        ctx.stats.requestTimeouts++
        if (download.lastBlockAt < r.sentAt) silent = true
      }
      download.requests.delete(k)
      ctx.picker.released(r.index, r.begin)
      ctx.cancel(peer, r)
    }
    if (silent) dropSilent(ctx, peer)
    download.late.prune(now)
  }
}

function dropSilent(ctx: ExpiryContext, peer: PeerRecord): void {
  ctx.stats.silentPeers++
  ctx.release(peer)
  // A short back-off, not a ban: an overloaded honest peer looks the same (see SILENT_PEER_BACKOFF_MS).
  const error = new ProtocolError('PEER_SILENT', `The peer unchoked us but answered no request for ${ctx.requestTimeoutMs} ms`)
  peer.session.close('silent peer', error)
}

/** Hot swap only helps if another unchoked, not-slow peer has the piece. */
function someoneElseCanServe(ctx: ExpiryContext, slow: PeerRecord, index: number, now: number): boolean {
  return ctx.peers().some((other) => other !== slow && !other.session.peerChoking && other.session.pieces?.get(index) && other.download.slowUntil <= now)
}

/** Peers ranked by rate: the fast ones (and all of them before anything is measured) get critical work. */
export function isFast(peer: PeerRecord, peers: readonly PeerRecord[], now: number): boolean {
  if (peer.download.slowUntil > now) return false
  let best = 0
  for (const other of peers) best = Math.max(best, other.session.downloadRate.rate(now))
  return best === 0 || peer.session.downloadRate.rate(now) >= FAST_PEER_FRACTION * best
}
