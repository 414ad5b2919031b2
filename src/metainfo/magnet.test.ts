import { describe, expect, it } from 'vitest'
import { toBase32, toHex } from '../util/bytes.ts'
import { InvalidMagnetError } from './errors.ts'
import { formatMagnet, parseInfoHash, parseMagnet } from './magnet.ts'
import { formatSelectOnly, parseSelectOnly } from './select-only.ts'

const HEX = 'd2474e86c95b19b8bcfdb92bc12c9d44667cfa36'
const HASH = Uint8Array.from(HEX.match(/../g)!.map((h) => parseInt(h, 16)))
const B32 = toBase32(HASH)

function magnetError(uri: string): string {
  try {
    parseMagnet(uri)
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidMagnetError)
    expect((err as InvalidMagnetError).code).toBe('INVALID_MAGNET')
    return (err as Error).message
  }
  throw new Error(`expected ${uri} to be rejected`)
}

describe('parseInfoHash', () => {
  it.each([
    [HEX, HEX],
    [HEX.toUpperCase(), HEX],
    [B32, HEX],
    [B32.toLowerCase(), HEX],
    [`  ${HEX}\n`, HEX],
  ])('parses %s', (text, hex) => {
    expect(toHex(parseInfoHash(text)!)).toBe(hex)
  })

  it.each(['', 'abc', HEX.slice(1), `${HEX}0`, 'g'.repeat(40), '1'.repeat(32), '0'.repeat(31)])('rejects %j', (text) => {
    expect(parseInfoHash(text)).toBeNull()
  })
})

