import { describe, expect, it } from 'vitest'
import { magnetHandlerUrl, readLaunchParams, torrentIdInText, withoutLaunchParams } from './launch-params.ts'

const HASH = 'c9e15763f722f23e98a29decdfae341b98d53056'
const MAGNET = `magnet:?xt=urn:btih:${HASH}&dn=Big+Buck+Bunny&tr=wss%3A%2F%2Ftracker.example`
const SHARE = '0f8fad5b-d9cb-469f-a165-70867728950e'

describe('readLaunchParams', () => {
  it('reads the magnet link the browser put into ?magnet=%s (escaped), decoded', () => {
    const search = `?announce=ws%3A%2F%2F127.0.0.1%3A8000&magnet=${encodeURIComponent(MAGNET)}`
    expect(readLaunchParams(search)).toEqual({ magnet: MAGNET, share: null })
  })
  it('passes anything else in ?magnet= on as given (the add path reports what is wrong with it)', () => {
    expect(readLaunchParams('?magnet=magnet%3A%3Fxt%3Durn%3Abtih%3Azzz').magnet).toBe('magnet:?xt=urn:btih:zzz')
    expect(readLaunchParams('?magnet=%20%20').magnet).toBeNull()
  })
  it('accepts only a UUID as a share id', () => {
    expect(readLaunchParams(`?share=${SHARE}`).share).toBe(SHARE)
    expect(readLaunchParams('?share=../../etc').share).toBeNull()
    expect(readLaunchParams('').share).toBeNull()
  })
})

describe('withoutLaunchParams', () => {
  it('drops ?magnet= and ?share= and keeps the other parameters and the fragment', () => {
    const href = `http://127.0.0.1:5173/?announce=ws%3A%2F%2Fa&magnet=${encodeURIComponent(MAGNET)}&ice=none&share=${SHARE}#x`
    expect(withoutLaunchParams(href)).toBe('http://127.0.0.1:5173/?announce=ws%3A%2F%2Fa&ice=none#x')
    expect(withoutLaunchParams(`http://h/?magnet=x`)).toBe('http://h/')
  })
})

describe('magnetHandlerUrl', () => {
  it('is a same-origin URL with the %s placeholder, as registerProtocolHandler requires', () => {
    expect(magnetHandlerUrl('https://swarm.example')).toBe('https://swarm.example/?magnet=%s')
  })
})

describe('torrentIdInText', () => {
  it('finds a magnet link inside shared text', () => {
    expect(torrentIdInText('', `Watch this: ${MAGNET} (thanks!)`, 'A film')).toBe(MAGNET)
  })
  it('prefers a magnet link over a .torrent URL and an info hash wherever they are', () => {
    expect(torrentIdInText('https://x.example/a.torrent', `see ${MAGNET}`)).toBe(MAGNET)
  })
  it('finds a .torrent URL, then an info hash', () => {
    expect(torrentIdInText('https://files.example/linux.iso.torrent', '')).toBe('https://files.example/linux.iso.torrent')
    expect(torrentIdInText('', `hash: ${HASH.toUpperCase()}.`)).toBe(HASH.toUpperCase())
  })
  it('finds nothing in ordinary text or a page URL', () => {
    expect(torrentIdInText('https://example.com/article', 'An interesting article', 'Title')).toBeNull()
    expect(torrentIdInText('', `${HASH}0`)).toBeNull()
  })
})
