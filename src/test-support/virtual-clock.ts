import type { Clock, TimerId } from '../util/clock.ts'

interface Timer {
  id: number
  at: number
  seq: number
  fn: () => void
  /** Repeat period for intervals; 0 for one-shot timers. */
  every: number
}

/** Lets every pending promise job run: Node drains the whole microtask queue before a check-phase callback. */
function drainMicrotasks(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
}

/**
 * Virtual time for session tests and the swarm simulator. Time moves only in `advance` / `runUntil`;
 * timers fire in (time, insertion) order and all promise jobs run between two timers, so a run is
 * deterministic as long as the code under test does no real I/O (inject a synchronous hasher and memory stores).
 */
export class VirtualClock implements Clock {
  #now: number
  #seq = 0
  #nextId = 1
  #heap: Timer[] = []
  #live = new Map<number, Timer>()
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
    if (id != null) this.#live.delete(id as unknown as number)
  }

  clearInterval(id: TimerId | null | undefined): void {
    this.clearTimeout(id)
  }

  /** Timers still scheduled. */
  get pending(): number {
    return this.#live.size
  }

  /** Moves time forward by `ms`, firing every timer due on the way. */
  async advance(ms: number): Promise<void> {
    const until = this.#now + Math.max(0, ms)
    await drainMicrotasks()
    for (let timer = this.#peek(); timer && timer.at <= until; timer = this.#peek()) await this.#fire(timer)
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
      const timer = this.#peek()
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
    const timer: Timer = { id: this.#nextId++, at: this.#now + Math.max(0, ms || 0), seq: this.#seq++, fn, every }
    this.#live.set(timer.id, timer)
    this.#push(timer)
    return timer.id as unknown as TimerId
  }

  async #fire(timer: Timer): Promise<void> {
    this.#pop()
    this.#now = Math.max(this.#now, timer.at)
    if (timer.every > 0) {
      const next: Timer = { ...timer, at: timer.at + timer.every, seq: this.#seq++ }
      this.#live.set(timer.id, next)
      this.#push(next)
    } else this.#live.delete(timer.id)
    this.fired++
    timer.fn()
    await drainMicrotasks()
  }

  /** The earliest live timer (cancelled ones are dropped on the way). */
  #peek(): Timer | undefined {
    for (;;) {
      const top = this.#heap[0]
      if (!top || this.#live.get(top.id) === top) return top
      this.#pop()
    }
  }

  #push(timer: Timer): void {
    const heap = this.#heap
    heap.push(timer)
    for (let i = heap.length - 1; i > 0; ) {
      const parent = (i - 1) >> 1
      if (!before(heap[i]!, heap[parent]!)) break
      ;[heap[i], heap[parent]] = [heap[parent]!, heap[i]!]
      i = parent
    }
  }

  #pop(): void {
    const heap = this.#heap
    const last = heap.pop()
    if (!last || heap.length === 0) return
    heap[0] = last
    for (let i = 0; ; ) {
      const l = 2 * i + 1
      const r = l + 1
      let m = i
      if (l < heap.length && before(heap[l]!, heap[m]!)) m = l
      if (r < heap.length && before(heap[r]!, heap[m]!)) m = r
      if (m === i) return
      ;[heap[i], heap[m]] = [heap[m]!, heap[i]!]
      i = m
    }
  }
}

function before(a: Timer, b: Timer): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq)
}
