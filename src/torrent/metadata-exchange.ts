import { bytesEqual } from '../util/bytes.ts'
import { ProtocolError } from '../util/errors.ts'
import { sha1 } from '../util/sha1.ts'
import type { PeerSession } from '../peer/peer-session.ts'
import {
  MAX_METADATA_SIZE,
  METADATA_PIECE_LENGTH,
  MetadataAssembler,
  decodeUtMetadata,
  encodeUtMetadata,
  type UtMetadataMessage,
} from '../wire/index.ts'

export const UT_METADATA = 'ut_metadata'

/**
 * BEP 9 both ways: serves our info dict to peers, and (for a magnet link) fetches it from peers,
 * each peer assembling its own copy; the first copy whose SHA-1 is the info hash wins.
 */
export class MetadataExchange {
  #raw: Uint8Array | null = null
  #fetching = new Map<PeerSession, MetadataAssembler>()
  #verifying = false

  constructor(
    private readonly infoHash: Uint8Array,
    private readonly onMetadata: (raw: Uint8Array) => void,
    private readonly onBadPeer: (peer: PeerSession, error: ProtocolError) => void,
  ) {}

  get metadata(): Uint8Array | null {
    return this.#raw
  }

  setMetadata(raw: Uint8Array): void {
    this.#raw = raw
    this.#fetching.clear()
  }

  /** After a peer's extension handshake: start fetching from it if we still need metadata. */
  onExtendedHandshake(peer: PeerSession): void {
    // A repeated extension handshake does not restart a fetch (nor allocate again).
    if (this.#raw || !peer.remoteExtensions[UT_METADATA] || this.#fetching.has(peer)) return
    const size = peer.remoteMetadataSize
    if (size === undefined) return
    if (size <= 0 || size > MAX_METADATA_SIZE) {
      this.onBadPeer(peer, new ProtocolError('BAD_METADATA_SIZE', `Peer offers metadata of ${size} bytes`))
      return
    }
    const assembler = new MetadataAssembler(size)
    this.#fetching.set(peer, assembler)
    for (let piece = 0; piece < assembler.pieceCount; piece++) {
      peer.sendExtended(UT_METADATA, encodeUtMetadata({ msgType: 'request', piece }))
    }
  }

  onPeerGone(peer: PeerSession): void {
    this.#fetching.delete(peer)
  }

  /** Throws ProtocolError for a broken message (the session drops the peer). */
  onMessage(peer: PeerSession, payload: Uint8Array): void {
    let message: UtMetadataMessage
    try {
      message = decodeUtMetadata(payload)
    } catch (err) {
      // BEP 9: a msg_type we do not know is ignored.
      if (err instanceof ProtocolError && err.code === 'UNKNOWN_METADATA_MESSAGE') return
      throw err
    }
    if (message.msgType === 'request') return this.#serve(peer, message.piece)
    const assembler = this.#fetching.get(peer)
    if (!assembler) return
    if (message.msgType === 'reject') {
      this.#fetching.delete(peer)
      return
    }
    this.#receive(peer, assembler, message)
  }

  #serve(peer: PeerSession, piece: number): void {
    const raw = this.#raw
    const start = piece * METADATA_PIECE_LENGTH
    // A peer that asks faster than it reads gets rejects, not an ever-growing send buffer.
    if (!raw || start >= raw.length || !peer.writable) {
      peer.sendExtended(UT_METADATA, encodeUtMetadata({ msgType: 'reject', piece }))
      return
    }
    const data = raw.subarray(start, Math.min(raw.length, start + METADATA_PIECE_LENGTH))
    peer.sendExtended(UT_METADATA, encodeUtMetadata({ msgType: 'data', piece, totalSize: raw.length, data }))
  }

  #receive(peer: PeerSession, assembler: MetadataAssembler, message: Extract<UtMetadataMessage, { msgType: 'data' }>): void {
    if (message.totalSize !== assembler.totalSize) {
      this.onBadPeer(peer, new ProtocolError('BAD_METADATA', 'Metadata total size changed between pieces'))
      return
    }
    assembler.add(message.piece, message.data)
    if (!assembler.complete) return
    this.#fetching.delete(peer)
    const bytes = assembler.bytes()
    void this.#verify(peer, bytes)
  }

  async #verify(peer: PeerSession, bytes: Uint8Array): Promise<void> {
    const hash = await sha1(bytes)
    if (this.#raw) return
    if (!bytesEqual(hash, this.infoHash)) {
      this.onBadPeer(peer, new ProtocolError('METADATA_HASH_MISMATCH', 'The peer sent metadata that does not match the info hash'))
      return
    }
    if (this.#verifying) return
    this.#verifying = true
    this.onMetadata(bytes)
  }
}
