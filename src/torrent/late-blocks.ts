/**
 * A block that arrives this long after we cancelled its request (or were choked) is still a late
 * answer, not an offence: the peer may have queued it before our cancel reached it (BEP 3).
 */
export const LATE_BLOCK_GRACE_MS = 60_000

/** Copies of a block still expected after its request was cancelled, until when. */
interface LateEntry {
  until: number
  copies: number
}

/**
 * One peer's cancelled requests, one entry per copy that may still arrive, so late answers are told
 * apart from blocks nobody asked for. Pure: time is passed in.
 */
export class LateBlocks {
  #late = new Map<number, LateEntry>()

  /** A request for block `key` was cancelled (or lost to a choke) at `now`. */
  expect(key: number, now: number): void {
    const entry = this.#late.get(key)
    const until = now + LATE_BLOCK_GRACE_MS
    if (entry) {
      entry.copies++
      entry.until = until
    } else this.#late.set(key, { until, copies: 1 })
  }

  /** True (and one copy consumed) when this block is a late answer to a cancelled request. */
  take(key: number, now: number): boolean {
    const entry = this.#late.get(key)
    if (!entry || entry.until < now) return false
    if (--entry.copies === 0) this.#late.delete(key)
    return true
  }

  prune(now: number): void {
    for (const [key, entry] of this.#late) if (entry.until < now) this.#late.delete(key)
  }

  get size(): number {
    return this.#late.size
  }
}
