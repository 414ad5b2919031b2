import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ProtocolError } from '../util/errors.ts'
import { WireDecoder } from './decoder.ts'
import { encodeHandshake, encodeMessage } from './encode.ts'
import { decodeExtensionHandshake, encodeExtensionHandshake } from './extension-handshake.ts'
import type { WireEvent, WireMessage } from './messages.ts'
import { decodeUtMetadata, encodeUtMetadata } from './ut-metadata.ts'

/** Bytes the events carry: a decoder may never hand out more than it was given. */
function payloadBytes(events: readonly WireEvent[]): number {
  let n = 0
  for (const e of events) {
    if (e.type === 'bitfield') n += e.bitfield.length
    else if (e.type === 'piece') n += e.block.length
    else if (e.type === 'extended' || e.type === 'unknown') n += e.payload.length
    else if (e.type === 'hashes') n += e.hashes.length * 32
  }
  return n
}

/** Decodes `chunks` as one stream; any error must be a ProtocolError, output must stay within the input. */
function decodeAll(chunks: readonly Uint8Array[], expectHandshake: boolean, hashMessages = false): void {
  const decoder = new WireDecoder({ expectHandshake, hashMessages })
  const total = chunks.reduce((n, c) => n + c.length, 0)
  const events: WireEvent[] = []
  try {
    for (const chunk of chunks) {
      decoder.append(chunk)
      for (let e = decoder.next(); e !== null; e = decoder.next()) events.push(e)
      expect(decoder.bufferedBytes).toBeLessThanOrEqual(total)
    }
  } catch (err) {
    expect(err).toBeInstanceOf(ProtocolError)
  }
  expect(payloadBytes(events)).toBeLessThanOrEqual(total)
  expect(events.length).toBeLessThanOrEqual(total)
}

function split(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const offsets = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b)
  const out: Uint8Array[] = []
  let start = 0
  for (const end of [...offsets, bytes.length]) {
    out.push(bytes.slice(start, end))
    start = end
  }
  return out
}

const u32 = fc.nat({ max: 0xffffffff })
const bytes = (max: number) => fc.uint8Array({ maxLength: max })
const message: fc.Arbitrary<WireMessage> = fc.oneof(
  fc.constantFrom<WireMessage>({ type: 'keep-alive' }, { type: 'choke' }, { type: 'unchoke' }, { type: 'interested' }, { type: 'have-all' }),
  u32.map((index) => ({ type: 'have' as const, index })),
  bytes(40).map((bitfield) => ({ type: 'bitfield' as const, bitfield })),
  fc.tuple(u32, u32, u32).map(([index, begin, length]) => ({ type: 'request' as const, index, begin, length })),
  fc.tuple(u32, u32, bytes(64)).map(([index, begin, block]) => ({ type: 'piece' as const, index, begin, block })),
  fc.tuple(fc.integer({ min: 0, max: 255 }), bytes(64)).map(([id, payload]) => ({ type: 'extended' as const, id, payload })),
  fc
    .tuple(fc.constantFrom('hash-request' as const, 'hash-reject' as const), fc.uint8Array({ minLength: 32, maxLength: 32 }), u32, u32, u32, u32)
    .map(([type, piecesRoot, baseLayer, index, length, proofLayers]) => ({ type, piecesRoot, baseLayer, index, length, proofLayers })),
  fc
    .tuple(fc.uint8Array({ minLength: 32, maxLength: 32 }), u32, u32, fc.array(fc.uint8Array({ minLength: 32, maxLength: 32 }), { maxLength: 4 }))
    .map(([piecesRoot, index, length, hashes]) => ({ type: 'hashes' as const, piecesRoot, baseLayer: 0, index, length, proofLayers: 3, hashes })),
)
/** A valid stream (handshake + messages), then corrupted at a few positions. */
const mutatedStream = fc
  .tuple(fc.array(message, { maxLength: 12 }), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }))
  .map(([messages, flips]) => {
    const parts = [encodeHandshake({ infoHash: new Uint8Array(20), peerId: new Uint8Array(20), extended: true, fast: false }), ...messages.map(encodeMessage)]
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
    let o = 0
    for (const p of parts) out.set(p, (o += p.length) - p.length)
    for (const [at, value] of flips) out[at % out.length] = value
    return out
  })

describe('wire codec fuzzing', () => {
  it('random bytes, cut anywhere: only ProtocolError, output within the input', () => {
    fc.assert(
      fc.property(bytes(300), fc.array(fc.nat(), { maxLength: 6 }), fc.boolean(), fc.boolean(), (input, cuts, handshake, v2) =>
        decodeAll(split(input, cuts), handshake, v2),
      ),
      { numRuns: 15_000 },
    )
  })

  it('valid streams with corrupted bytes: only ProtocolError, output within the input', () => {
    fc.assert(
      fc.property(mutatedStream, fc.array(fc.nat(), { maxLength: 6 }), fc.boolean(), (input, cuts, v2) => decodeAll(split(input, cuts), true, v2)),
      { numRuns: 15_000 },
    )
  })

  it('every message, BEP 52 ones included, round-trips through a v2 decoder', () => {
    fc.assert(
      fc.property(fc.array(message, { maxLength: 8 }), (messages) => {
        const decoder = new WireDecoder({ expectHandshake: false, hashMessages: true })
        expect(decoder.push(Uint8Array.from(messages.flatMap((m) => [...encodeMessage(m)])))).toEqual(messages)
      }),
      { numRuns: 5_000 },
    )
  })

  it('extension handshakes and ut_metadata payloads, random or mutated: only ProtocolError', () => {
    const valid = fc.oneof(
      fc.record({ piece: fc.nat(), totalSize: fc.integer({ min: 1, max: 1e9 }), data: bytes(32) }).map((m) => encodeUtMetadata({ msgType: 'data', ...m })),
      fc.nat().map((piece) => encodeUtMetadata({ msgType: 'request', piece })),
      fc.integer({ min: 1, max: 2 ** 40 }).map((metadataSize) => encodeExtensionHandshake({ m: { ut_metadata: 1, ut_pex: 2 }, metadataSize, reqq: 250 })),
    )
    const input = fc.oneof(
      bytes(120),
      fc.tuple(valid, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 3 })).map(([b, flips]) => {
        const out = b.slice()
        for (const [at, v] of flips) if (out.length) out[at % out.length] = v
        return out
      }),
    )
    fc.assert(
      fc.property(input, (payload) => {
        for (const decode of [decodeUtMetadata, decodeExtensionHandshake]) {
          try {
            decode(payload)
          } catch (err) {
            expect(err).toBeInstanceOf(ProtocolError)
          }
        }
      }),
      { numRuns: 15_000 },
    )
  })

  it('a length prefix of up to 2^32-1 never makes the decoder wait for (or allocate) that much', () => {
    fc.assert(
      fc.property(u32, bytes(32), (length, rest) => {
        const prefix = new Uint8Array([length >>> 24, (length >>> 16) & 0xff, (length >>> 8) & 0xff, length & 0xff])
        decodeAll([prefix, rest], false)
      }),
      { numRuns: 5_000 },
    )
  })
})
