import { describe, expect, it } from 'vitest'
import { concatBytes, toHex } from '../util/bytes.ts'
import { WireDecoder, decodeHandshake } from './decoder.ts'
import { encodeHandshake, encodeMessage, encodePieceHeader } from './encode.ts'
import { BLOCK_LENGTH, type WireEvent, type WireMessage } from './messages.ts'
import { cut, feed, filled } from './test-helpers.ts'

const infoHash = filled(20, 1)
const peerId = filled(20, 2)

const ALL_MESSAGES: WireMessage[] = [
  { type: 'keep-alive' },
  { type: 'choke' },
  { type: 'unchoke' },
  { type: 'interested' },
  { type: 'not-interested' },
  { type: 'have', index: 0xfffffffe },
  { type: 'bitfield', bitfield: Uint8Array.of(0xff, 0x80, 0x01) },
  { type: 'request', index: 7, begin: 16384, length: 16384 },
  { type: 'piece', index: 3, begin: 32768, block: filled(100, 3) },
  { type: 'cancel', index: 7, begin: 0, length: 1 },
  { type: 'port', port: 51413 },
  { type: 'suggest', index: 12 },
  { type: 'have-all' },
  { type: 'have-none' },
  { type: 'reject', index: 1, begin: 2, length: 3 },
  { type: 'allowed-fast', index: 99 },
  { type: 'extended', id: 0, payload: Uint8Array.from('d1:md11:ut_metadatai1eee', (c) => c.charCodeAt(0)) },
  { type: 'extended', id: 3, payload: new Uint8Array(0) },
  { type: 'unknown', id: 42, payload: Uint8Array.of(1, 2, 3) },
  { type: 'piece', index: 0, begin: 0, block: new Uint8Array(0) },
]

function decoderAfterHandshake(): WireDecoder {
  return new WireDecoder({ expectHandshake: false })
}

describe('encodeHandshake / decodeHandshake', () => {
  it('writes pstr, WebTorrent reserved bits, info hash and peer id', () => {
    const bytes = encodeHandshake({ infoHash, peerId })
    expect(bytes.length).toBe(68)
    expect(bytes[0]).toBe(19)
    expect(String.fromCharCode(...bytes.subarray(1, 20))).toBe('BitTorrent protocol')
    expect(toHex(bytes.subarray(20, 28))).toBe('0000000000100004')
    expect(bytes.subarray(28, 48)).toEqual(infoHash)
    expect(bytes.subarray(48, 68)).toEqual(peerId)
  })

  it('leaves the bits clear when asked', () => {
    const bytes = encodeHandshake({ infoHash, peerId, extended: false, fast: false })
    expect(toHex(bytes.subarray(20, 28))).toBe('0000000000000000')
    const h = decodeHandshake(bytes)
    expect(h.extended).toBe(false)
    expect(h.fast).toBe(false)
  })

  it('round-trips through the decoder', () => {
    const [event] = new WireDecoder().push(encodeHandshake({ infoHash, peerId, fast: false }))
    expect(event).toEqual({
      type: 'handshake',
      handshake: { infoHash, peerId, reserved: Uint8Array.of(0, 0, 0, 0, 0, 0x10, 0, 0), extended: true, fast: false, v2: false },
    })
  })

  it('refuses ids that are not 20 bytes', () => {
    expect(() => encodeHandshake({ infoHash: new Uint8Array(40), peerId })).toThrow(/20 bytes/)
    expect(() => encodeHandshake({ infoHash, peerId: new Uint8Array(19) })).toThrow(/20 bytes/)
  })
})

describe('encodeMessage', () => {
  it('writes known frames byte for byte', () => {
    expect(toHex(encodeMessage({ type: 'keep-alive' }))).toBe('00000000')
    expect(toHex(encodeMessage({ type: 'interested' }))).toBe('0000000102')
    expect(toHex(encodeMessage({ type: 'have', index: 258 }))).toBe('000000050400000102')
    expect(toHex(encodeMessage({ type: 'request', index: 1, begin: 16384, length: 16384 }))).toBe(
      '0000000d06000000010000400000004000',
    )
    expect(toHex(encodeMessage({ type: 'port', port: 6881 }))).toBe('00000003091ae1')
    expect(toHex(encodeMessage({ type: 'have-all' }))).toBe('000000010e')
    expect(toHex(encodeMessage({ type: 'extended', id: 2, payload: Uint8Array.of(9) }))).toBe('00000003140209')
  })

  it('piece header + block equals the whole piece message', () => {
    const block = filled(BLOCK_LENGTH, 5)
    const header = encodePieceHeader(4, 16384, block.length)
    expect(header.length).toBe(13)
    expect(concatBytes([header, block])).toEqual(encodeMessage({ type: 'piece', index: 4, begin: 16384, block }))
  })

  it('refuses out-of-range numbers', () => {
    expect(() => encodeMessage({ type: 'have', index: -1 })).toThrow(/INVALID|integer/)
    expect(() => encodeMessage({ type: 'have', index: 2 ** 32 })).toThrow(/integer/)
    expect(() => encodeMessage({ type: 'port', port: 65536 })).toThrow(/port/)
    expect(() => encodeMessage({ type: 'extended', id: 256, payload: new Uint8Array(0) })).toThrow(/id/)
    expect(() => encodeMessage({ type: 'request', index: 0, begin: 1.5, length: 1 })).toThrow(/offset/)
  })
})

