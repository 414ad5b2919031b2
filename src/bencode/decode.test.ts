import { describe, expect, it } from 'vitest'
import { utf8Encode } from '../util/bytes.ts'
import { BencodeError, decodePrefix, decodeWithSpans } from './index.ts'

const bytes = (text: string): Uint8Array => utf8Encode(text)

describe('decode: what is not canonical bencode', () => {
  it('canonical input has no soft errors', () => {
    expect(decodeWithSpans(bytes('d1:ai1e1:bli2eee')).softErrors).toEqual([])
  })

  it('reads keys out of order and reports them', () => {
    const r = decodeWithSpans(bytes('d1:bi2e1:ai1ee'))
    expect(r.value).toEqual({ a: 1, b: 2 })
    expect(r.softErrors).toEqual(['Keys out of order at byte 7'])
  })

  it('keeps the first of repeated keys, its span too, and reports the repeat', () => {
    const r = decodeWithSpans(bytes('d1:ai1e1:ai2ee'))
    expect(r.value).toEqual({ a: 1 })
    expect(r.spans.get('a')).toEqual([4, 7])
    expect(r.softErrors).toEqual(['Repeated key at byte 7'])
  })

  it('refuses integers with leading zeros and -0 unless lenient, then reports them', () => {
    for (const text of ['i07e', 'i-0e', 'l03:abce']) {
      expect(() => decodeWithSpans(bytes(text)), text).toThrow(BencodeError)
    }
    const r = decodeWithSpans(bytes('li07ei-0e03:abce'), { lenient: true })
    expect(r.value).toEqual([7, 0, bytes('abc')])
    expect(r.softErrors).toHaveLength(3)
  })

  it('reports at most 16 soft errors', () => {
    const text = 'd' + Array.from({ length: 40 }, (_, i) => `1:${String.fromCharCode(122 - i)}i0e`).join('') + 'e'
    expect(decodeWithSpans(bytes(text)).softErrors).toHaveLength(16)
  })

  it('decodePrefix leaves trailing bytes to the caller', () => {
    const r = decodePrefix(bytes('de\n'))
    expect(r.value).toEqual({})
    expect(r.end).toBe(2)
  })
})
