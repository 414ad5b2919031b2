/**
 * When to ask the trackers for more peers before their interval (2 min on WebTorrent trackers): while
 * the torrent is idle — downloading, no connected peer has a piece it needs; done, no connected peer
 * wants one of its pieces. Peers that leave once done take their connections with them, and the ones
 * left behind would otherwise wait out the interval with nobody to trade with (the swarm simulator's
 * flash crowds stalled for minutes that way). Early announces back off while the torrent stays idle.
 */

/** Idle this long before the first early announce; each further one waits twice as long… */
export const IDLE_ANNOUNCE_MS = 10_000
/** …up to this. A useful peer resets the wait. */
export const MAX_IDLE_ANNOUNCE_MS = 120_000

export class IdleAnnouncer {
  #idleSince: number | null = null
  #wait = IDLE_ANNOUNCE_MS

  /** Called every tick with whether the torrent is idle; true when it should announce now. */
  due(idle: boolean, now: number): boolean {
    if (!idle) {
      this.#idleSince = null
      this.#wait = IDLE_ANNOUNCE_MS
      return false
    }
    if (this.#idleSince === null) this.#idleSince = now
    if (now - this.#idleSince < this.#wait) return false
    this.#idleSince = now
    this.#wait = Math.min(MAX_IDLE_ANNOUNCE_MS, 2 * this.#wait)
    return true
  }
}
