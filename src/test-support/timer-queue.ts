export interface Timer {
  id: number
  at: number
  seq: number
  fn: () => void
  /** Repeat period for intervals; 0 for one-shot timers. */
  every: number
}

/** Lets every pending promise job run: Node drains the whole microtask queue before a check-phase callback. */
export function drainMicrotasks(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
}

/**
 * The timers of a virtual clock in (time, insertion) order: a binary heap with lazy removal (a cleared
 * timer stays in the heap until it reaches the top; the heap is rebuilt when dead entries outnumber live
 * ones, since peer sessions reset an idle timer on every chunk they receive).
 */
export class TimerQueue {
  #seq = 0
  #nextId = 1
  #heap: Timer[] = []
  #live = new Map<number, Timer>()

  /** Timers still scheduled. */
  get size(): number {
    return this.#live.size
  }

  add(fn: () => void, at: number, every: number): number {
    const timer: Timer = { id: this.#nextId++, at, seq: this.#seq++, fn, every }
    this.#live.set(timer.id, timer)
    this.#push(timer)
    return timer.id
  }

  cancel(id: number): void {
    if (this.#live.delete(id) && this.#heap.length > 1024 && this.#heap.length > 2 * this.#live.size) this.#compact()
  }

  /** The earliest live timer (cancelled ones are dropped on the way). */
  peek(): Timer | undefined {
    for (;;) {
      const top = this.#heap[0]
      if (!top || this.#live.get(top.id) === top) return top
      this.#pop()
    }
  }

  /** Takes the earliest live timer out; an interval goes back in at `nextAt(timer)`. */
  shift(nextAt: (timer: Timer) => number): Timer | undefined {
    const timer = this.peek()
    if (!timer) return undefined
    this.#pop()
    if (timer.every > 0) {
      const next: Timer = { ...timer, at: nextAt(timer), seq: this.#seq++ }
      this.#live.set(timer.id, next)
      this.#push(next)
    } else this.#live.delete(timer.id)
    return timer
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
