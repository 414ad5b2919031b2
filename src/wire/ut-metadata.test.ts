import { describe, expect, it } from 'vitest'
import { decode } from '../bencode/index.ts'
import { concatBytes, utf8Decode, utf8Encode } from '../util/bytes.ts'
import { ProtocolError } from '../util/errors.ts'
import { filled } from './test-helpers.ts'
import {
  MAX_METADATA_SIZE,
  METADATA_PIECE_LENGTH,
  MetadataAssembler,
  decodeUtMetadata,
  encodeUtMetadata,
  metadataPieceCount,
  type UtMetadataMessage,
} from './ut-metadata.ts'

function codeOf(fn: () => unknown): string {
  try {
    fn()
  } catch (err) {
    expect(err).toBeInstanceOf(ProtocolError)
    return (err as ProtocolError).code
  }
  throw new Error('expected a ProtocolError')
}

/** How WebTorrent's ut_metadata splits a message: the dict ends at the first "ee". */
function webTorrentSplit(payload: Uint8Array): { dict: unknown; trailer: Uint8Array } {
  const text = utf8Decode(payload)
  const end = text.indexOf('ee') + 2
  return { dict: decode(utf8Encode(text.slice(0, end))), trailer: payload.subarray(end) }
}

describe('ut_metadata messages', () => {
  it('encodes the bytes BEP 9 shows', () => {
    expect(utf8Decode(encodeUtMetadata({ msgType: 'request', piece: 0 }))).toBe('d8:msg_typei0e5:piecei0ee')
    expect(utf8Decode(encodeUtMetadata({ msgType: 'reject', piece: 3 }))).toBe('d8:msg_typei2e5:piecei3ee')
    const data = encodeUtMetadata({ msgType: 'data', piece: 1, totalSize: 20000, data: utf8Encode('xyz') })
    expect(utf8Decode(data)).toBe('d8:msg_typei1e5:piecei1e10:total_sizei20000eexyz')
  })

  const cases: UtMetadataMessage[] = [
    { msgType: 'request', piece: 0 },
    { msgType: 'request', piece: 611 },
    { msgType: 'reject', piece: 5 },
    { msgType: 'data', piece: 2, totalSize: 40000, data: filled(40000 - 2 * METADATA_PIECE_LENGTH, 4) },
    { msgType: 'data', piece: 0, totalSize: 16384, data: filled(16384, 1) },
  ]
  it.each(cases.map((c) => [c.msgType, c] as const))('%s round-trips', (_, msg) => {
    expect(decodeUtMetadata(encodeUtMetadata(msg))).toEqual(msg)
  })

  it('a data message whose piece bytes contain "ee" and bencode splits correctly, also for WebTorrent', () => {
    const data = utf8Encode('d4:infoee4:eeeei1ee')
    const payload = encodeUtMetadata({ msgType: 'data', piece: 0, totalSize: data.length, data })
    expect(decodeUtMetadata(payload)).toEqual({ msgType: 'data', piece: 0, totalSize: data.length, data })
    const wt = webTorrentSplit(payload)
    expect(wt.dict).toEqual({ msg_type: 1, piece: 0, total_size: data.length })
    expect(wt.trailer).toEqual(data)
  })

  it('the data view points into the payload without copying', () => {
    const payload = encodeUtMetadata({ msgType: 'data', piece: 0, totalSize: 10, data: filled(10, 0) })
    const msg = decodeUtMetadata(payload)
    expect(msg.msgType === 'data' && msg.data.buffer).toBe(payload.buffer)
  })

  it.each([
    ['not bencode', 'xyz', 'BAD_METADATA_MESSAGE'],
    ['a list', 'li1ee', 'BAD_METADATA_MESSAGE'],
    ['no msg_type', 'd5:piecei0ee', 'BAD_METADATA_MESSAGE'],
    ['msg_type a string', 'd8:msg_type1:15:piecei0ee', 'BAD_METADATA_MESSAGE'],
    ['no piece', 'd8:msg_typei0ee', 'BAD_METADATA_MESSAGE'],
    ['negative piece', 'd8:msg_typei0e5:piecei-1ee', 'BAD_METADATA_MESSAGE'],
    ['data without total_size', 'd8:msg_typei1e5:piecei0eeabc', 'BAD_METADATA_MESSAGE'],
    ['unknown msg_type', 'd8:msg_typei7e5:piecei0ee', 'UNKNOWN_METADATA_MESSAGE'],
  ])('%s throws %s', (_, text, code) => {
    expect(codeOf(() => decodeUtMetadata(utf8Encode(text)))).toBe(code)
  })
})

