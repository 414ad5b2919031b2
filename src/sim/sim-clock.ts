import type { Clock, TimerId } from '../util/clock.ts'
import { drainMicrotasks } from '../test-support/timer-queue.ts'

interface SimTimer {
  fn: () => void
  /** Repeat period for intervals; 0 for one-shot timers. */
  every: number
  dead: boolean
}

/**
 * Virtual time for the swarm simulator. Like test-support's VirtualClock (same Clock, same order:
 * time, then insertion), built for millions of timers:
 * - due times are rounded up to `resolutionMs`, and promise jobs are drained once per distinct time
 *   (not once per timer), so a busy swarm costs one macrotask per tick of virtual time;
 * - timers are kept in one list per instant (a heap orders only the instants, not every timer), and
 *   a cleared timer is only marked; an interval is the same timer moved on to its next instant.
 * The run is deterministic as long as the code under test does no real I/O.
 */
export class SimClock implements Clock {
  readonly resolutionMs: number
  #now = 0
  /** Timers by due instant (in resolution steps), in insertion order. */
  readonly #instants = new Map<number, SimTimer[]>()
  /** The instants that have timers: a binary min-heap. */
  readonly #steps: number[] = []
  #live = 0
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
    return this.#add({ fn, every: 0, dead: false }, this.#now + Math.max(0, ms || 0))
  }

  setInterval(fn: () => void, ms: number): TimerId {
    const every = Math.max(this.resolutionMs, ms)
    return this.#add({ fn, every, dead: false }, this.#now + every)
  }

  clearTimeout(id: TimerId | null | undefined): void {
    const timer = id as unknown as SimTimer | null | undefined
    if (!timer || timer.dead) return
    timer.dead = true
    this.#live--
  }

  clearInterval(id: TimerId | null | undefined): void {
    this.clearTimeout(id)
  }

  /** Timers still scheduled. */
  get pending(): number {
    return this.#live
  }

  /** Time of the next live timer (Infinity when none). */
  nextAt(): number {
    const step = this.#nextStep()
    return step === undefined ? Infinity : step * this.resolutionMs
  }

  /**
   * Fires timers in order until `stop()` holds (checked once per instant, after its promise jobs ran),
   * virtual time passes `untilMs`, or no timer is left. Returns the virtual time reached.
   */
  async run(untilMs: number, stop: () => boolean = () => false): Promise<number> {
    await drainMicrotasks()
    while (!stop()) {
      const step = this.#nextStep()
      if (step === undefined || step * this.resolutionMs > untilMs) {
        if (Number.isFinite(untilMs)) this.#now = Math.max(this.#now, untilMs)
        break
      }
      this.#now = step * this.resolutionMs
      this.ticks++
      // Timers set for this same instant while it fires join its list and fire in this tick.
      const timers = this.#instants.get(step)!
      for (let i = 0; i < timers.length; i++) if (!timers[i]!.dead) this.#fire(timers[i]!)
      this.#instants.delete(step)
      this.#popStep()
      await drainMicrotasks()
    }
    return this.#now
  }

  #add(timer: SimTimer, at: number): TimerId {
    const step = Math.ceil(at / this.resolutionMs - 1e-9)
    const timers = this.#instants.get(step)
    if (timers) timers.push(timer)
    else {
      this.#instants.set(step, [timer])
      this.#pushStep(step)
    }
    this.#live++
    return timer as unknown as TimerId
  }

  #fire(timer: SimTimer): void {
    this.fired++
    if (timer.every > 0) {
      this.#live--
      this.#add(timer, this.#now + timer.every)
    } else {
      timer.dead = true
      this.#live--
    }
    timer.fn()
  }

  /** The earliest instant with a live timer; instants whose timers were all cleared are dropped. */
  #nextStep(): number | undefined {
    for (;;) {
      const step = this.#steps[0]
      if (step === undefined || this.#instants.get(step)!.some((t) => !t.dead)) return step
      this.#instants.delete(step)
      this.#popStep()
    }
  }

  #pushStep(step: number): void {
    const heap = this.#steps
    let i = heap.push(step) - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (heap[parent]! <= step) break
      heap[i] = heap[parent]!
      i = parent
    }
    heap[i] = step
  }

  #popStep(): void {
    const heap = this.#steps
    const last = heap.pop()!
    if (heap.length === 0) return
    let i = 0
    for (;;) {
      const l = 2 * i + 1
      if (l >= heap.length) break
      const c = l + 1 < heap.length && heap[l + 1]! < heap[l]! ? l + 1 : l
      if (heap[c]! >= last) break
      heap[i] = heap[c]!
      i = c
    }
    heap[i] = last
  }
}
