import type { Clock, TimerId } from '../util/clock.ts'
import { drainMicrotasks, TimerQueue, type Timer } from '../test-support/timer-queue.ts'

/**
 * Virtual time for the swarm simulator. Like test-support's VirtualClock (same Clock, same order:
 * time, then insertion), built for millions of timers:
 * - due times are rounded up to `resolutionMs`, and promise jobs are drained once per distinct time
 *   (not once per timer), so a busy swarm costs one macrotask per tick of virtual time;
 * - cleared timers are dropped lazily (TimerQueue).
 * The run is deterministic as long as the code under test does no real I/O.
 */
export class SimClock implements Clock {
  readonly resolutionMs: number
  #now = 0
  #timers = new TimerQueue()
  /** Timers fired so far. */
  fired = 0
  /** Distinct virtual instants processed (each cost one microtask drain). */
  ticks = 0

  constructor(resolutionMs = 1) {
    if (!(resolutionMs > 0)) throw new RangeError('SimClock: resolution must be > 0 ms')
    this.resolutionMs = resolutionMs
  }

  now(): number {
    return this.#now
  }

  setTimeout(fn: () => void, ms: number): TimerId {
    return this.#add(fn, ms, 0)
  }

  setInterval(fn: () => void, ms: number): TimerId {
    return this.#add(fn, ms, Math.max(this.resolutionMs, ms))
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

  /** Time of the next live timer (Infinity when none). */
  nextAt(): number {
    return this.#timers.peek()?.at ?? Infinity
  }

  /**
   * Fires timers in order until `stop()` holds (checked once per instant, after its promise jobs ran),
   * virtual time passes `untilMs`, or no timer is left. Returns the virtual time reached.
   */
  async run(untilMs: number, stop: () => boolean = () => false): Promise<number> {
    await drainMicrotasks()
    while (!stop()) {
      const first = this.#timers.peek()
      if (!first || first.at > untilMs) {
        if (Number.isFinite(untilMs)) this.#now = Math.max(this.#now, untilMs)
        break
      }
      const at = first.at
      this.#now = at
      this.ticks++
      for (let timer = this.#timers.peek(); timer && timer.at <= at; timer = this.#timers.peek()) this.#fire(timer)
      await drainMicrotasks()
    }
    return this.#now
  }

  #add(fn: () => void, ms: number, every: number): TimerId {
    return this.#timers.add(fn, this.#due(this.#now + Math.max(0, ms || 0)), every) as unknown as TimerId
  }

  #due(at: number): number {
    const r = this.resolutionMs
    return Math.ceil(at / r - 1e-9) * r
  }

  #fire(timer: Timer): void {
    this.#timers.shift((t) => this.#due(t.at + t.every))
    this.fired++
    timer.fn()
  }
}
