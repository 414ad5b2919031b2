export interface WebSeedHealthOptions {
  /** Backoff after the first failure; doubles with each failure in a row. */
  baseDelayMs?: number
  maxDelayMs?: number
  /** Failed hash checks (over the seed's life) after which it is dropped for good. */
  maxHashFailures?: number
}

/** idle: not asked yet; working: its last answer was good; failing: backing off; demoted/dropped: not used any more. */
export type WebSeedStatus = 'idle' | 'working' | 'failing' | 'demoted' | 'dropped'

/** Why a request failed, as far as the status shows it. */
export interface WebSeedProblem {
  code: string
  message: string
  httpStatus?: number | undefined
}

/**
 * Whether a web seed should be asked for pieces now. Pure: the caller passes the clock.
 * Failed requests back off (1 s, 2 s, 4 s … 5 min); a success resets that.
 * Pieces that fail verification are counted separately and demote the seed for good; a failure that
 * retrying cannot fix (e.g. a server that ignores Range for a huge file) drops it for good.
 */
export class WebSeedHealth {
  /** The last failure, until a success; or why it was demoted or dropped. */
  problem: WebSeedProblem | null = null
  #dropped = false
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

  get dropped(): boolean {
    return this.#dropped
  }

  get status(): WebSeedStatus {
    if (this.#dropped) return 'dropped'
    if (this.demoted) return 'demoted'
    if (this.consecutiveFailures > 0) return 'failing'
    return this.successes > 0 ? 'working' : 'idle'
  }

  /** Changes whenever the status or its reason does: a warning goes out once per value. */
  get stateKey(): string {
    return `${this.status} ${this.problem?.httpStatus ?? this.problem?.code ?? ''}`
  }

  usable(now: number): boolean {
    return !this.demoted && !this.#dropped && now >= this.retryAt
  }

  success(): void {
    this.successes++
    this.consecutiveFailures = 0
    this.retryAt = 0
    if (this.status === 'working') this.problem = null
  }

  /** Not used any more: retrying cannot help. */
  drop(problem: WebSeedProblem): void {
    this.#dropped = true
    this.problem = problem
  }

  failure(now: number, problem?: WebSeedProblem): void {
    if (problem) this.problem = problem
    this.failures++
    this.consecutiveFailures++
    const delay = this.#baseDelayMs * 2 ** Math.min(this.consecutiveFailures - 1, 30)
    this.retryAt = now + Math.min(delay, this.#maxDelayMs)
  }

  /** A piece from this seed failed its hash check. */
  hashFailed(): void {
    this.hashFailures++
    if (this.demoted) {
      this.problem = {
        code: 'WEBSEED_DEMOTED',
        message: `${this.hashFailures} of its pieces failed verification, so it is not used any more`,
      }
    }
  }
}
