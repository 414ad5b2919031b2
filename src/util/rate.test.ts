import { describe, expect, it } from 'vitest'
import { IDLE_GAPS, MIN_IDLE_MS, RateEstimator } from './rate.ts'

/** `bytes` every `everyMs` from `from` (inclusive) to `to` (exclusive). */
function feed(r: RateEstimator, bytes: number, everyMs: number, from: number, to: number): void {
  for (let t = from; t < to; t += everyMs) r.add(bytes, t)
}

describe('RateEstimator', () => {
  it('reports a steady rate', () => {
    const r = new RateEstimator(5)
    feed(r, 1000, 100, 0, 10_000)
    expect(r.rate(10_000)).toBeGreaterThan(9000)
    expect(r.rate(10_000)).toBeLessThan(11_000)
  })

  it('reads a transfer that just started at its real speed, not averaged over the empty window', () => {
    const r = new RateEstimator(5)
    feed(r, 16_384, 10, 20_000, 22_000) // 1.6 MB/s for 2 s after a long quiet time
    expect(r.rate(22_000)).toBeGreaterThan(1_500_000)
    expect(r.rate(22_000)).toBeLessThan(1_750_000)
  })

  it('drops to 0 one second after a fast transfer stops, not after the whole window', () => {
    const r = new RateEstimator(5)
    feed(r, 16_384, 10, 0, 3000)
    expect(r.rate(3000 + MIN_IDLE_MS - 10)).toBeGreaterThan(1_000_000)
    expect(r.rate(3000 + MIN_IDLE_MS + 10)).toBe(0)
  })

  it('keeps a slow but steady transfer above 0 between its arrivals', () => {
    const r = new RateEstimator(5)
    feed(r, 16_384, 1500, 0, 9001) // one block every 1.5 s: ~11 kB/s
    for (let t = 9001; t < 10_500; t += 100) expect(r.rate(t)).toBeGreaterThan(5000)
    // …and calls it stopped once several of its gaps pass without data.
    expect(r.rate(9000 + IDLE_GAPS * 1500 + 10)).toBe(0)
  })

  it('decays to zero after the window passes without data', () => {
    const r = new RateEstimator(5)
    r.add(50_000, 0)
    expect(r.rate(500)).toBe(50_000)
    expect(r.rate(7000)).toBe(0)
  })

  it('counts again from the first bytes after a stop', () => {
    const r = new RateEstimator(5)
    feed(r, 10_000, 100, 0, 2000)
    expect(r.rate(4000)).toBe(0)
    feed(r, 10_000, 100, 4000, 6000)
    const rate = r.rate(6000)
    expect(rate).toBeGreaterThan(60_000)
    expect(rate).toBeLessThan(110_000)
  })
})
