/**
 * A rate limit in bytes per second, shared by everything it throttles. Pure: callers pass the time
 * and wait the returned delay themselves. A limit of 0 or Infinity means unlimited.
 */
export class TokenBucket {
  #rate = Infinity
  #burst = 0
  #tokens = 0
  #last = 0

  constructor(bytesPerSecond = Infinity) {
    this.setRate(bytesPerSecond)
  }

  get rate(): number {
    return this.#rate
  }

  get limited(): boolean {
    return this.#rate !== Infinity
  }

  setRate(bytesPerSecond: number): void {
    this.#rate = bytesPerSecond > 0 && Number.isFinite(bytesPerSecond) ? bytesPerSecond : Infinity
    // The rate is kept on average over a second, like WebTorrent's limiter: after a pause, up to a
    // second of traffic (at least one 16 KiB block) may go out at once.
    this.#burst = Math.max(16384, this.#rate)
    this.#tokens = Math.min(this.#tokens, this.#burst)
  }

  /** Takes `bytes` now (going into debt if needed) and returns how many ms to wait before sending them. */
  reserve(bytes: number, now: number): number {
    if (!this.limited) return 0
    this.#refill(now)
    this.#tokens -= bytes
    return this.#tokens >= 0 ? 0 : (-this.#tokens / this.#rate) * 1000
  }

  /** Milliseconds until the bucket is out of debt (0 when traffic may flow now). */
  delay(now: number): number {
    if (!this.limited) return 0
    this.#refill(now)
    return this.#tokens >= 0 ? 0 : (-this.#tokens / this.#rate) * 1000
  }

  #refill(now: number): void {
    if (this.#last === 0) this.#last = now
    this.#tokens = Math.min(this.#burst, this.#tokens + ((now - this.#last) / 1000) * this.#rate)
    this.#last = now
  }
}
