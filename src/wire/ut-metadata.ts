import { decodePrefix, encode, isDict, type DecodeResult } from '../bencode/index.ts'
import { ProtocolError, SwarmstreamError } from '../util/errors.ts'

/** BEP 9 metadata piece size. */
export const METADATA_PIECE_LENGTH = 16384

/**
 * Largest info dict we fetch: WebTorrent's own limit (ut_metadata: 0 < size <= 1e7), so no
 * WebTorrent peer serves more, and a hostile peer cannot make us allocate more than 10 MB.
 */
export const MAX_METADATA_SIZE = 10_000_000

export type UtMetadataMessage =
  | { msgType: 'request'; piece: number }
  | { msgType: 'data'; piece: number; totalSize: number; data: Uint8Array }
  | { msgType: 'reject'; piece: number }

const MSG_TYPE = { request: 0, data: 1, reject: 2 } as const

export function metadataPieceCount(size: number): number {
  return Math.ceil(size / METADATA_PIECE_LENGTH)
}

/** The payload of an extended message carrying ut_metadata. The dict stays integer-only (see WebTorrent's split at "ee"). */
export function encodeUtMetadata(msg: UtMetadataMessage): Uint8Array {
  if (!Number.isSafeInteger(msg.piece) || msg.piece < 0) {
    throw new SwarmstreamError('INVALID_ARGUMENT', `A metadata piece index must be a non-negative integer, got ${msg.piece}.`)
  }
  if (msg.msgType !== 'data') return encode({ msg_type: MSG_TYPE[msg.msgType], piece: msg.piece })
  const head = encode({ msg_type: MSG_TYPE.data, piece: msg.piece, total_size: msg.totalSize })
  const out = new Uint8Array(head.length + msg.data.length)
  out.set(head, 0)
  out.set(msg.data, head.length)
  return out
}

function bad(code: string, message: string, cause?: unknown): ProtocolError {
  return new ProtocolError(code, message, { cause })
}

/**
 * Parses a ut_metadata payload. An unknown msg_type throws ProtocolError `UNKNOWN_METADATA_MESSAGE`,
 * which BEP 9 says to ignore (do not drop the peer for it); any other error means a broken peer.
 */
export function decodeUtMetadata(payload: Uint8Array): UtMetadataMessage {
  let head: DecodeResult
  try {
    head = decodePrefix(payload, 0)
  } catch (err) {
    throw bad('BAD_METADATA_MESSAGE', 'A ut_metadata message does not start with a bencoded dict; drop the peer.', err)
  }
  const dict = head.value
  if (!isDict(dict)) throw bad('BAD_METADATA_MESSAGE', 'A ut_metadata message is not a dictionary; drop the peer.')
  const msgType = dict['msg_type']
  const piece = dict['piece']
  if (typeof msgType !== 'number') {
    throw bad('BAD_METADATA_MESSAGE', 'A ut_metadata message has no integer msg_type; drop the peer.')
  }
  if (msgType !== 0 && msgType !== 1 && msgType !== 2) {
    throw bad('UNKNOWN_METADATA_MESSAGE', `Unknown ut_metadata msg_type ${msgType}; ignore the message (BEP 9).`)
  }
  if (typeof piece !== 'number' || piece < 0) {
    throw bad('BAD_METADATA_MESSAGE', 'A ut_metadata message has no valid piece index; drop the peer.')
  }
  if (msgType === 0) return { msgType: 'request', piece }
  if (msgType === 2) return { msgType: 'reject', piece }
  const totalSize = dict['total_size']
  if (typeof totalSize !== 'number' || totalSize <= 0) {
    throw bad('BAD_METADATA_MESSAGE', 'A ut_metadata data message has no positive total_size; drop the peer.')
  }
  return { msgType: 'data', piece, totalSize, data: payload.subarray(head.end) }
}

/**
 * Collects metadata pieces into one buffer. It does not hash; the session checks the info hash.
 * Memory follows what the peer actually sent, not the size it claimed (a claim costs nothing to make).
 */
export class MetadataAssembler {
  readonly totalSize: number
  readonly pieceCount: number
  private readonly pieces: (Uint8Array | undefined)[] = []
  private receivedCount = 0

  constructor(totalSize: number) {
    if (!Number.isSafeInteger(totalSize) || totalSize <= 0 || totalSize > MAX_METADATA_SIZE) {
      throw new ProtocolError(
        'BAD_METADATA_SIZE',
        `Metadata size ${totalSize} is outside 1..${MAX_METADATA_SIZE}; ignore this peer's metadata.`,
      )
    }
    this.totalSize = totalSize
    this.pieceCount = metadataPieceCount(totalSize)
  }

  pieceLength(piece: number): number {
    return piece === this.pieceCount - 1 ? this.totalSize - piece * METADATA_PIECE_LENGTH : METADATA_PIECE_LENGTH
  }

  /** Stores a piece; returns false if it was already there. Wrong index or size throws ProtocolError. */
  add(piece: number, data: Uint8Array): boolean {
    if (!Number.isInteger(piece) || piece < 0 || piece >= this.pieceCount) {
      throw new ProtocolError(
        'BAD_METADATA_PIECE',
        `Metadata piece ${piece} does not exist (there are ${this.pieceCount}); drop the peer.`,
      )
    }
    const expected = this.pieceLength(piece)
    if (data.length !== expected) {
      throw new ProtocolError(
        'BAD_METADATA_PIECE',
        `Metadata piece ${piece} must be ${expected} bytes, got ${data.length}; drop the peer.`,
      )
    }
    if (this.pieces[piece]) return false
    // A copy: `data` is a view into the peer's message.
    this.pieces[piece] = data.slice()
    this.receivedCount++
    return true
  }

  missing(): number[] {
    const out: number[] = []
    for (let i = 0; i < this.pieceCount; i++) if (!this.pieces[i]) out.push(i)
    return out
  }

  get complete(): boolean {
    return this.receivedCount === this.pieceCount
  }

  /** The whole info dict; only once `complete`. */
  bytes(): Uint8Array {
    if (!this.complete) {
      throw new SwarmstreamError(
        'METADATA_INCOMPLETE',
        `Metadata has ${this.pieceCount - this.receivedCount} missing pieces; wait for \`complete\`.`,
      )
    }
    const out = new Uint8Array(this.totalSize)
    this.pieces.forEach((p, i) => out.set(p!, i * METADATA_PIECE_LENGTH))
    return out
  }
}
