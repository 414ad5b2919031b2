/**
 * One peer's request → block time: a smoothed average (for overdue checks) and a base round trip,
 * the lowest recent value drifting up slowly, since queueing inflates the average (for pipelines).
 */
export class BlockLatency {
  #average: number | undefined
  #base: number | undefined

  record(ms: number): void {
    this.#average = this.#average === undefined ? ms : this.#average * 0.8 + ms * 0.2
    this.#base = Math.min(ms, (this.#base ?? ms) * 1.01)
  }

  /** Smoothed latency in ms (0 before the first block). */
  get average(): number {
    return this.#average ?? 0
  }

  /** Base round trip in ms (0 before the first block). */
  get base(): number {
    return this.#base ?? 0
  }
}
