import { describe, expect, it } from 'vitest'
import { WebSeedHealth } from './web-seed-health.ts'

describe('WebSeedHealth', () => {
  it('is usable until something goes wrong', () => {
    const h = new WebSeedHealth()
    expect(h.usable(0)).toBe(true)
    h.success()
    expect(h.usable(1)).toBe(true)
    expect(h.successes).toBe(1)
  })

  it('backs off 1 s, 2 s, 4 s … after failures in a row', () => {
    const h = new WebSeedHealth()
    let now = 10_000
    for (const delay of [1000, 2000, 4000, 8000, 16_000]) {
      h.failure(now)
      expect(h.usable(now + delay - 1)).toBe(false)
      expect(h.usable(now + delay)).toBe(true)
      now += delay
    }
    expect(h.failures).toBe(5)
    expect(h.consecutiveFailures).toBe(5)
  })

  it('caps the backoff at 5 minutes', () => {
    const h = new WebSeedHealth()
    for (let i = 0; i < 40; i++) h.failure(0)
    expect(h.retryAt).toBe(300_000)
    expect(h.usable(299_999)).toBe(false)
    expect(h.usable(300_000)).toBe(true)
  })

  it('resets the backoff on success', () => {
    const h = new WebSeedHealth()
    h.failure(0)
    h.failure(1000)
    h.failure(3000) // next try at 7000
    h.success()
    expect(h.usable(3001)).toBe(true)
    h.failure(5000)
    expect(h.retryAt).toBe(6000)
  })

  it('is demoted for good after 3 failed verifications, even after successes', () => {
    const h = new WebSeedHealth()
    h.hashFailed()
    h.success()
    h.hashFailed()
    expect(h.demoted).toBe(false)
    expect(h.usable(0)).toBe(true)
    h.hashFailed()
    h.success()
    expect(h.demoted).toBe(true)
    expect(h.usable(Number.MAX_SAFE_INTEGER)).toBe(false)
  })

  it('takes its limits from options', () => {
    const h = new WebSeedHealth({ baseDelayMs: 10, maxDelayMs: 25, maxHashFailures: 1 })
    h.failure(0)
    expect(h.retryAt).toBe(10)
    h.failure(0)
    h.failure(0)
    expect(h.retryAt).toBe(25)
    h.hashFailed()
    expect(h.demoted).toBe(true)
  })
})

describe('WebSeedHealth status', () => {
  const notFound = { code: 'WEBSEED_HTTP', message: 'HTTP 404', httpStatus: 404 }

  it('goes idle → failing (with the reason) → working, and its key changes with the reason', () => {
    const h = new WebSeedHealth()
    expect(h.status).toBe('idle')
    const keys = [h.stateKey]
    h.failure(0, notFound)
    expect(h.status).toBe('failing')
    expect(h.problem).toEqual(notFound)
    keys.push(h.stateKey)
    h.failure(1000, notFound)
    expect(h.stateKey, 'the same failure again is no new state').toBe(keys.at(-1))
    h.failure(3000, { code: 'WEBSEED_HTTP', message: 'HTTP 500', httpStatus: 500 })
    keys.push(h.stateKey)
    h.success()
    expect(h.status).toBe('working')
    expect(h.problem).toBeNull()
    keys.push(h.stateKey)
    expect(new Set(keys).size).toBe(4)
  })

  it('is dropped for good, with the reason, when retrying cannot help', () => {
    const h = new WebSeedHealth()
    h.drop({ code: 'WEBSEED_NO_RANGE', message: 'ignores Range', httpStatus: 200 })
    expect(h.status).toBe('dropped')
    expect(h.usable(Number.MAX_SAFE_INTEGER)).toBe(false)
    h.success()
    expect(h.status).toBe('dropped')
    expect(h.problem?.code).toBe('WEBSEED_NO_RANGE')
  })

  it('says why it was demoted', () => {
    const h = new WebSeedHealth({ maxHashFailures: 2 })
    h.hashFailed()
    expect(h.status).toBe('idle')
    h.hashFailed()
    expect(h.status).toBe('demoted')
    expect(h.problem?.message).toContain('failed verification')
  })
})
