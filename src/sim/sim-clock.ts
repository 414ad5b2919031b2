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
 * Virtual time for the swarm simulator. Like test-support's VirtualClock (same Clock, same order:
 * time, then insertion), built for millions of timers:
 * - due times are rounded up to `resolutionMs`, and promise jobs are drained once per distinct time
 *   (not once per timer), so a busy swarm costs one macrotask per tick of virtual time;
 * - a cleared timer is dropped lazily and the heap is rebuilt when dead entries outnumber live ones
 *   (peer sessions reset an idle timer on every chunk they receive).
 * The run is deterministic as long as the code under test does no real I/O.
 */
export class SimClock implements Clock {
  readonly resolutionMs: number
  #now = 0
  #seq = 0
  #nextId = 1
  #heap: Timer[] = []
  #live = new Map<number, Timer>()
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
    if (id == null) return
    if (this.#live.delete(id as unknown as number) && this.#heap.length > 1024 && this.#heap.length > 2 * this.#live.size) this.#compact()
  }

  clearInterval(id: TimerId | null | undefined): void {
    this.clearTimeout(id)
  }

  /** Timers still scheduled. */
  get pending(): number {
    return this.#live.size
  }

  /** Time of the next live timer (Infinity when none). */
  nextAt(): number {
    return this.#peek()?.at ?? Infinity
  }

  /**
   * Fires timers in order until `stop()` holds (checked once per instant, after its promise jobs ran),
   * virtual time passes `untilMs`, or no timer is left. Returns the virtual time reached.
   */
  async run(untilMs: number, stop: () => boolean = () => false): Promise<number> {
    await drainMicrotasks()
    while (!stop()) {
      const first = this.#peek()
      if (!first || first.at > untilMs) {
        if (Number.isFinite(untilMs)) this.#now = Math.max(this.#now, untilMs)
        break
      }
      const at = first.at
      this.#now = at
      this.ticks++
      for (let timer = this.#peek(); timer && timer.at <= at; timer = this.#peek()) this.#fire(timer)
      await drainMicrotasks()
    }
    return this.#now
  }

  #add(fn: () => void, ms: number, every: number): TimerId {
    const timer: Timer = { id: this.#nextId++, at: this.#due(this.#now + Math.max(0, ms || 0)), seq: this.#seq++, fn, every }
    this.#live.set(timer.id, timer)
    this.#push(timer)
    return timer.id as unknown as TimerId
  }

  #due(at: number): number {
    const r = this.resolutionMs
    return Math.ceil(at / r - 1e-9) * r
  }

  #fire(timer: Timer): void {
    this.#pop()
    if (timer.every > 0) {
      const next: Timer = { ...timer, at: this.#due(timer.at + timer.every), seq: this.#seq++ }
      this.#live.set(timer.id, next)
      this.#push(next)
    } else this.#live.delete(timer.id)
    this.fired++
    timer.fn()
  }

  /** The earliest live timer (cancelled ones are dropped on the way). */
  #peek(): Timer | undefined {
    for (;;) {
      const top = this.#heap[0]
      if (!top || this.#live.get(top.id) === top) return top
      this.#pop()
    }
  }

  #compact(): void {
    this.#heap = this.#heap.filter((t) => this.#live.get(t.id) === t)
    for (let i = (this.#heap.length >> 1) - 1; i >= 0; i--) this.#down(i)
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
    this.#down(0)
  }

  #down(start: number): void {
    const heap = this.#heap
    for (let i = start; ; ) {
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
