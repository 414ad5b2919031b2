import { describe, expect, it } from 'vitest'
import { BLOCK_LENGTH } from '../picker/index.ts'
import { patternBytes } from '../test-support/swarm-lab.ts'
import type { Attacker } from '../test-support/attacker.ts'
import { FRESH_HOLD_MS } from './fresh-copies.ts'
import { schedulerHarness } from './test-helpers.ts'

const GEOMETRY = { numPieces: 16, pieceLength: 2 * BLOCK_LENGTH, length: 32 * BLOCK_LENGTH }
const data = patternBytes(GEOMETRY.length)
const request = (index: number, begin = 0) => ({ type: 'request' as const, index, begin, length: BLOCK_LENGTH })
const blocksOf = (p: Attacker) => p.received.filter((m) => m.type === 'piece').length

/** A downloader holding every piece; pieces 0–7 shown by two of its peers (common), 8–15 by none (fresh). */
async function harness() {
  const h = schedulerHarness(GEOMETRY)
  for (let i = 0; i < GEOMETRY.numPieces; i++) {
    await h.store.put(i, data.subarray(i * GEOMETRY.pieceLength, (i + 1) * GEOMETRY.pieceLength))
    h.picker.markHave(i)
  }
  const holders = [h.join(2), h.join(3)]
  // 64 KiB/s and 16 KiB/s each way: a block leaves the first in 0.25 s, the second in 1 s.
  const common = h.join(4, { bytesPerSecond: 64 * 1024 })
  const fresh = h.join(5, { bytesPerSecond: 16 * 1024 })
  await h.clock.advance(30)
  for (const p of holders) for (let i = 0; i < 8; i++) p.send({ type: 'have', index: i })
  for (const p of [common, fresh]) p.send({ type: 'interested' })
  await h.clock.advance(100)
  expect(h.picker.availability(0)).toBe(2)
  common.sendBurst(Array.from({ length: 8 }, (_, i) => [request(i), request(i, BLOCK_LENGTH)]).flat())
  await h.clock.advance(1000)
  return { h, common, fresh }
}

describe('Uploader, fresh copies first across peers', () => {
  it("holds another peer's blocks of common pieces while a fresh piece's copy waits in its channel, then serves them again", async () => {
    const { h, common, fresh } = await harness()
    const flowing = blocksOf(common)
    expect(flowing).toBeGreaterThanOrEqual(2)
    fresh.sendBurst([request(8), request(8, BLOCK_LENGTH)])
    await h.clock.advance(30)
    // What was in the common peer's channel still arrives, but no block joins it while the fresh copy waits.
    const queued = h.record(4).upload.queue.length
    await h.clock.advance(800)
    expect(h.record(4).upload.queue.length).toBe(queued)
    const held = blocksOf(common)
    await h.clock.advance(400)
    expect(blocksOf(fresh)).toBeGreaterThanOrEqual(1)
    await h.clock.advance(1500)
    expect(h.record(4).upload.queue.length).toBeLessThan(queued)
    expect(blocksOf(common)).toBeGreaterThan(held)
  })

  it('serves the other peers again after FRESH_HOLD_MS when the fresh copy does not leave its channel', async () => {
    const { h, fresh } = await harness()
    // Three fresh pieces take 6 s on the slow channel: far longer than the hold.
    fresh.sendBurst([8, 9, 10].flatMap((i) => [request(i), request(i, BLOCK_LENGTH)]))
    await h.clock.advance(30)
    const queued = h.record(4).upload.queue.length
    await h.clock.advance(FRESH_HOLD_MS + 50)
    h.uploader.rechoke(false)
    await h.clock.advance(600)
    expect(h.record(4).upload.queue.length).toBeLessThan(queued)
  })

  it('does not hold a copy of a fresh piece behind another fresh copy', async () => {
    const { h, common, fresh } = await harness()
    fresh.sendBurst([request(8), request(8, BLOCK_LENGTH)])
    await h.clock.advance(30)
    const before = blocksOf(common)
    common.sendBurst([request(9), request(9, BLOCK_LENGTH)])
    await h.clock.advance(600)
    const got = common.received.flatMap((m) => (m.type === 'piece' ? [m.index] : []))
    expect(got.slice(before)).toContain(9)
  })
})
