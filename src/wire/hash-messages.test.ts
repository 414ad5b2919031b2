import { describe, expect, it } from 'vitest'
import { concatBytes, toHex } from '../util/bytes.ts'
import { ProtocolError } from '../util/errors.ts'
import { WireDecoder, decodeHandshake } from './decoder.ts'
import { encodeHandshake, encodeMessage } from './encode.ts'
import { MAX_HASHES_PER_MESSAGE, MessageId, type WireMessage } from './messages.ts'
import { cut, feed, filled } from './test-helpers.ts'

const root = filled(32, 7)
const range = { piecesRoot: root, baseLayer: 2, index: 512, length: 512, proofLayers: 11 }
const HASH_MESSAGES: WireMessage[] = [
  { type: 'hash-request', ...range },
  { type: 'hash-reject', ...range, baseLayer: 0, index: 0xfffffffe, length: 1, proofLayers: 0 },
  { type: 'hashes', ...range, hashes: [filled(32, 1), filled(32, 2), filled(32, 3)] },
  { type: 'hashes', ...range, length: 0, hashes: [] },
]

const v2Decoder = (): WireDecoder => new WireDecoder({ expectHandshake: false, hashMessages: true })

function frame(id: number, payloadLength: number): Uint8Array {
  const out = new Uint8Array(5 + payloadLength)
  new DataView(out.buffer).setUint32(0, 1 + payloadLength)
  out[4] = id
  return out
}

function codeOf(fn: () => unknown): string {
  try {
    fn()
  } catch (err) {
    expect(err).toBeInstanceOf(ProtocolError)
    return (err as ProtocolError).code
  }
  throw new Error('expected a ProtocolError')
}

describe('BEP 52 handshake bit', () => {
  it('is reserved byte 7, 0x10, beside the Fast bit, and reads back', () => {
    const bytes = encodeHandshake({ infoHash: filled(20, 1), peerId: filled(20, 2), v2: true })
    expect(toHex(bytes.subarray(20, 28))).toBe('0000000000100014')
    expect(decodeHandshake(bytes)).toMatchObject({ v2: true, fast: true, extended: true })
    const plain = encodeHandshake({ infoHash: filled(20, 1), peerId: filled(20, 2) })
    expect(decodeHandshake(plain).v2).toBe(false)
    expect(decodeHandshake(encodeHandshake({ infoHash: filled(20, 1), peerId: filled(20, 2), fast: false, v2: true })).fast).toBe(false)
  })
})

describe('hash request, hashes, hash reject (messages 21–23)', () => {
  it('writes the fields in BEP 52 order', () => {
    expect(toHex(encodeMessage(HASH_MESSAGES[0]!))).toBe(
      '00000031' + '15' + toHex(root) + '00000002' + '00000200' + '00000200' + '0000000b',
    )
    const hashes = encodeMessage(HASH_MESSAGES[2]!)
    expect(hashes.length).toBe(4 + 1 + 48 + 96)
    expect(hashes[4]).toBe(MessageId.HASHES)
    expect(hashes.subarray(53, 85)).toEqual(filled(32, 1))
  })

  it.each(HASH_MESSAGES.map((m, i) => [`${i} ${m.type}`, m] as const))('%s round-trips, split at every byte', (_, m) => {
    const bytes = encodeMessage(m)
    expect(v2Decoder().push(bytes)).toEqual([m])
    for (let at = 0; at <= bytes.length; at++) expect(feed(v2Decoder(), cut(bytes, [at])), `split at ${at}`).toEqual([m])
  })

  it('the hashes are views into the received chunk, not copies', () => {
    const chunk = encodeMessage(HASH_MESSAGES[2]!)
    const [event] = v2Decoder().push(chunk)
    expect(event?.type === 'hashes' && event.hashes[0]!.buffer).toBe(chunk.buffer)
  })

  it('without hashMessages (no v2 handshake) they are unknown messages, as before', () => {
    const bytes = concatBytes(HASH_MESSAGES.map(encodeMessage))
    const events = new WireDecoder({ expectHandshake: false }).push(bytes)
    expect(events.map((e) => (e.type === 'unknown' ? e.id : e.type))).toEqual([21, 23, 22, 22])
  })

  it.each<[string, number, number]>([
    ['hash request one byte short', MessageId.HASH_REQUEST, 47],
    ['hash request one byte long', MessageId.HASH_REQUEST, 49],
    ['hash reject with a hash', MessageId.HASH_REJECT, 48 + 32],
    ['hashes shorter than its header', MessageId.HASHES, 47],
    ['hashes with a partial hash', MessageId.HASHES, 48 + 31],
    ['hashes with too many hashes', MessageId.HASHES, 48 + 32 * (MAX_HASHES_PER_MESSAGE + 1)],
  ])('%s is BAD_MESSAGE_LENGTH', (_, id, payloadLength) => {
    expect(codeOf(() => v2Decoder().push(frame(id, payloadLength)))).toBe('BAD_MESSAGE_LENGTH')
  })

  it('the most hashes a message may carry still decode', () => {
    const [event] = v2Decoder().push(frame(MessageId.HASHES, 48 + 32 * MAX_HASHES_PER_MESSAGE))
    expect(event?.type === 'hashes' && event.hashes.length).toBe(MAX_HASHES_PER_MESSAGE)
  })

  it('refuses to encode a malformed message', () => {
    expect(() => encodeMessage({ type: 'hash-request', ...range, piecesRoot: new Uint8Array(31) })).toThrow(/32 bytes/)
    expect(() => encodeMessage({ type: 'hash-request', ...range, index: -1 })).toThrow(/hash index/)
    expect(() => encodeMessage({ type: 'hash-reject', ...range, proofLayers: 2 ** 32 })).toThrow(/proof layers/)
    expect(() => encodeMessage({ type: 'hashes', ...range, hashes: [new Uint8Array(33)] })).toThrow(/not 32/)
    expect(() => encodeMessage({ type: 'hashes', ...range, hashes: Array.from({ length: MAX_HASHES_PER_MESSAGE + 1 }, () => root) })).toThrow(/at most/)
  })
})
