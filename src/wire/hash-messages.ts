import { readUint32BE, writeUint32BE } from '../util/bytes.ts'
import { ProtocolError, SwarmstreamError } from '../util/errors.ts'
import { HASH_RANGE_LENGTH, MAX_HASHES_PER_MESSAGE, MessageId, type HashRangeFields, type WireMessage } from './messages.ts'

const HASH = 32
const U32 = 0xffffffff

function invalid(message: string): never {
  throw new SwarmstreamError('INVALID_ARGUMENT', message)
}

function checkUint(value: number, what: string): void {
  if (!Number.isInteger(value) || value < 0 || value > U32) invalid(`${what} must be an integer from 0 to ${U32}, got ${value}; fix the caller.`)
}

/** A whole BEP 52 frame: pieces root, base layer, index, length, proof layers, then the hashes of a `hashes` message. */
export function encodeHashMessage(id: number, m: HashRangeFields, hashes: readonly Uint8Array[] = []): Uint8Array {
  if (m.piecesRoot.length !== HASH) invalid(`A pieces root is 32 bytes, got ${m.piecesRoot.length}.`)
  checkUint(m.baseLayer, 'base layer')
  checkUint(m.index, 'hash index')
  checkUint(m.length, 'hash count')
  checkUint(m.proofLayers, 'proof layers')
  if (hashes.length > MAX_HASHES_PER_MESSAGE) invalid(`A hashes message carries at most ${MAX_HASHES_PER_MESSAGE} hashes, got ${hashes.length}.`)
  const out = new Uint8Array(5 + HASH_RANGE_LENGTH + hashes.length * HASH)
  writeUint32BE(out, 0, out.length - 4)
  out[4] = id
  out.set(m.piecesRoot, 5)
  writeUint32BE(out, 37, m.baseLayer)
  writeUint32BE(out, 41, m.index)
  writeUint32BE(out, 45, m.length)
  writeUint32BE(out, 49, m.proofLayers)
  hashes.forEach((hash, i) => {
    if (hash.length !== HASH) invalid(`Hash ${i} is ${hash.length} bytes, not 32.`)
    out.set(hash, 5 + HASH_RANGE_LENGTH + i * HASH)
  })
  return out
}

function badLength(what: string, payloadLength: number): never {
  throw new ProtocolError('BAD_MESSAGE_LENGTH', `A ${what} message has the wrong length (${payloadLength + 1} bytes); the peer is broken, drop it.`)
}

/**
 * Reads the payload (after the id) of message 21, 22 or 23. The framing is checked here; whether the
 * hashes prove anything is for merkle/verifyHashes. The pieces root and hashes are views into `payload`.
 */
export function decodeHashMessage(id: number, payload: Uint8Array): WireMessage {
  const hashBytes = payload.length - HASH_RANGE_LENGTH
  if (id === MessageId.HASHES) {
    if (hashBytes < 0 || hashBytes % HASH !== 0 || hashBytes / HASH > MAX_HASHES_PER_MESSAGE) badLength('hashes', payload.length)
  } else if (hashBytes !== 0) {
    badLength(id === MessageId.HASH_REQUEST ? 'hash request' : 'hash reject', payload.length)
  }
  const range: HashRangeFields = {
    piecesRoot: payload.subarray(0, HASH),
    baseLayer: readUint32BE(payload, 32),
    index: readUint32BE(payload, 36),
    length: readUint32BE(payload, 40),
    proofLayers: readUint32BE(payload, 44),
  }
  if (id === MessageId.HASH_REQUEST) return { type: 'hash-request', ...range }
  if (id === MessageId.HASH_REJECT) return { type: 'hash-reject', ...range }
  const hashes: Uint8Array[] = []
  for (let at = HASH_RANGE_LENGTH; at < payload.length; at += HASH) hashes.push(payload.subarray(at, at + HASH))
  return { type: 'hashes', ...range, hashes }
}
