/**
 * A block that arrives this long after we cancelled its request (or were choked) is still a late
 * answer, not an offence: the peer may have queued it before our cancel reached it (BEP 3).
 */
export const LATE_BLOCK_GRACE_MS = 60_000

/** Copies of a block still expected after its request was cancelled, until when. */
interface LateEntry {
  until: number
  copies: number
  /** When the (latest) cancelled request for it was sent. */
  requestedAt: number
  /** A later request was answered first: from a peer that answers in order, no copy will come. */
  settled: boolean
}

/**
 * One peer's cancelled requests, one entry per copy that may still arrive, so late answers are told
 * apart from blocks nobody asked for. Pure: time is passed in.
 */
export class LateBlocks {
  #late = new Map<number, LateEntry>()

  /** A request for block `key`, sent at `requestedAt`, was cancelled (or lost to a choke) at `now`. */
  expect(key: number, now: number, requestedAt = now): void {
    const entry = this.#late.get(key)
    const until = now + LATE_BLOCK_GRACE_MS
    if (entry) {
      entry.copies++
      entry.until = until
      entry.requestedAt = Math.max(entry.requestedAt, requestedAt)
      entry.settled = false
    } else this.#late.set(key, { until, copies: 1, requestedAt, settled: false })
  }

  /** True (and one copy consumed) when this block is a late answer to a cancelled request. */
  take(key: number, now: number): boolean {
    const entry = this.#late.get(key)
    if (!entry || entry.until < now) return false
    if (--entry.copies === 0) this.#late.delete(key)
    return true
  }

  /** Copies still expected from a peer that answers in order. */
  get owed(): number {
    let copies = 0
    for (const entry of this.#late.values()) if (!entry.settled) copies += entry.copies
    return copies
  }

  /** When the latest cancelled request for `key` was sent, if a copy is still expected. */
  requestedAt(key: number): number | undefined {
    return this.#late.get(key)?.requestedAt
  }

  /**
   * The peer answered a request sent at `requestedAt`: if it answers in request order, it honoured the
   * cancels of requests sent before (they stop counting as owed, yet a copy that still comes is late, not unasked).
   */
  answeredUpTo(requestedAt: number): void {
    for (const entry of this.#late.values()) if (entry.requestedAt < requestedAt) entry.settled = true
  }

  prune(now: number): void {
    for (const [key, entry] of this.#late) if (entry.until < now) this.#late.delete(key)
  }

  get size(): number {
    return this.#late.size
  }
}
