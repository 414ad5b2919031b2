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
 * Remembers cancelled requests per peer, one entry per copy that may still arrive, so late answers
 * are told apart from blocks nobody asked for. Pure: time is passed in.
 */
export class LateBlocks<Peer extends object> {
  #late = new Map<Peer, Map<number, LateEntry>>()

  /** A request for block `key` from `peer` was cancelled (or lost to a choke) at `now`. */
  expect(peer: Peer, key: number, now: number): void {
    let late = this.#late.get(peer)
    if (!late) this.#late.set(peer, (late = new Map()))
    const entry = late.get(key)
    const until = now + LATE_BLOCK_GRACE_MS
    if (entry) {
      entry.copies++
      entry.until = until
    } else late.set(key, { until, copies: 1 })
  }

  /** True (and one copy consumed) when this block is a late answer to a cancelled request. */
  take(peer: Peer, key: number, now: number): boolean {
    const late = this.#late.get(peer)
    const entry = late?.get(key)
    if (!entry || entry.until < now) return false
    if (--entry.copies === 0) late!.delete(key)
    return true
  }

  prune(peer: Peer, now: number): void {
    const late = this.#late.get(peer)
    if (!late) return
    for (const [key, entry] of late) if (entry.until < now) late.delete(key)
    if (late.size === 0) this.#late.delete(peer)
  }

  forget(peer: Peer): void {
    this.#late.delete(peer)
  }
}
