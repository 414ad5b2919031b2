import { describe, expect, it } from 'vitest'
import { concatBytes } from '../util/bytes.ts'
import { ProtocolError } from '../util/errors.ts'
import { WireDecoder } from './decoder.ts'
import { encodeHandshake, encodeMessage, encodePieceHeader } from './encode.ts'
import { MAX_MESSAGE_LENGTH, MessageId, type WireMessage } from './messages.ts'
import { cut, feed, filled, prng } from './test-helpers.ts'

function frame(id: number, payloadLength: number): Uint8Array {
  const out = new Uint8Array(5 + payloadLength)
  new DataView(out.buffer).setUint32(0, 1 + payloadLength)
  out[4] = id
  return out
}

function caught(fn: () => unknown): ProtocolError {
  try {
    fn()
  } catch (err) {
    expect(err).toBeInstanceOf(ProtocolError)
    return err as ProtocolError
  }
  throw new Error('expected a ProtocolError, nothing was thrown')
}

describe('WireDecoder errors', () => {
  it('a length prefix of 2^31 throws MESSAGE_TOO_LARGE as soon as the 4 prefix bytes are in', () => {
    const decoder = new WireDecoder({ expectHandshake: false })
    expect(decoder.push(Uint8Array.of(0x80, 0, 0))).toEqual([])
    expect(caught(() => decoder.push(Uint8Array.of(0))).code).toBe('MESSAGE_TOO_LARGE')
  })

  it('accepts a frame exactly at the limit and refuses one byte more', () => {
    const ok = new WireDecoder({ expectHandshake: false, maxMessageLength: 9 + 100 })
    expect(ok.push(encodePieceHeader(0, 0, 100))).toEqual([])
    const tooBig = new WireDecoder({ expectHandshake: false, maxMessageLength: 9 + 100 })
    expect(caught(() => tooBig.push(encodePieceHeader(0, 0, 101))).code).toBe('MESSAGE_TOO_LARGE')
  })

  it('the default limit fits a 128 KiB block and a 1 MiB bitfield', () => {
    const decoder = new WireDecoder({ expectHandshake: false })
    const events = decoder.push(
      concatBytes([
        encodeMessage({ type: 'piece', index: 0, begin: 0, block: new Uint8Array(128 * 1024) }),
        encodeMessage({ type: 'bitfield', bitfield: new Uint8Array(1 << 20) }),
      ]),
    )
    expect(events.map((e) => e.type)).toEqual(['piece', 'bitfield'])
    expect(MAX_MESSAGE_LENGTH).toBeGreaterThanOrEqual((1 << 20) + 1)
  })

  const fixed: [string, number, number][] = [
    ['choke', MessageId.CHOKE, 0],
    ['unchoke', MessageId.UNCHOKE, 0],
    ['interested', MessageId.INTERESTED, 0],
    ['not-interested', MessageId.NOT_INTERESTED, 0],
    ['have', MessageId.HAVE, 4],
    ['request', MessageId.REQUEST, 12],
    ['cancel', MessageId.CANCEL, 12],
    ['port', MessageId.PORT, 2],
    ['suggest', MessageId.SUGGEST, 4],
    ['have-all', MessageId.HAVE_ALL, 0],
    ['have-none', MessageId.HAVE_NONE, 0],
    ['reject', MessageId.REJECT, 12],
    ['allowed-fast', MessageId.ALLOWED_FAST, 4],
  ]
  it.each(fixed)('%s with a wrong length throws BAD_MESSAGE_LENGTH', (_, id, size) => {
    for (const wrong of [size - 1, size + 1]) {
      if (wrong < 0) continue
      const err = caught(() => new WireDecoder({ expectHandshake: false }).push(frame(id, wrong)))
      expect(err.code).toBe('BAD_MESSAGE_LENGTH')
    }
    expect(new WireDecoder({ expectHandshake: false }).push(frame(id, size))).toHaveLength(1)
  })

  it('a piece shorter than its 8-byte header and an extended message without id are refused', () => {
    expect(caught(() => new WireDecoder({ expectHandshake: false }).push(frame(MessageId.PIECE, 7))).code).toBe(
      'BAD_MESSAGE_LENGTH',
    )
    expect(caught(() => new WireDecoder({ expectHandshake: false }).push(frame(MessageId.EXTENDED, 0))).code).toBe(
      'BAD_MESSAGE_LENGTH',
    )
  })

  it('unknown ids become unknown events', () => {
    expect(new WireDecoder({ expectHandshake: false }).push(frame(200, 2))).toEqual([
      { type: 'unknown', id: 200, payload: new Uint8Array(2) },
    ])
  })

  it('a bad protocol name throws BAD_HANDSHAKE once 20 bytes are in', () => {
    const bytes = encodeHandshake({ infoHash: filled(20, 1), peerId: filled(20, 2) })
    bytes[5] = 0x78
    const decoder = new WireDecoder()
    expect(decoder.push(bytes.slice(0, 19))).toEqual([])
    expect(caught(() => decoder.push(bytes.slice(19, 20))).code).toBe('BAD_HANDSHAKE')
  })

  it('HTTP or a wrong pstr length is not a handshake', () => {
    const http = Uint8Array.from('GET / HTTP/1.1\r\nHost: example\r\n\r\n' + ' '.repeat(40), (c) => c.charCodeAt(0))
    expect(caught(() => new WireDecoder().push(http)).code).toBe('BAD_HANDSHAKE')
  })

  it('is dead after an error: later pushes throw the same error', () => {
    const decoder = new WireDecoder({ expectHandshake: false })
    const first = caught(() => decoder.push(frame(MessageId.HAVE, 3)))
    const again = caught(() => decoder.push(encodeMessage({ type: 'choke' })))
    expect(again).toBe(first)
  })

  it('reads messages after the handshake, not a second handshake', () => {
    const decoder = new WireDecoder()
    const events = decoder.push(
      concatBytes([encodeHandshake({ infoHash: filled(20, 1), peerId: filled(20, 2) }), encodeMessage({ type: 'choke' })]),
    )
    expect(events.map((e) => e.type)).toEqual(['handshake', 'choke'])
    expect(caught(() => decoder.push(encodeHandshake({ infoHash: filled(20, 1), peerId: filled(20, 2) }))).code).toBe(
      'MESSAGE_TOO_LARGE',
    )
  })
})

