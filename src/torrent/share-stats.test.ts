import { describe, expect, it } from 'vitest'
import { ServedPeers, shareRatio } from './share-stats.ts'

describe('shareRatio', () => {
  it('is uploaded ÷ received once something was received', () => {
    expect(shareRatio(300, 100, 1000)).toBe(3)
    expect(shareRatio(0, 100, 1000)).toBe(0)
  })
  it('divides by the length when nothing was received (a seeder), as WebTorrent does', () => {
    expect(shareRatio(2500, 0, 1000)).toBe(2.5)
    expect(shareRatio(500, 0, 1000)).toBe(0.5)
  })
  it('is 0, not NaN or Infinity, before the length is known', () => {
    expect(shareRatio(0, 0, 0)).toBe(0)
    expect(shareRatio(100, 0, 0)).toBe(0)
  })
})

describe('ServedPeers', () => {
  const peer = (remotePeerId: string, uploaded: number) => ({ remotePeerId, uploaded })

  it('counts connected peers that were sent blocks, and not those that were sent nothing', () => {
    const served = new ServedPeers()
    expect(served.count([peer('a', 16_384), peer('b', 0), peer('c', 1)])).toBe(2)
  })

  it('remembers served peers after they leave, once each', () => {
    const served = new ServedPeers()
    served.left(peer('a', 100))
    served.left(peer('b', 0))
    expect(served.count([])).toBe(1)
    // The same peer reconnects and is served again: still one peer.
    expect(served.count([peer('a', 50), peer('c', 10)])).toBe(2)
    served.left(peer('a', 50))
    served.left(peer('c', 10))
    expect(served.count([])).toBe(2)
  })
})
