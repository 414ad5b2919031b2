import { toHex } from '../util/bytes.ts'
import type { ProtocolError, SwarmstreamError } from '../util/errors.ts'
import { TypedEmitter } from '../util/typed-emitter.ts'
import { LOCAL_EXTENSIONS, PeerSession } from '../peer/peer-session.ts'
import { PeerStats } from '../peer/peer-stats.ts'
import type { PeerChannel } from '../transport/peer-channel.ts'
import type { WireMessage } from '../wire/index.ts'

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
}

export interface SwarmEvents {
  [event: string]: (...args: never[]) => void
  /** A peer finished the handshake and belongs to this torrent. */
  joined(peer: PeerSession): void
  'extended-handshake'(peer: PeerSession): void
  'pieces-changed'(peer: PeerSession): void
  message(peer: PeerSession, message: WireMessage): void
  drain(peer: PeerSession): void
  left(peer: PeerSession, reason: string, error: SwarmstreamError | null): void
}

/** The set of connected peers of one torrent: handshakes, duplicates, limits, bans. */
export class Swarm extends TypedEmitter<SwarmEvents> {
  readonly peers = new Set<PeerSession>()
  /** What misbehaving peers did; the downloader and uploader count into the same object. */
  readonly stats = new PeerStats()
  #banned = new Set<string>()
  #joined = new WeakSet<PeerSession>()
  #destroyed = false

  constructor(
    private readonly infoHash: Uint8Array,
    private readonly peerId: Uint8Array,
    private readonly metadataSize: () => number | undefined,
  ) {
    super()
  }

  /** Peers that completed the handshake. */
  get active(): PeerSession[] {
    return [...this.peers].filter((p) => this.#joined.has(p))
  }

  add(channel: PeerChannel): PeerSession | null {
    if (this.#destroyed || this.peers.size >= MAX_PEERS_PER_TORRENT) {
      channel.close(this.#destroyed ? 'torrent closed' : 'too many peers')
      return null
    }
    const peer = new PeerSession(channel, { infoHash: this.infoHash, peerId: this.peerId, metadataSize: this.metadataSize })
    this.peers.add(peer)
    peer.on('handshake', () => this.#onHandshake(peer))
    peer.on('extended-handshake', () => this.emit('extended-handshake', peer))
    peer.on('pieces-changed', () => this.emit('pieces-changed', peer))
    peer.on('message', (message) => {
      if (message.type === 'unknown' || (message.type === 'extended' && message.id !== LOCAL_EXTENSIONS.ut_metadata)) this.stats.unknownMessages++
      this.emit('message', peer, message)
    })
    peer.on('drain', () => this.emit('drain', peer))
    peer.on('close', (reason, error) => {
      this.peers.delete(peer)
      if (error) this.stats.recordDrop(error)
      if (this.#joined.has(peer)) this.emit('left', peer, reason, error)
    })
    return peer
  }

  /** Drops a peer; one that lied about data is banned from this torrent. */
  drop(peer: PeerSession, error: ProtocolError, ban = false): void {
    if (ban && peer.remotePeerId && !this.#banned.has(peer.remotePeerId)) {
      this.#banned.add(peer.remotePeerId)
      this.stats.banned++
    }
    peer.close(error.message, error)
  }

  get extensionId(): number {
    return LOCAL_EXTENSIONS.ut_metadata
  }

  destroy(): void {
    this.#destroyed = true
    for (const peer of [...this.peers]) peer.close('torrent closed')
    this.peers.clear()
    this.removeAllListeners()
  }

  #onHandshake(peer: PeerSession): void {
    const id = peer.remotePeerId
    if (id === toHex(this.peerId)) return peer.close('connected to ourselves')
    if (this.#banned.has(id)) return peer.close('banned peer')
    for (const other of this.peers) {
      if (other !== peer && other.remotePeerId === id) return peer.close('duplicate connection')
    }
    this.#joined.add(peer)
    this.emit('joined', peer)
  }
}

/** A snapshot of one peer for the API and the UI. */
export function peerInfo(p: PeerSession, now: number): PeerInfo {
  return {
    id: p.remotePeerId,
    label: p.channel.label,
    downloadSpeed: p.downloadRate.rate(now),
    uploadSpeed: p.uploadRate.rate(now),
    downloaded: p.downloaded,
    uploaded: p.uploaded,
    amChoking: p.amChoking,
    peerChoking: p.peerChoking,
  }
}
