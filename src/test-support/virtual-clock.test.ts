import { describe, expect, it } from 'vitest'
import { sleep } from '../util/clock.ts'
import { VirtualClock } from './virtual-clock.ts'

describe('VirtualClock', () => {
  it('fires timers in (time, insertion) order and moves time only when told', async () => {
    const clock = new VirtualClock()
    const log: string[] = []
    clock.setTimeout(() => log.push('b@20'), 20)
    clock.setTimeout(() => log.push('a@10'), 10)
    clock.setTimeout(() => log.push('c@20'), 20)
    clock.setTimeout(() => log.push('d@0'), 0)
    expect(log).toEqual([])
    await clock.advance(15)
    expect(log).toEqual(['d@0', 'a@10'])
    expect(clock.now()).toBe(15)
    await clock.advance(5)
    expect(log).toEqual(['d@0', 'a@10', 'b@20', 'c@20'])
  })

  it('runs every promise job a timer starts before the next timer fires', async () => {
    const clock = new VirtualClock()
    const log: string[] = []
    clock.setTimeout(() => {
      void Promise.resolve()
        .then(() => Promise.resolve())
        .then(() => log.push('chained job of the first timer'))
    }, 5)
    clock.setTimeout(() => log.push('second timer'), 5)
    await clock.advance(5)
    expect(log).toEqual(['chained job of the first timer', 'second timer'])
  })

  it('repeats intervals and forgets cleared timers', async () => {
    const clock = new VirtualClock()
    let ticks = 0
    const id = clock.setInterval(() => ticks++, 100)
    const never = clock.setTimeout(() => (ticks = -1000), 150)
    clock.clearTimeout(never)
    await clock.advance(350)
    expect(ticks).toBe(3)
    clock.clearInterval(id)
    await clock.advance(1000)
    expect(ticks).toBe(3)
    expect(clock.pending).toBe(0)
  })

  it('lets a timer clear a later one and an interval clear itself', async () => {
    const clock = new VirtualClock()
    let fired = 0
    const later = clock.setTimeout(() => fired++, 20)
    clock.setTimeout(() => clock.clearTimeout(later), 10)
    const self = clock.setInterval(() => {
      fired += 10
      clock.clearInterval(self)
    }, 5)
    await clock.advance(100)
    expect(fired).toBe(10)
  })

  it('runUntil returns the virtual time a condition took, and fails loudly when it never holds', async () => {
    const clock = new VirtualClock(1000)
    let done = false
    void sleep(clock, 250).then(() => (done = true))
    expect(await clock.runUntil(() => done)).toBe(250)
    expect(clock.now()).toBe(1250)
    clock.setTimeout(() => undefined, 10_000)
    await expect(clock.runUntil(() => false, 5000)).rejects.toThrow(/5000 virtual ms/)
    await expect(clock.runUntil(() => false)).rejects.toThrow(/no timer is left/)
  })

  it('sleep resolves at once when its signal aborts', async () => {
    const clock = new VirtualClock()
    const abort = new AbortController()
    let woke = false
    void sleep(clock, 60_000, abort.signal).then(() => (woke = true))
    abort.abort()
    await clock.advance(0)
    expect(woke).toBe(true)
    expect(clock.pending).toBe(0)
  })
})
