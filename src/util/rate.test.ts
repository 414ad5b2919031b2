import { describe, expect, it } from 'vitest'
import { RateEstimator } from './rate.ts'

describe('RateEstimator', () => {
  it('reports a steady rate', () => {
    const r = new RateEstimator(5)
    for (let t = 0; t < 10_000; t += 100) r.add(1000, t)
    expect(r.rate(10_000)).toBeGreaterThan(9000)
    expect(r.rate(10_000)).toBeLessThan(11_000)
  })

  it('decays to zero after the window passes without data', () => {
    const r = new RateEstimator(5)
    r.add(50_000, 0)
    expect(r.rate(500)).toBeGreaterThan(0)
    expect(r.rate(7000)).toBe(0)
  })
})
