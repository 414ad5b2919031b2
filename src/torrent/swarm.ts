import { toHex } from '../util/bytes.ts'
import type { Clock } from '../util/clock.ts'
import type { SwarmstreamError } from '../util/errors.ts'
import type { PeerStats } from '../peer/peer-stats.ts'
import type { PeerChannel } from '../transport/peer-channel.ts'
import type { WireMessage } from '../wire/index.ts'
import { PeerRecord } from './peer-record.ts'
import { PROTOCOL_ERROR_BACKOFF_MS, Refusals, SILENT_PEER_BACKOFF_MS } from './refusals.ts'

/** Most peers per torrent (WebTorrent's default is 55 for TCP; WebRTC peers cost more). */
export const MAX_PEERS_PER_TORRENT = 50

export interface PeerInfo {
  /** The peer's id, hex. */
  id: string
  label: string
  downloadSpeed: number
  uploadSpeed: number
  /** Block bytes received from / sent to this peer. */
  downloaded: number
  uploaded: number
  /** Whether each side chokes the other. */
  amChoking: boolean
  peerChoking: boolean
  /** Whether each side is interested in the other. */
  amInterested: boolean
  peerInterested: boolean
  /** Our requests to this peer in flight. */
  requests: number
  /** It says it plays one of the torrent's files now (`ss_play` in its extension handshake; Swarmstream peers only). */
  playing: boolean
}

export interface SwarmDeps {
  infoHash: Uint8Array
  /** BEP 52: the truncated v2 info hash of a torrent with a v2 half (handshakes may use it). */
  v2InfoHash?: Uint8Array
  peerId: Uint8Array
  clock: Clock
  /** Counters of what peers did (drops, bans); shared with the rest of the session. */
  stats: PeerStats
  /** Size of our info dictionary once known, for extension handshakes. */
  metadataSize: () => number | undefined
  /** Whether we read a file in playing order now, for extension handshakes (`ss_play`). */
  playing?: () => boolean
  /** Every wire message of an admitted peer (the dispatch table). */
  dispatch: (peer: PeerRecord, message: WireMessage) => void
  joined: (peer: PeerRecord) => void
  left: (peer: PeerRecord, reason: string, error: SwarmstreamError | null) => void
  extendedHandshake: (peer: PeerRecord) => void
  drain: (peer: PeerRecord) => void
}

/**
 * Owns the peer sessions of one torrent: adds them, admits them after the handshake (not ourselves,
 * not a duplicate, not a refused id), drops and bans them, and refuses them afterwards (bans for the
 * torrent's lifetime, protocol errors for PROTOCOL_ERROR_BACKOFF_MS). Other concerns read `peers`.
 */
export class Swarm {
  readonly #deps: SwarmDeps
  readonly #connecting = new Set<PeerRecord>()
  readonly #admitted = new Set<PeerRecord>()
  #peers: readonly PeerRecord[] = []
  readonly #refusals = new Refusals()
  #destroyed = false

  constructor(deps: SwarmDeps) {
    this.#deps = deps
  }

  /** Peers that completed the handshake and were admitted (a fresh array after each change). */
  get peers(): readonly PeerRecord[] {
    return this.#peers
  }

  add(channel: PeerChannel): PeerRecord | null {
    if (this.#destroyed || this.#connecting.size + this.#peers.length >= MAX_PEERS_PER_TORRENT) {
      channel.close(this.#destroyed ? 'torrent closed' : 'too many peers')
      return null
    }
    const { infoHash, v2InfoHash, peerId, clock, metadataSize, playing } = this.#deps
    const opts = { infoHash, ...(v2InfoHash ? { v2InfoHash } : {}), peerId, clock, metadataSize, ...(playing ? { playing } : {}) }
    const record = new PeerRecord(channel, opts, (peer) => ({
      handshake: () => this.#onHandshake(peer),
      extendedHandshake: () => {
        if (this.#admitted.has(peer)) this.#deps.extendedHandshake(peer)
      },
      message: (message) => {
        if (this.#admitted.has(peer)) this.#deps.dispatch(peer, message)
      },
      drain: () => {
        if (this.#admitted.has(peer)) this.#deps.drain(peer)
      },
      closed: (reason, error) => this.#onClosed(peer, reason, error),
    }))
    if (!record.session.closed) this.#connecting.add(record)
    return record
  }

  /** Bans a peer id for the torrent's lifetime (it lied about data) and closes its session, if connected. */
  ban(id: string, error: SwarmstreamError): void {
    if (!id) return
    if (this.#refusals.ban(id)) this.#deps.stats.recordBan(id)
    for (const peer of this.#peers) if (peer.id === id) peer.session.close(error.message, error)
  }

  /** Drops a peer for a protocol error; its id is refused for a while (see Refusals). */
  drop(peer: PeerRecord, error: SwarmstreamError): void {
    peer.session.close(error.message, error)
  }

  isBanned(id: string): boolean {
    return this.#refusals.isBanned(id)
  }

  /** Whether a connection from this peer id (hex) would be refused now: the tracker asks too. */
  isRefused(id: string): boolean {
    return this.#refusals.isRefused(id, this.#deps.clock.now())
  }

  destroy(): void {
    this.#destroyed = true
    for (const peer of [...this.#connecting, ...this.#peers]) peer.session.close('torrent closed')
  }

  #onHandshake(peer: PeerRecord): void {
    const id = peer.id
    if (id === toHex(this.#deps.peerId)) return peer.session.close('connected to ourselves')
    if (this.isRefused(id)) return peer.session.close(this.isBanned(id) ? 'banned peer' : 'peer refused for a while after a protocol error')
    if (this.#peers.some((other) => other.id === id)) return peer.session.close('duplicate connection')
    this.#connecting.delete(peer)
    this.#admitted.add(peer)
    this.#peers = [...this.#peers, peer]
    this.#deps.joined(peer)
  }

  #onClosed(peer: PeerRecord, reason: string, error: SwarmstreamError | null): void {
    this.#connecting.delete(peer)
    const admitted = this.#admitted.delete(peer)
    if (admitted) this.#peers = this.#peers.filter((p) => p !== peer)
    if (error) {
      this.#deps.stats.recordDrop(error)
      const backoff = error.code === 'PEER_SILENT' ? SILENT_PEER_BACKOFF_MS : PROTOCOL_ERROR_BACKOFF_MS
      if (peer.id) this.#refusals.refuse(peer.id, this.#deps.clock.now() + backoff)
    }
    if (admitted) this.#deps.left(peer, reason, error)
  }
}

/** A snapshot of one peer for the API and the UI. */
export function peerInfo(peer: PeerRecord, now: number): PeerInfo {
  const p = peer.session
  return {
    id: peer.id,
    label: p.channel.label,
    downloadSpeed: p.downloadRate.rate(now),
    uploadSpeed: p.uploadRate.rate(now),
    downloaded: p.downloaded,
    uploaded: p.uploaded,
    amChoking: p.amChoking,
    peerChoking: p.peerChoking,
    amInterested: p.amInterested,
    peerInterested: p.peerInterested,
    requests: peer.download.requests.size,
    playing: p.remotePlaying,
  }
}
