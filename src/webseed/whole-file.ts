/**
 * One whole file, streaming in from a web seed that ignores `Range` and answers 200 with all of it.
 * Read once; every piece range of it is served from here as soon as its bytes have arrived, so such a
 * server costs one copy of the file instead of one copy per piece. Forgotten once every byte was served.
 */
export class WholeFile {
  readonly bytes: Uint8Array
  /** Bytes arrived so far (from the start of the file). */
  received = 0
  /** Settles when the body stopped streaming in (complete or failed); set by whoever streams it. */
  done: Promise<void> = Promise.resolve()
  #error: Error | null = null
  #waiters: { end: number; resolve: () => void; reject: (err: Error) => void }[] = []
  /** Served ranges as sorted, merged [start, end) pairs. */
  #served: [number, number][] = []

  constructor(readonly length: number) {
    this.bytes = new Uint8Array(length)
  }

  get complete(): boolean {
    return this.received === this.length
  }

  get failed(): boolean {
    return this.#error !== null
  }

  /** Appends the next bytes of the body; false when they run past the file's length. */
  push(chunk: Uint8Array): boolean {
    if (this.received + chunk.length > this.length) return false
    this.bytes.set(chunk, this.received)
    this.received += chunk.length
    this.#wake()
    return true
  }

  fail(error: Error): void {
    if (this.#error || this.complete) return
    this.#error = error
    for (const waiter of this.#waiters.splice(0)) waiter.reject(error)
  }

  /** Bytes [start, end] (inclusive) once they are there; rejects if the stream fails or `signal` aborts. */
  async read(start: number, end: number, signal: AbortSignal): Promise<Uint8Array> {
    if (end + 1 > this.received) {
      if (this.#error) throw this.#error
      await new Promise<void>((resolve, reject) => {
        const waiter = {
          end: end + 1,
          resolve: () => {
            signal.removeEventListener('abort', onAbort)
            resolve()
          },
          reject,
        }
        const onAbort = () => {
          this.#waiters = this.#waiters.filter((w) => w !== waiter)
          reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'))
        }
        signal.addEventListener('abort', onAbort, { once: true })
        this.#waiters.push(waiter)
      })
    }
    this.#markServed(start, end + 1)
    return this.bytes.slice(start, end + 1)
  }

  /** Every byte of the file was handed out at least once. */
  get allServed(): boolean {
    const first = this.#served[0]
    return this.#served.length === 1 && first![0] === 0 && first![1] === this.length
  }

  #wake(): void {
    const ready = this.#waiters.filter((w) => w.end <= this.received)
    if (ready.length === 0) return
    this.#waiters = this.#waiters.filter((w) => w.end > this.received)
    for (const waiter of ready) waiter.resolve()
  }

  #markServed(start: number, end: number): void {
    const merged: [number, number][] = []
    let [from, to] = [start, end]
    for (const [s, e] of this.#served) {
      if (e < from || s > to) merged.push([s, e])
      else [from, to] = [Math.min(s, from), Math.max(e, to)]
    }
    merged.push([from, to])
    this.#served = merged.sort((a, b) => a[0] - b[0])
  }
}