describe('WireDecoder round trip', () => {
  it.each(ALL_MESSAGES.map((m, i) => [`${i} ${m.type}`, m] as const))('%s in one chunk', (_, m) => {
    expect(decoderAfterHandshake().push(encodeMessage(m))).toEqual([m])
  })

  it('every frame split at every byte boundary decodes the same', () => {
    for (const m of ALL_MESSAGES) {
      const frame = encodeMessage(m)
      for (let at = 0; at <= frame.length; at++) {
        expect(feed(decoderAfterHandshake(), cut(frame, [at])), `${m.type} split at ${at}`).toEqual([m])
      }
    }
  })

  it('every frame fed byte by byte decodes the same', () => {
    for (const m of ALL_MESSAGES) {
      const frame = encodeMessage(m)
      const offsets = Array.from({ length: frame.length - 1 }, (_, i) => i + 1)
      const decoder = decoderAfterHandshake()
      const events = feed(decoder, cut(frame, offsets))
      expect(events, m.type).toEqual([m])
      expect(decoder.bufferedBytes).toBe(0)
    }
  })

  it('the handshake split at every byte boundary', () => {
    const bytes = concatBytes([encodeHandshake({ infoHash, peerId }), encodeMessage({ type: 'have-none' })])
    for (let at = 0; at <= bytes.length; at++) {
      const events = feed(new WireDecoder(), cut(bytes, [at]))
      expect(events.map((e) => e.type)).toEqual(['handshake', 'have-none'])
    }
  })

  it('several frames in one chunk, in order', () => {
    const chunk = concatBytes(ALL_MESSAGES.map(encodeMessage))
    expect(decoderAfterHandshake().push(chunk)).toEqual(ALL_MESSAGES)
  })

  it('handshake followed by messages in one chunk', () => {
    const chunk = concatBytes([encodeHandshake({ infoHash, peerId }), ...ALL_MESSAGES.map(encodeMessage)])
    const events = new WireDecoder().push(chunk)
    expect(events[0]?.type).toBe('handshake')
    expect(events.slice(1)).toEqual(ALL_MESSAGES)
  })

  it('returns nothing until a frame is complete, and keeps the remainder', () => {
    const decoder = decoderAfterHandshake()
    const frame = encodeMessage({ type: 'have', index: 5 })
    expect(decoder.push(frame.slice(0, 8))).toEqual([])
    expect(decoder.bufferedBytes).toBe(8)
    const next = encodeMessage({ type: 'choke' })
    expect(decoder.push(concatBytes([frame.slice(8), next.slice(0, 2)]))).toEqual([{ type: 'have', index: 5 }])
    expect(decoder.push(next.slice(2))).toEqual([{ type: 'choke' }])
  })
})

describe('WebTorrent-style delivery', () => {
  it('13-byte piece header then a 16 KiB block: the block is a view of its chunk, not a copy', () => {
    const decoder = new WireDecoder()
    const chunks = [
      encodeHandshake({ infoHash, peerId }),
      encodeMessage({ type: 'unchoke' }),
      encodePieceHeader(9, 0, BLOCK_LENGTH),
      filled(BLOCK_LENGTH, 7),
      encodePieceHeader(9, BLOCK_LENGTH, BLOCK_LENGTH),
      filled(BLOCK_LENGTH, 8),
    ]
    const events: WireEvent[] = []
    for (const c of chunks) events.push(...decoder.push(c))
    expect(events.map((e) => e.type)).toEqual(['handshake', 'unchoke', 'piece', 'piece'])
    const first = events[2] as Extract<WireEvent, { type: 'piece' }>
    expect(first).toMatchObject({ index: 9, begin: 0 })
    expect(first.block).toEqual(filled(BLOCK_LENGTH, 7))
    expect(first.block.buffer).toBe(chunks[3]!.buffer)
    const second = events[3] as Extract<WireEvent, { type: 'piece' }>
    expect(second).toMatchObject({ index: 9, begin: BLOCK_LENGTH })
    expect(second.block.buffer).toBe(chunks[5]!.buffer)
  })

  it('a block split over two chunks is assembled into one buffer', () => {
    const block = filled(BLOCK_LENGTH, 9)
    const events = feed(decoderAfterHandshake(), [
      encodePieceHeader(1, 0, BLOCK_LENGTH),
      block.slice(0, 5000),
      block.slice(5000),
    ])
    expect(events).toEqual([{ type: 'piece', index: 1, begin: 0, block }])
  })
})
