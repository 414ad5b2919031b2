/** A transfer is never called stopped sooner than this after its last bytes. */
export const MIN_IDLE_MS = 1000
/** …nor before this many of its usual gaps between arrivals have passed without data. */
export const IDLE_GAPS = 3
/** The shortest span a rate is averaged over, so the very first block does not read as a burst. */
const MIN_SPAN_MS = 1000

/**
 * Bytes per second over a sliding window of one-second buckets. Time is passed in, so it is pure.
 * The rate is averaged over the part of the window that saw data (a transfer that just started
 * reads at its real speed, not a fifth of it), and it is 0 as soon as the transfer has stopped:
 * no bytes for `IDLE_GAPS` of its usual gaps between arrivals (at least `MIN_IDLE_MS`).
 */
export class RateEstimator {
  readonly #windowSeconds: number
  #bytes: Float64Array
  #adds: Float64Array
  /** Time of the first arrival in each bucket (NaN: none). */
  #firstAt: Float64Array
  #lastSecond = -1
  #lastAdd = -Infinity

  constructor(windowSeconds = 5) {
    this.#windowSeconds = windowSeconds
    this.#bytes = new Float64Array(windowSeconds)
    this.#adds = new Float64Array(windowSeconds)
    this.#firstAt = new Float64Array(windowSeconds).fill(NaN)
  }

  add(bytes: number, nowMs: number): void {
    this.#advance(nowMs)
    const i = Math.floor(nowMs / 1000) % this.#windowSeconds
    if (this.#adds[i] === 0) this.#firstAt[i] = nowMs
    this.#bytes[i]! += bytes
    this.#adds[i]! += 1
    this.#lastAdd = Math.max(this.#lastAdd, nowMs)
  }

  rate(nowMs: number): number {
    this.#advance(nowMs)
    let total = 0
    let adds = 0
    let first = Infinity
    for (let i = 0; i < this.#windowSeconds; i++) {
      if (this.#adds[i] === 0) continue
      total += this.#bytes[i]!
      adds += this.#adds[i]!
      first = Math.min(first, this.#firstAt[i]!)
    }
    if (adds === 0) return 0
    const usualGap = adds > 1 ? (this.#lastAdd - first) / (adds - 1) : 0
    if (nowMs - this.#lastAdd > Math.max(MIN_IDLE_MS, IDLE_GAPS * usualGap)) return 0
    const windowMs = (this.#windowSeconds - 1) * 1000 + Math.max(nowMs % 1000, 1)
    const spanMs = Math.min(windowMs, Math.max(nowMs - first, MIN_SPAN_MS))
    return (total * 1000) / spanMs
  }

  #advance(nowMs: number): void {
    const second = Math.floor(nowMs / 1000)
    if (this.#lastSecond < 0) this.#lastSecond = second
    const steps = Math.min(second - this.#lastSecond, this.#windowSeconds)
    for (let s = 1; s <= steps; s++) {
      const i = (this.#lastSecond + s) % this.#windowSeconds
      this.#bytes[i] = 0
      this.#adds[i] = 0
      this.#firstAt[i] = NaN
    }
    this.#lastSecond = Math.max(this.#lastSecond, second)
  }
}
