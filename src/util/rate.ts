/** Bytes per second over a sliding window of one-second buckets. Time is passed in, so it is pure. */
export class RateEstimator {
  #buckets: Float64Array
  #lastSecond = -1

  constructor(private readonly windowSeconds = 5) {
    this.#buckets = new Float64Array(windowSeconds)
  }

  add(bytes: number, nowMs: number): void {
    this.#advance(nowMs)
    const i = Math.floor(nowMs / 1000) % this.windowSeconds
    this.#buckets[i]! += bytes
  }

  /** Average rate over the completed part of the window plus the current second. */
  rate(nowMs: number): number {
    this.#advance(nowMs)
    let total = 0
    for (const b of this.#buckets) total += b
    const fraction = (nowMs % 1000) / 1000
    return total / (this.windowSeconds - 1 + Math.max(fraction, 0.001))
  }

  #advance(nowMs: number): void {
    const second = Math.floor(nowMs / 1000)
    if (this.#lastSecond < 0) this.#lastSecond = second
    const steps = Math.min(second - this.#lastSecond, this.windowSeconds)
    for (let s = 1; s <= steps; s++) this.#buckets[(this.#lastSecond + s) % this.windowSeconds] = 0
    this.#lastSecond = Math.max(this.#lastSecond, second)
  }
}
