import { describe, expect, it } from 'vitest'
import { BLOCK_LENGTH } from '../picker/index.ts'
import { seedHarness } from './test-helpers.ts'

const GEOMETRY = { numPieces: 4, pieceLength: 2 * BLOCK_LENGTH, length: 8 * BLOCK_LENGTH }
const seed = (opts: { uploadLimit?: number } = {}, geometry = GEOMETRY) => seedHarness(geometry, new Uint8Array(geometry.length), opts)
const request = (index: number, begin = 0, length = BLOCK_LENGTH) => ({ type: 'request' as const, index, begin, length })

describe('Uploader under an upload limit', () => {
  it('waits out the upload limit on the injected clock', async () => {
    const h = await seed({ uploadLimit: 4 * BLOCK_LENGTH })
    const leecher = h.connect(1, null)
    leecher.send({ type: 'interested' })
    await h.clock.advance(30)
    for (let i = 0; i < GEOMETRY.numPieces; i++) leecher.sendBurst([request(i), request(i, BLOCK_LENGTH)])
    const start = h.clock.now()
    await h.clock.runUntil(() => leecher.received.filter((m) => m.type === 'piece').length === 8, 10_000)
    // 8 blocks at 4 blocks/s, less a burst of one block: close to 1.75 s.
    expect(h.clock.now() - start).toBeGreaterThan(1500)
    expect(h.clock.now() - start).toBeLessThan(2500)
  })

  it('under an upload cap, sends what 20 ms of the rate allows per wake (one message), not a block per timer', async () => {
    const geometry = { numPieces: 8, pieceLength: 4 * BLOCK_LENGTH, length: 32 * BLOCK_LENGTH }
    const arrivals = async (uploadLimit: number) => {
      const h = await seed({ uploadLimit }, geometry)
      const leecher = h.connect(1, null)
      leecher.send({ type: 'interested' })
      await h.clock.advance(30)
      const at: number[] = []
      leecher.onMessage((m) => void (m.type === 'piece' && at.push(h.clock.now())))
      for (let i = 0; i < geometry.numPieces; i++) leecher.sendBurst([0, 1, 2, 3].map((b) => request(i, b * BLOCK_LENGTH)))
      const start = h.clock.now()
      await h.clock.runUntil(() => at.length === 32, 10_000)
      return { wakes: new Set(at).size, ms: h.clock.now() - start }
    }
    // 4 MB/s: 80 KB per 20 ms, so a full 64 KiB message per wake; the cap still holds (32 blocks ≈ 131 ms).
    const fast = await arrivals(4e6)
    expect(fast.wakes).toBe(8)
    expect(fast.ms).toBeGreaterThan(110)
    expect(fast.ms).toBeLessThan(180)
    // 1 MB/s: 20 KB per 20 ms, a block per wake as before.
    const slow = await arrivals(1e6)
    expect(slow.wakes).toBe(32)
    expect(slow.ms).toBeGreaterThan(480)
  })
})
