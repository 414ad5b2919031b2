import { describe, expect, it } from 'vitest'
import { TokenBucket } from './token-bucket.ts'

describe('TokenBucket', () => {
  it('is unlimited by default and for 0', () => {
    expect(new TokenBucket().reserve(1e9, 1)).toBe(0)
    expect(new TokenBucket(0).reserve(1e9, 1)).toBe(0)
  })

  it('spaces traffic to the rate over time', () => {
    const bucket = new TokenBucket(100_000)
    let now = 1000
    let sent = 0
    // Send 16 KiB blocks as soon as the bucket allows, for 10 simulated seconds.
    while (now < 11_000) {
      const wait = bucket.reserve(16384, now)
      now += wait
      sent += 16384
    }
    expect(sent / 10).toBeGreaterThan(95_000)
    expect(sent / 10).toBeLessThan(115_000)
  })

  it('lets a second of traffic through at once after a pause, and no more', () => {
    const bucket = new TokenBucket(100_000)
    expect(bucket.reserve(16384, 1000)).toBeGreaterThan(0) // starts empty
    // Idle for 5 s: a full second's worth (100 kB) goes at once, then the rate holds again.
    let now = 7000
    let free = 0
    while (bucket.reserve(10_000, now) === 0) free += 10_000
    expect(free).toBeGreaterThanOrEqual(90_000)
    expect(free).toBeLessThanOrEqual(100_000)
    now += bucket.delay(now)
    expect(bucket.reserve(10_000, now)).toBeCloseTo(100, 0)
  })

  it('changes rate on the fly', () => {
    const bucket = new TokenBucket(1000)
    expect(bucket.reserve(20_000, 1)).toBeGreaterThan(1000)
    bucket.setRate(Infinity)
    expect(bucket.reserve(20_000, 2)).toBe(0)
    expect(bucket.delay(3)).toBe(0)
  })
})
