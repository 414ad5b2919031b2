import { writeUint32BE } from '../util/bytes.ts'
import { SwarmstreamError } from '../util/errors.ts'
import { encodeHashMessage } from './hash-messages.ts'
import { HANDSHAKE_LENGTH, MessageId, PROTOCOL_NAME, type WireMessage } from './messages.ts'

function invalid(message: string): never {
  throw new SwarmstreamError('INVALID_ARGUMENT', message)
}

function checkUint(value: number, max: number, what: string): void {
  if (!Number.isInteger(value) || value < 0 || value > max) {
    invalid(`${what} must be an integer from 0 to ${max}, got ${value}; fix the caller.`)
  }
}

const U32 = 0xffffffff

export interface HandshakeOptions {
  infoHash: Uint8Array
  peerId: Uint8Array
  /** BEP 10 bit; default true (WebTorrent always sets it). */
  extended?: boolean
  /** BEP 6 Fast bit; default true (WebTorrent always sets it). */
  fast?: boolean
  /** BEP 52 v2 bit; default false. Set it only for a v2 or hybrid torrent. */
  v2?: boolean
}

export function encodeHandshake({ infoHash, peerId, extended = true, fast = true, v2 = false }: HandshakeOptions): Uint8Array {
  if (infoHash.length !== 20) invalid(`The info hash must be 20 bytes, got ${infoHash.length}; pass the binary SHA-1, not hex.`)
  if (peerId.length !== 20) invalid(`The peer id must be 20 bytes, got ${peerId.length}.`)
  const out = new Uint8Array(HANDSHAKE_LENGTH)
  out[0] = PROTOCOL_NAME.length
  for (let i = 0; i < PROTOCOL_NAME.length; i++) out[1 + i] = PROTOCOL_NAME.charCodeAt(i)
  if (extended) out[20 + 5] = 0x10
  out[20 + 7] = (fast ? 0x04 : 0) | (v2 ? 0x10 : 0)
  out.set(infoHash, 28)
  out.set(peerId, 48)
  return out
}

/** The 13 bytes before a block, so the block itself can be sent without copying it. */
export function encodePieceHeader(index: number, begin: number, blockLength: number): Uint8Array {
  checkUint(index, U32, 'piece index')
  checkUint(begin, U32, 'block offset')
  checkUint(blockLength, U32 - 9, 'block length')
  const out = new Uint8Array(13)
  writeUint32BE(out, 0, 9 + blockLength)
  out[4] = MessageId.PIECE
  writeUint32BE(out, 5, index)
  writeUint32BE(out, 9, begin)
  return out
}

/** Allocates prefix + id + `payloadLength` bytes with the prefix and id filled in. */
function frame(id: number, payloadLength: number): Uint8Array {
  const out = new Uint8Array(5 + payloadLength)
  writeUint32BE(out, 0, 1 + payloadLength)
  out[4] = id
  return out
}

function indexMessage(id: number, index: number): Uint8Array {
  checkUint(index, U32, 'piece index')
  const out = frame(id, 4)
  writeUint32BE(out, 5, index)
  return out
}

function blockRefMessage(id: number, index: number, begin: number, length: number): Uint8Array {
  checkUint(index, U32, 'piece index')
  checkUint(begin, U32, 'block offset')
  checkUint(length, U32, 'block length')
  const out = frame(id, 12)
  writeUint32BE(out, 5, index)
  writeUint32BE(out, 9, begin)
  writeUint32BE(out, 13, length)
  return out
}

function payloadMessage(id: number, head: number[], payload: Uint8Array): Uint8Array {
  const out = frame(id, head.length + payload.length)
  out.set(head, 5)
  out.set(payload, 5 + head.length)
  return out
}

/** One buffer holding the whole frame: length prefix, id and payload. */
export function encodeMessage(m: WireMessage): Uint8Array {
  switch (m.type) {
    case 'keep-alive':
      return new Uint8Array(4)
    case 'choke':
      return frame(MessageId.CHOKE, 0)
    case 'unchoke':
      return frame(MessageId.UNCHOKE, 0)
    case 'interested':
      return frame(MessageId.INTERESTED, 0)
    case 'not-interested':
      return frame(MessageId.NOT_INTERESTED, 0)
    case 'have-all':
      return frame(MessageId.HAVE_ALL, 0)
    case 'have-none':
      return frame(MessageId.HAVE_NONE, 0)
    case 'have':
      return indexMessage(MessageId.HAVE, m.index)
    case 'suggest':
      return indexMessage(MessageId.SUGGEST, m.index)
    case 'allowed-fast':
      return indexMessage(MessageId.ALLOWED_FAST, m.index)
    case 'request':
      return blockRefMessage(MessageId.REQUEST, m.index, m.begin, m.length)
    case 'cancel':
      return blockRefMessage(MessageId.CANCEL, m.index, m.begin, m.length)
    case 'reject':
      return blockRefMessage(MessageId.REJECT, m.index, m.begin, m.length)
    case 'bitfield':
      return payloadMessage(MessageId.BITFIELD, [], m.bitfield)
    case 'piece': {
      const out = new Uint8Array(13 + m.block.length)
      out.set(encodePieceHeader(m.index, m.begin, m.block.length), 0)
      out.set(m.block, 13)
      return out
    }
    case 'port': {
      checkUint(m.port, 0xffff, 'port')
      return payloadMessage(MessageId.PORT, [m.port >>> 8, m.port & 0xff], new Uint8Array(0))
    }
    case 'extended':
      checkUint(m.id, 0xff, 'extended message id')
      return payloadMessage(MessageId.EXTENDED, [m.id], m.payload)
    case 'hash-request':
      return encodeHashMessage(MessageId.HASH_REQUEST, m)
    case 'hashes':
      return encodeHashMessage(MessageId.HASHES, m, m.hashes)
    case 'hash-reject':
      return encodeHashMessage(MessageId.HASH_REJECT, m)
    case 'unknown':
      checkUint(m.id, 0xff, 'message id')
      return payloadMessage(m.id, [], m.payload)
  }
}
