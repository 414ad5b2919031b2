/**
 * Request → block time per peer: a smoothed average (for overdue checks) and a base round trip,
 * the lowest recent value drifting up slowly, since queueing inflates the average (for pipelines).
 */
export class BlockLatency<Peer extends object> {
  #average = new WeakMap<Peer, number>()
  #base = new WeakMap<Peer, number>()

  record(peer: Peer, ms: number): void {
    const previous = this.#average.get(peer)
    this.#average.set(peer, previous === undefined ? ms : previous * 0.8 + ms * 0.2)
    this.#base.set(peer, Math.min(ms, (this.#base.get(peer) ?? ms) * 1.01))
  }

  /** Smoothed latency in ms (0 before the first block). */
  average(peer: Peer): number {
    return this.#average.get(peer) ?? 0
  }

  /** Base round trip in ms (0 before the first block). */
  base(peer: Peer): number {
    return this.#base.get(peer) ?? 0
  }
}
