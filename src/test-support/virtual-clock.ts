import type { Clock, TimerId } from '../util/clock.ts'
import { drainMicrotasks, TimerQueue, type Timer } from './timer-queue.ts'

/**
 * Virtual time for session tests and the swarm simulator. Time moves only in `advance` / `runUntil`;
 * timers fire in (time, insertion) order and all promise jobs run between two timers, so a run is
 * deterministic as long as the code under test does no real I/O (inject a synchronous hasher and memory stores).
 */
export class VirtualClock implements Clock {
  #now: number
  #timers = new TimerQueue()
  /** Timers fired so far. */
  fired = 0

  constructor(start = 0) {
    this.#now = start
  }

  now(): number {
    return this.#now
  }

  setTimeout(fn: () => void, ms: number): TimerId {
    return this.#add(fn, ms, 0)
  }

  setInterval(fn: () => void, ms: number): TimerId {
    return this.#add(fn, ms, Math.max(1, ms))
  }

  clearTimeout(id: TimerId | null | undefined): void {
    if (id != null) this.#timers.cancel(id as unknown as number)
  }

  clearInterval(id: TimerId | null | undefined): void {
    this.clearTimeout(id)
  }

  /** Timers still scheduled. */
  get pending(): number {
    return this.#timers.size
  }

  /** Moves time forward by `ms`, firing every timer due on the way. */
  async advance(ms: number): Promise<void> {
    const until = this.#now + Math.max(0, ms)
    await drainMicrotasks()
    for (let timer = this.#timers.peek(); timer && timer.at <= until; timer = this.#timers.peek()) await this.#fire(timer)
    this.#now = until
    await drainMicrotasks()
  }

  /**
   * Fires timers in order until `condition()` holds; returns the virtual ms that took.
   * Throws when it does not hold within `maxMs` (or when nothing is left to happen).
   */
  async runUntil(condition: () => boolean, maxMs = 600_000): Promise<number> {
    const start = this.#now
    const deadline = start + maxMs
    await drainMicrotasks()
    while (!condition()) {
      const timer = this.#timers.peek()
      if (!timer) throw new Error(`VirtualClock: condition still false at ${this.#now - start} ms and no timer is left`)
      if (timer.at > deadline) {
        this.#now = deadline
        throw new Error(`VirtualClock: condition still false after ${maxMs} virtual ms`)
      }
      await this.#fire(timer)
    }
    return this.#now - start
  }

  #add(fn: () => void, ms: number, every: number): TimerId {
    return this.#timers.add(fn, this.#now + Math.max(0, ms || 0), every) as unknown as TimerId
  }

  async #fire(timer: Timer): Promise<void> {
    this.#timers.shift((t) => t.at + t.every)
    this.#now = Math.max(this.#now, timer.at)
    this.fired++
    timer.fn()
    await drainMicrotasks()
  }
}
