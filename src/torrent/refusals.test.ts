import { describe, expect, it } from 'vitest'
import { MAX_TIMED_REFUSALS, Refusals } from './refusals.ts'

describe('Refusals', () => {
  it('refuses a banned id forever and a timed one until its time', () => {
    const r = new Refusals()
    expect(r.ban('a')).toBe(true)
    expect(r.ban('a')).toBe(false)
    r.refuse('b', 1000)
    expect(r.isRefused('a', Number.MAX_SAFE_INTEGER)).toBe(true)
    expect(r.isRefused('b', 999)).toBe(true)
    expect(r.isRefused('b', 1000)).toBe(false)
    expect(r.isRefused('c', 0)).toBe(false)
  })

  it('keeps the later of two refusals, and a ban over any refusal', () => {
    const r = new Refusals()
    r.refuse('a', 5000)
    r.refuse('a', 100)
    expect(r.isRefused('a', 4000)).toBe(true)
    r.ban('a')
    r.refuse('a', 1)
    expect(r.isRefused('a', 10_000)).toBe(true)
    expect(r.isBanned('a')).toBe(true)
  })

  it('forgets the refusal that ends soonest past its bound', () => {
    const r = new Refusals()
    for (let i = 0; i <= MAX_TIMED_REFUSALS; i++) r.refuse(`p${i}`, 1000 + i)
    expect(r.isRefused('p0', 0)).toBe(false)
    expect(r.isRefused('p1', 0)).toBe(true)
    expect(r.isRefused(`p${MAX_TIMED_REFUSALS}`, 0)).toBe(true)
  })
})
