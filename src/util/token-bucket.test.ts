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

  it('changes rate on the fly', () => {
    const bucket = new TokenBucket(1000)
    expect(bucket.reserve(20_000, 1)).toBeGreaterThan(1000)
    bucket.setRate(Infinity)
    expect(bucket.reserve(20_000, 2)).toBe(0)
    expect(bucket.delay(3)).toBe(0)
  })
})