describe('metadataPieceCount', () => {
  it('rounds up to 16 KiB pieces', () => {
    expect(metadataPieceCount(1)).toBe(1)
    expect(metadataPieceCount(16384)).toBe(1)
    expect(metadataPieceCount(16385)).toBe(2)
    expect(metadataPieceCount(MAX_METADATA_SIZE)).toBe(611)
  })
})

describe('MetadataAssembler', () => {
  const total = 2 * METADATA_PIECE_LENGTH + 100
  const info = filled(total, 6)
  const piece = (i: number) => info.slice(i * METADATA_PIECE_LENGTH, Math.min(total, (i + 1) * METADATA_PIECE_LENGTH))

  it('assembles pieces in any order and reports what is missing', () => {
    const a = new MetadataAssembler(total)
    expect(a.missing()).toEqual([0, 1, 2])
    expect(a.add(2, piece(2))).toBe(true)
    expect(a.add(0, piece(0))).toBe(true)
    expect(a.missing()).toEqual([1])
    expect(a.complete).toBe(false)
    expect(() => a.bytes()).toThrow(/missing/)
    expect(a.add(0, piece(0))).toBe(false)
    expect(a.add(1, piece(1))).toBe(true)
    expect(a.complete).toBe(true)
    expect(a.bytes()).toEqual(info)
  })

  it('refuses wrong-sized pieces: short middle, long middle, wrong last', () => {
    const a = new MetadataAssembler(total)
    expect(codeOf(() => a.add(0, piece(0).subarray(1)))).toBe('BAD_METADATA_PIECE')
    expect(codeOf(() => a.add(1, concatBytes([piece(1), Uint8Array.of(0)])))).toBe('BAD_METADATA_PIECE')
    expect(codeOf(() => a.add(2, piece(1)))).toBe('BAD_METADATA_PIECE')
    expect(codeOf(() => a.add(2, new Uint8Array(99)))).toBe('BAD_METADATA_PIECE')
    expect(a.missing()).toEqual([0, 1, 2])
  })

  it('refuses pieces out of range', () => {
    const a = new MetadataAssembler(total)
    expect(codeOf(() => a.add(3, new Uint8Array(100)))).toBe('BAD_METADATA_PIECE')
    expect(codeOf(() => a.add(-1, piece(0)))).toBe('BAD_METADATA_PIECE')
  })

  it('a single-piece torrent exactly 16 KiB long', () => {
    const a = new MetadataAssembler(METADATA_PIECE_LENGTH)
    expect(a.add(0, filled(METADATA_PIECE_LENGTH, 1))).toBe(true)
    expect(a.complete).toBe(true)
  })

  it('refuses sizes outside 1..MAX_METADATA_SIZE', () => {
    expect(codeOf(() => new MetadataAssembler(0))).toBe('BAD_METADATA_SIZE')
    expect(codeOf(() => new MetadataAssembler(MAX_METADATA_SIZE + 1))).toBe('BAD_METADATA_SIZE')
    expect(codeOf(() => new MetadataAssembler(1.5))).toBe('BAD_METADATA_SIZE')
    expect(new MetadataAssembler(MAX_METADATA_SIZE).pieceCount).toBe(611)
  })
})