describe('parseMagnet', () => {
  it('parses a hex link with everything', () => {
    const link = parseMagnet(
      `magnet:?xt=urn:btih:${HEX.toUpperCase()}&dn=Leaves+of+Grass%20%2B%20more&tr=udp%3A%2F%2Ftracker.example%3A80` +
        '&tr=wss%3A%2F%2Ft.example&tr=wss%3A%2F%2Ft.example&ws=https%3A%2F%2Fseed.example%2Fa%2B&so=0,2,4-6&xl=1234' +
        '&xs=https%3A%2F%2Fx.example%2Ff.torrent&kt=ignored&x.pe=1.2.3.4:5',
    )
    expect(link).toEqual({
      infoHash: HASH,
      infoHashHex: HEX,
      version: 'v1',
      name: 'Leaves of Grass + more',
      trackers: ['udp://tracker.example:80', 'wss://t.example'],
      webSeeds: ['https://seed.example/a+'],
      selectOnly: [0, 2, 4, 5, 6],
      exactLength: 1234,
      exactSource: 'https://x.example/f.torrent',
      peerAddresses: ['1.2.3.4:5'],
    })
  })

  it('parses base32, a case-insensitive scheme, numbered keys and as=', () => {
    const link = parseMagnet(`MAGNET:?xt.1=urn:BTIH:${B32}&tr.1=wss%3A%2F%2Fa&tr.2=wss%3A%2F%2Fb&as=https%3A%2F%2Fc`)
    expect(link.infoHashHex).toBe(HEX)
    expect(link.trackers).toEqual(['wss://a', 'wss://b'])
    expect(link.webSeeds).toEqual(['https://c'])
    expect(link.name).toBeUndefined()
    expect(link.selectOnly).toBeUndefined()
  })

  it('keeps unencoded = inside values and merges repeated so=', () => {
    const link = parseMagnet(`magnet:?xt=urn:btih:${HEX}&tr=https://t/announce?k=v&so=3,1&so=2-3`)
    expect(link.trackers).toEqual(['https://t/announce?k=v'])
    expect(link.selectOnly).toEqual([1, 2, 3])
  })

  it('accepts a hybrid link (btih + btmh) and the same hash twice', () => {
    const btmh = 'urn:btmh:1220' + 'ab'.repeat(32)
    const link = parseMagnet(`magnet:?xt=${btmh}&xt=urn:btih:${HEX}&xt=urn:btih:${B32}`)
    expect(link).toMatchObject({ infoHashHex: HEX, version: 'hybrid', infoHashV2Hex: 'ab'.repeat(32) })
  })

  it('accepts a v2-only link: the swarm id is the v2 hash truncated to 20 bytes', () => {
    const v2 = '80e00d84343afd2b6392e966c1267807461946ba9db1d5af4bb50779dcf1ab4e'
    const link = parseMagnet(`magnet:?xt=urn:btmh:1220${v2.toUpperCase()}&dn=v2`)
    expect(link).toMatchObject({ version: 'v2', infoHashV2Hex: v2, infoHashHex: v2.slice(0, 40), name: 'v2' })
    expect(link.infoHash).toEqual(link.infoHashV2!.subarray(0, 20))
  })

  it("skips malformed so= items and index past the file limit, as libtorrent does", () => {
    const so = (value: string): number[] | undefined => parseMagnet(`magnet:?xt=urn:btih:${HEX}&${value}`).selectOnly
    expect(so('so=1,a')).toEqual([1])
    expect(so('so=5-2,7')).toEqual([7])
    expect(so('so=0-100000&so=3')).toEqual([3])
    expect(so('so=99999999999999999999,0-1')).toEqual([0, 1])
    expect(so('so=&so=,,')).toBeUndefined()
    expect(so('so=%201,2')).toEqual([2])
  })

  it('keeps well-formed x.pe peer addresses only, and reads magnet:///?', () => {
    const link = parseMagnet(`magnet:///?xt=urn:btih:${HEX}&x.pe=10.0.0.1:6881&x.pe=host:1&x.pe=1.2.3.4&x.pe=[::1]:0&x.pe=300.1.1.1:5&x.pe=%5B2001:db8::2%5D:55013&x.pe=10.0.0.1:6881`)
    expect(link.peerAddresses).toEqual(['10.0.0.1:6881', '[2001:db8::2]:55013'])
  })

  it.each<[string, RegExp]>([
    [`https://example.com/?xt=urn:btih:${HEX}`, /must start with "magnet:\?"/],
    [`magnet:xt=urn:btih:${HEX}`, /must start with "magnet:\?"/],
    ['magnet:?dn=x', /has no info hash \(xt=urn:btih:… or xt=urn:btmh:…\)/],
    [`magnet:?xt=urn:btih:${B32}\n`, /must be 40 hex or 32 base32 characters, got 33/],
    [`magnet:?xt=urn:btih:%20${HEX}`, /must be 40 hex or 32 base32 characters, got 41/],
    [`magnet:?xt=urn:btmh:1221${'ab'.repeat(32)}`, /"1220" and 64 hex characters/],
    [`magnet:?xt=urn:btmh:1220${'ab'.repeat(31)}a`, /"1220" and 64 hex characters/],
    [`magnet:?xt=urn:btih:${HEX}&xt=urn:btmh:1220${'zz'.repeat(32)}`, /"1220" and 64 hex characters/],
    [`magnet:?xt=urn:btmh:1220${'ab'.repeat(32)}&xt=urn:btmh:1220${'cd'.repeat(32)}`, /two different info hashes/],
    ['magnet:?xt=urn:sha1:abc', /has no info hash/],
    ['magnet:?xt=urn:btih:abcdefabcdef', /must be 40 hex or 32 base32 characters, got 12/],
    [`magnet:?xt=urn:btih:${'z'.repeat(40)}`, /got 40 with invalid characters/],
    [`magnet:?xt=urn:btih:${HEX}&xt=urn:btih:${'0'.repeat(40)}`, /two different info hashes/],
    [`magnet:?xt=urn:btih:${HEX}&dn=%E0%A4%A`, /broken percent-encoding in "dn=/],
    [`magnet:?xt=urn:btih:${HEX}&tr=%zz`, /broken percent-encoding in "tr=%zz"/],
    [`magnet:?xt=urn:btih:${HEX}&xl=-5`, /not a whole number/],
    [`magnet:?xt=urn:btih:${HEX}&xl=1e3`, /not a whole number/],
  ])('rejects %s', (uri, message) => {
    expect(magnetError(uri)).toMatch(message)
  })
})

describe('formatMagnet', () => {
  it('matches magnet-uri order and escaping', () => {
    expect(
      formatMagnet({
        infoHashHex: HEX.toUpperCase(),
        name: 'Big Buck Bunny (1080p) & co+',
        trackers: ['wss://tracker.example/a b', 'udp://t:80'],
        webSeeds: ['https://seed.example/'],
        selectOnly: [6, 0, 2, 4, 5, 5],
      }),
    ).toBe(
      `magnet:?xt=urn:btih:${HEX}&dn=Big+Buck+Bunny+(1080p)+%26+co%2B` +
        '&tr=wss%3A%2F%2Ftracker.example%2Fa%20b&tr=udp%3A%2F%2Ft%3A80&ws=https%3A%2F%2Fseed.example%2F&so=0,2,4-6',
    )
    expect(formatMagnet({ infoHashHex: HEX })).toBe(`magnet:?xt=urn:btih:${HEX}`)
  })

  it('rejects a bad info hash', () => {
    expect(() => formatMagnet({ infoHashHex: 'xyz' })).toThrow(InvalidMagnetError)
    expect(() => formatMagnet({ infoHashHex: HEX, version: 'hybrid' })).toThrow(/v2 info hash must be 64 hex/)
  })

  it('writes v2 and hybrid hashes, xl, xs and x.pe, and reads them back', () => {
    const v2 = 'cd'.repeat(32)
    expect(formatMagnet({ infoHashHex: v2.slice(0, 40), infoHashV2Hex: v2, version: 'v2' })).toBe(`magnet:?xt=urn:btmh:1220${v2}`)
    const uri = formatMagnet({
      infoHashHex: HEX,
      infoHashV2Hex: v2,
      name: 'n',
      exactLength: 10826029,
      exactSource: 'http://cache.example.org/X?a=b',
      peerAddresses: ['1.2.3.4:5', '[::1]:6'],
    })
    expect(uri).toBe(`magnet:?xt=urn:btih:${HEX}&xt=urn:btmh:1220${v2}&dn=n&xl=10826029&xs=http%3A%2F%2Fcache.example.org%2FX%3Fa%3Db&x.pe=1.2.3.4:5&x.pe=[::1]:6`)
    const link = parseMagnet(uri)
    expect(parseMagnet(formatMagnet(link))).toEqual(link)
    expect(link).toMatchObject({ version: 'hybrid', exactLength: 10826029, exactSource: 'http://cache.example.org/X?a=b', peerAddresses: ['1.2.3.4:5', '[::1]:6'] })
  })

  it.each([
    { infoHashHex: HEX },
    { infoHashHex: HEX, name: '日本語 – ü.txt', trackers: ['wss://a?x=1&y=2'], webSeeds: ['https://s/%41'] },
    { infoHashHex: HEX, name: ' a+b=c&d%e ', trackers: [], webSeeds: [], selectOnly: [0, 1, 2, 9, 11, 12] },
  ])('round-trips parse(format(x)) %#', (fields) => {
    const link = parseMagnet(formatMagnet(fields))
    expect(link.infoHashHex).toBe(fields.infoHashHex)
    expect(link.name).toBe(fields.name)
    expect(link.trackers).toEqual(fields.trackers ?? [])
    expect(link.webSeeds).toEqual(fields.webSeeds ?? [])
    expect(link.selectOnly).toEqual(fields.selectOnly)
  })
})

describe('BEP 53 ranges', () => {
  it.each<[string, number[], string]>([
    ['0', [0], '0'],
    ['0,2,4-6', [0, 2, 4, 5, 6], '0,2,4-6'],
    ['6,4-5,0,2,2', [0, 2, 4, 5, 6], '0,2,4-6'],
    ['1-2', [1, 2], '1-2'],
    ['3-3', [3], '3'],
  ])('%s', (text, indexes, composed) => {
    expect(parseSelectOnly(text)).toEqual(indexes)
    expect(formatSelectOnly(indexes)).toBe(composed)
  })
})
