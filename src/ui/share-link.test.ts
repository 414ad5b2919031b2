import { describe, expect, it } from 'vitest'
import { shareUrl, torrentIdFromFragment } from './share-link.ts'

const HASH = '0123456789abcdef0123456789abcdef01234567'
const MAGNET = `magnet:?xt=urn:btih:${HASH}&dn=a%20b&tr=wss%3A%2F%2Ft.example`

describe('shareUrl', () => {
  it('puts the encoded magnet in the fragment of the page URL, without the query', () => {
    const url = shareUrl({ origin: 'https://app.example', pathname: '/s/' }, MAGNET)
    expect(url).toBe(`https://app.example/s/#${encodeURIComponent(MAGNET)}`)
    expect(new URL(url).hash.includes('&')).toBe(false)
  })
})

describe('torrentIdFromFragment', () => {
  it('reads back what shareUrl wrote', () => {
    const url = new URL(shareUrl({ origin: 'https://app.example', pathname: '/' }, MAGNET))
    expect(torrentIdFromFragment(url.hash)).toBe(MAGNET)
  })

  it('accepts #magnet=, a raw magnet and bare info hashes', () => {
    expect(torrentIdFromFragment(`#magnet=${encodeURIComponent(MAGNET)}`)).toBe(MAGNET)
    expect(torrentIdFromFragment(`#magnet:?xt=urn:btih:${HASH}`)).toBe(`magnet:?xt=urn:btih:${HASH}`)
    expect(torrentIdFromFragment(`#${HASH.toUpperCase()}`)).toBe(HASH.toUpperCase())
    expect(torrentIdFromFragment('#aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa')).toBe('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa')
  })

  it('keeps a raw magnet with a stray percent sign for the client to judge', () => {
    expect(torrentIdFromFragment('#magnet:?xt=urn:btih:x&dn=100%')).toBe('magnet:?xt=urn:btih:x&dn=100%')
  })

  it('ignores fragments that name no torrent', () => {
    for (const hash of ['', '#', '#settings', '#abc', `#${HASH}0`]) expect(torrentIdFromFragment(hash)).toBeNull()
  })
})
