export interface WebSeedHealthOptions {
  /** Backoff after the first failure; doubles with each failure in a row. */
  baseDelayMs?: number
  maxDelayMs?: number
  /** Failed hash checks (over the seed's life) after which it is dropped for good. */
  maxHashFailures?: number
}

/**
 * Whether a web seed should be asked for pieces now. Pure: the caller passes the clock.
 * Failed requests back off (1 s, 2 s, 4 s … 5 min); a success resets that.
 * Pieces that fail verification are counted separately and demote the seed for good.
 */
export class WebSeedHealth {
  successes = 0
  failures = 0
  hashFailures = 0
  /** Failures since the last success. */
  consecutiveFailures = 0
  /** Not usable before this time (same clock as `now`). */
  retryAt = 0
  readonly #baseDelayMs: number
  readonly #maxDelayMs: number
  readonly #maxHashFailures: number

  constructor(opts: WebSeedHealthOptions = {}) {
    this.#baseDelayMs = opts.baseDelayMs ?? 1000
    this.#maxDelayMs = opts.maxDelayMs ?? 5 * 60_000
    this.#maxHashFailures = opts.maxHashFailures ?? 3
  }

  get demoted(): boolean {
    return this.hashFailures >= this.#maxHashFailures
  }

  usable(now: number): boolean {
    return !this.demoted && now >= this.retryAt
  }

  success(): void {
    this.successes++
    this.consecutiveFailures = 0
    this.retryAt = 0
  }

  failure(now: number): void {
    this.failures++
    this.consecutiveFailures++
    const delay = this.#baseDelayMs * 2 ** Math.min(this.consecutiveFailures - 1, 30)
    this.retryAt = now + Math.min(delay, this.#maxDelayMs)
  }

  /** A piece from this seed failed its hash check. */
  hashFailed(): void {
    this.hashFailures++
  }
}
