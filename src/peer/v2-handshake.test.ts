import { describe, expect, it } from 'vitest'
import type { Handshake } from '../wire/index.ts'
import { isHybrid, namesTorrent, ourHandshake, speaksV2, type SwarmHashes } from './v2-handshake.ts'

const V1 = new Uint8Array(20).fill(1)
const V2 = new Uint8Array(20).fill(2)
const OTHER = new Uint8Array(20).fill(3)

const v1Torrent: SwarmHashes = { infoHash: V1 }
const v2Torrent: SwarmHashes = { infoHash: V2, v2InfoHash: V2 }
const hybrid: SwarmHashes = { infoHash: V1, v2InfoHash: V2 }

function peer(infoHash: Uint8Array, v2: boolean): Handshake {
  return { infoHash, peerId: new Uint8Array(20), reserved: new Uint8Array(8), extended: true, fast: true, v2 }
}

describe('BEP 52 handshakes, as libtorrent 2.0 speaks them', () => {
  it('a v1 torrent: the v1 hash, no v2 bit, never v2', () => {
    expect(ourHandshake(v1Torrent, null)).toEqual({ infoHash: V1, v2: false })
    expect(speaksV2(v1Torrent, V1, V1)).toBe(false)
    expect(isHybrid(v1Torrent)).toBe(false)
  })

  it('a v2-only torrent: the truncated v2 hash without the bit (libtorrent sets it only beside a v1 hash), always v2', () => {
    expect(ourHandshake(v2Torrent, null)).toEqual({ infoHash: V2, v2: false })
    expect(ourHandshake(v2Torrent, peer(V2, true))).toEqual({ infoHash: V2, v2: false })
    expect(speaksV2(v2Torrent, V2, V2)).toBe(true)
  })

  it('a hybrid torrent, speaking first: the v1 hash with the v2 bit; v2 only when the answer carries the v2 hash', () => {
    expect(ourHandshake(hybrid, null)).toEqual({ infoHash: V1, v2: true })
    // libtorrent (and our answering side) upgrade by answering with the v2 hash; WebTorrent answers with the v1 hash.
    expect(speaksV2(hybrid, V1, V2)).toBe(true)
    expect(speaksV2(hybrid, V1, V1)).toBe(false)
  })

  it('a hybrid torrent, answering: upgrades a peer that offers it (bit or v2 hash), stays v1 with a v1 client', () => {
    expect(ourHandshake(hybrid, peer(V1, true))).toEqual({ infoHash: V2, v2: false })
    expect(ourHandshake(hybrid, peer(V2, false))).toEqual({ infoHash: V2, v2: false })
    expect(ourHandshake(hybrid, peer(V1, false))).toEqual({ infoHash: V1, v2: true })
    expect(speaksV2(hybrid, V2, V1)).toBe(true)
    expect(speaksV2(hybrid, V1, V1)).toBe(false)
  })

  it('either hash names a hybrid torrent; nothing else does', () => {
    expect([namesTorrent(hybrid, V1), namesTorrent(hybrid, V2), namesTorrent(hybrid, OTHER)]).toEqual([true, true, false])
    expect([namesTorrent(v1Torrent, V1), namesTorrent(v1Torrent, V2)]).toEqual([true, false])
    expect(isHybrid(hybrid)).toBe(true)
    expect(isHybrid(v2Torrent)).toBe(false)
  })
})
