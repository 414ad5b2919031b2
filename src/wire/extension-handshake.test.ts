import { describe, expect, it } from 'vitest'
import { utf8Decode, utf8Encode } from '../util/bytes.ts'
import { ProtocolError } from '../util/errors.ts'
import { decodeExtensionHandshake, encodeExtensionHandshake } from './extension-handshake.ts'

const bytes = (text: string) => utf8Encode(text)

describe('extension handshake', () => {
  it('encodes the exact bencode WebTorrent sends (sorted keys, no v/reqq)', () => {
    const out = encodeExtensionHandshake({ m: { ut_metadata: 1, lt_donthave: 2 }, metadataSize: 31235 })
    expect(utf8Decode(out)).toBe('d1:md11:lt_donthavei2e11:ut_metadatai1ee13:metadata_sizei31235ee')
  })

  it('decodes what WebTorrent sends', () => {
    const h = decodeExtensionHandshake(bytes('d1:md11:lt_donthavei2e11:ut_metadatai1ee13:metadata_sizei31235ee'))
    expect(h).toEqual({ m: { lt_donthave: 2, ut_metadata: 1 }, metadataSize: 31235 })
  })

  it('round-trips every field, including disabled (0) extensions', () => {
    const h = { m: { ut_metadata: 3, ut_pex: 0 }, metadataSize: 1, v: 'Swarmstream 0.1 ✓', reqq: 250, superSeed: 2, playing: true }
    expect(decodeExtensionHandshake(encodeExtensionHandshake(h))).toEqual(h)
  })

  it('carries ss_sup as a top-level integer key, which other clients ignore', () => {
    expect(utf8Decode(encodeExtensionHandshake({ m: { ut_metadata: 1 }, superSeed: 1 }))).toBe('d1:md11:ut_metadatai1ee6:ss_supi1ee')
    expect(decodeExtensionHandshake(bytes('d1:md11:ut_metadatai1ee6:ss_sup1:xe'))).toEqual({ m: { ut_metadata: 1 } })
  })

  it('carries ss_play only while playing, and reads nothing but 1 as playing', () => {
    expect(utf8Decode(encodeExtensionHandshake({ m: {}, superSeed: 1, playing: true }))).toBe('d1:mde7:ss_playi1e6:ss_supi1ee')
    expect(utf8Decode(encodeExtensionHandshake({ m: {}, superSeed: 1, playing: false }))).toBe('d1:mde6:ss_supi1ee')
    expect(decodeExtensionHandshake(bytes('d7:ss_playi2ee'))).toEqual({ m: {} })
    expect(decodeExtensionHandshake(bytes('d7:ss_play1:1e'))).toEqual({ m: {} })
  })

  it('accepts a handshake without m and ignores unknown fields', () => {
    expect(decodeExtensionHandshake(bytes('d1:pi6881e6:yourip4:abcde'))).toEqual({ m: {} })
  })

  it('drops a malformed v or reqq instead of failing', () => {
    expect(decodeExtensionHandshake(bytes('d1:mde4:reqqi-5e1:vi1ee'))).toEqual({ m: {} })
  })

  it.each([
    ['not bencode', 'hello'],
    ['trailing bytes', 'd1:mdeeXX'],
    ['not a dict', 'li1ee'],
    ['m not a dict', 'd1:mi1ee'],
    ['m id negative', 'd1:md3:fooi-1eee'],
    ['m id over 255', 'd1:md3:fooi256eee'],
    ['m id a string', 'd1:md3:foo1:xee'],
    ['metadata_size zero', 'd13:metadata_sizei0ee'],
    ['metadata_size a string', 'd13:metadata_size3:abce'],
  ])('garbage (%s) throws ProtocolError', (_, text) => {
    let error: unknown
    try {
      decodeExtensionHandshake(bytes(text))
    } catch (err) {
      error = err
    }
    expect(error).toBeInstanceOf(ProtocolError)
    expect((error as ProtocolError).code).toBe('BAD_EXTENSION_HANDSHAKE')
  })

  it('refuses to encode invalid values', () => {
    expect(() => encodeExtensionHandshake({ m: { x: 300 } })).toThrow(/0\.\.255/)
    expect(() => encodeExtensionHandshake({ m: {}, metadataSize: 0 })).toThrow(/positive/)
  })
})