describe('WireDecoder random chunking (seeded)', () => {
  function randomMessage(rand: () => number): WireMessage {
    const n = () => Math.floor(rand() * 2 ** 32)
    const bytes = (max: number) => filled(Math.floor(rand() * max), n() & 0xff)
    switch (Math.floor(rand() * 12)) {
      case 0: return { type: 'keep-alive' }
      case 1: return { type: rand() < 0.5 ? 'choke' : 'unchoke' }
      case 2: return { type: rand() < 0.5 ? 'interested' : 'not-interested' }
      case 3: return { type: 'have', index: n() }
      case 4: return { type: 'bitfield', bitfield: bytes(300) }
      case 5: return { type: 'request', index: n(), begin: n(), length: n() }
      case 6: case 7: return { type: 'piece', index: n(), begin: n(), block: bytes(20000) }
      case 8: return { type: 'reject', index: n(), begin: n(), length: n() }
      case 9: return { type: 'extended', id: n() & 0xff, payload: bytes(2000) }
      case 10: return rand() < 0.5 ? { type: 'have-all' } : { type: 'allowed-fast', index: n() }
      default: return { type: 'unknown', id: 100 + (n() % 100), payload: bytes(50) }
    }
  }

  for (const seed of [1, 2, 3, 4, 5]) {
    it(`seed ${seed}: 200 messages in random chunks decode in order`, () => {
      const rand = prng(seed)
      const messages = Array.from({ length: 200 }, () => randomMessage(rand))
      const handshake = encodeHandshake({ infoHash: filled(20, seed), peerId: filled(20, seed + 1) })
      const stream = concatBytes([handshake, ...messages.map(encodeMessage)])
      const offsets: number[] = []
      for (let at = 0; at < stream.length; ) {
        // Mostly small cuts, sometimes large ones, sometimes single bytes.
        const r = rand()
        at += r < 0.2 ? 1 : r < 0.8 ? 1 + Math.floor(rand() * 64) : 1 + Math.floor(rand() * 40000)
        if (at < stream.length) offsets.push(at)
      }
      const decoder = new WireDecoder()
      const events = feed(decoder, cut(stream, offsets))
      expect(events[0]?.type).toBe('handshake')
      expect(events.slice(1)).toEqual(messages)
      expect(decoder.bufferedBytes).toBe(0)
    })
  }
})
