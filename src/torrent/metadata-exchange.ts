import { bytesEqual } from '../util/bytes.ts'
import { ProtocolError } from '../util/errors.ts'
import type { Hasher } from '../util/sha1.ts'
import {
  MAX_METADATA_SIZE,
  METADATA_PIECE_LENGTH,
  MetadataAssembler,
  decodeUtMetadata,
  encodeUtMetadata,
  type UtMetadataMessage,
} from '../wire/index.ts'
import type { PeerRecord } from './peer-record.ts'

const UT_METADATA = 'ut_metadata'

export interface MetadataExchangeDeps {
  infoHash: Uint8Array
  hasher: Hasher
  /**
   * Whether fetched bytes are the info dictionary; default: their SHA-1 is the info hash. A torrent with a
   * v2 half checks its SHA-256 against the v2 info hash (and a hybrid one both).
   */
  verify?: (bytes: Uint8Array) => Promise<boolean>
  /** A verified info dictionary (the first copy that matches the info hash). */
  fetched: (raw: Uint8Array) => void
  /** The peer broke BEP 9; `lied` when what it sent does not match the info hash. */
  badPeer: (peer: PeerRecord, error: ProtocolError, lied: boolean) => void
}

/**
 * BEP 9 both ways: serves our info dict to peers, and (for a magnet link) fetches it from peers,
 * each peer assembling its own copy (in its record); the first copy whose SHA-1 is the info hash wins.
 */
export class MetadataExchange {
  readonly #deps: MetadataExchangeDeps
  #raw: Uint8Array | null = null
  #delivered = false

  constructor(deps: MetadataExchangeDeps) {
    this.#deps = deps
  }

  get metadata(): Uint8Array | null {
    return this.#raw
  }

  setMetadata(raw: Uint8Array): void {
    this.#raw = raw
  }

  /** After a peer's extension handshake: start fetching from it if we still need metadata. */
  onExtendedHandshake(peer: PeerRecord): void {
    const { session } = peer
    // A repeated extension handshake does not restart a fetch (nor allocate again).
    if (this.#raw || !session.remoteExtensions[UT_METADATA] || peer.metadata) return
    const size = session.remoteMetadataSize
    if (size === undefined) return
    if (size <= 0 || size > MAX_METADATA_SIZE) {
      this.#deps.badPeer(peer, new ProtocolError('BAD_METADATA_SIZE', `Peer offers metadata of ${size} bytes`), false)
      return
    }
    const assembler = new MetadataAssembler(size)
    peer.metadata = assembler
    for (let piece = 0; piece < assembler.pieceCount; piece++) {
      session.sendExtended(UT_METADATA, encodeUtMetadata({ msgType: 'request', piece }))
    }
  }

  /** Throws ProtocolError for a broken message (the session drops the peer). */
  onMessage(peer: PeerRecord, payload: Uint8Array): void {
    let message: UtMetadataMessage
    try {
      message = decodeUtMetadata(payload)
    } catch (err) {
      // BEP 9: a msg_type we do not know is ignored.
      if (err instanceof ProtocolError && err.code === 'UNKNOWN_METADATA_MESSAGE') return
      throw err
    }
    if (message.msgType === 'request') return this.#serve(peer, message.piece)
    const assembler = peer.metadata
    if (!assembler || this.#raw) return
    if (message.msgType === 'reject') {
      peer.metadata = null
      return
    }
    this.#receive(peer, assembler, message)
  }

  #serve(peer: PeerRecord, piece: number): void {
    const raw = this.#raw
    const start = piece * METADATA_PIECE_LENGTH
    // A peer that asks faster than it reads gets rejects, not an ever-growing send buffer.
    if (!raw || start >= raw.length || !peer.session.writable) {
      peer.session.sendExtended(UT_METADATA, encodeUtMetadata({ msgType: 'reject', piece }))
      return
    }
    const data = raw.subarray(start, Math.min(raw.length, start + METADATA_PIECE_LENGTH))
    peer.session.sendExtended(UT_METADATA, encodeUtMetadata({ msgType: 'data', piece, totalSize: raw.length, data }))
  }

  #receive(peer: PeerRecord, assembler: MetadataAssembler, message: Extract<UtMetadataMessage, { msgType: 'data' }>): void {
    if (message.totalSize !== assembler.totalSize) {
      this.#deps.badPeer(peer, new ProtocolError('BAD_METADATA', 'Metadata total size changed between pieces'), false)
      return
    }
    assembler.add(message.piece, message.data)
    if (!assembler.complete) return
    peer.metadata = null
    void this.#verify(peer, assembler.bytes())
  }

  async #verify(peer: PeerRecord, bytes: Uint8Array): Promise<void> {
    const { verify } = this.#deps
    const ok = verify ? await verify(bytes) : bytesEqual(await this.#deps.hasher(bytes), this.#deps.infoHash)
    if (this.#raw) return
    if (!ok) {
      this.#deps.badPeer(peer, new ProtocolError('METADATA_HASH_MISMATCH', 'The peer sent metadata that does not match the info hash'), true)
      return
    }
    if (this.#delivered) return
    this.#delivered = true
    this.#deps.fetched(bytes)
  }
}
