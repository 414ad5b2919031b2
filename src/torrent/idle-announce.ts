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

/** A torrent connected to fewer peers than this (and than its trackers report) seeks more… */
export const SEEK_PEERS = 30
/**
 * …announcing this often while each announce brings peers; one that brings none doubles the wait, up to MAX_IDLE_ANNOUNCE_MS.
 * At 5 s a late joiner of a flash crowd had 11 peers 5 s in (the crowd 24), few to give it catch-up slots, and lacked
 * 40 % when the crowd finished and left (swarm simulator, 1,000 leechers that leave: p95 1.42 → 1.22× the bound).
 */
export const SEEK_MS = 2_000
/**
 * A seeder short of leechers announces this often instead. Each announce meets at most 5 new peers, and a
 * leecher that lacks only what the seeder alone holds leaves as soon as it has it: the swarm simulator's crowds
 * that jammed on such a piece drained at 5 leechers per seeder announce.
 */
export const SEEK_SEEDING_MS = 1_000

/**
 * Announces early while short of peers. An announce carries 5 offers, so a crowd that arrives at once
 * otherwise keeps the 8–10 peers of its first announce (the simulated flash crowd: fresh pieces then reach
 * half the crowd in ~5 s); a seeder short of leechers the trackers know of keeps reaching new ones as the
 * finished ones leave.
 */
export class PeerSeeker {
  /** When the current wait began (the first tick short of peers, then each early announce); null: not short. */
  #since: number | null = null
  #wait = SEEK_MS
  /** Peers introduced by the time of our last early announce; null: none since we were last short. */
  #announcedWith: number | null = null
  /** Whether the last early announce was judged (its peers counted) yet. */
  #judged = false
  /** When a tracker last answered an announce (its counts), on our clock. */
  #countsAt = -Infinity

  /** A tracker answered an announce: its counts are new. */
  countsArrived(now: number): void {
    this.#countsAt = now
  }

  /** How old the trackers' newest counts are (Infinity: none has answered). */
  countsAge(now: number): number {
    return now - this.#countsAt
  }

  /** Called every tick; `introduced`: peers the trackers introduced so far. True when it should announce now. */
  due(short: boolean, introduced: number, now: number, seeding = false): boolean {
    const base = seeding ? SEEK_SEEDING_MS : SEEK_MS
    if (this.#announcedWith !== null && introduced > this.#announcedWith) this.#announcedWith = null
    // Only a fruitless announce's back-off outlives a spell of not being short: a lone seeder's stale counts make it short every COUNTS_STALE_MS.
    if (this.#announcedWith === null) this.#wait = base
    if (!short) {
      this.#since = null
      return false
    }
    this.#since ??= now
    if (now - this.#since < this.#wait) return false
    if (this.#announcedWith !== null && !this.#judged) {
      this.#judged = true
      this.#wait = Math.min(MAX_IDLE_ANNOUNCE_MS, 2 * this.#wait)
      if (now - this.#since < this.#wait) return false
    }
    this.#since = now
    this.#announcedWith = introduced
    this.#judged = false
    return true
  }
}

/**
 * Tracker counts older than this may understate the swarm: a seeder that announced before the crowd
 * arrived was told of no leechers, and kept to that until its next interval while the crowd jammed on a
 * piece only it held (the swarm simulator: no announce from 25 to 58 s with 200 leechers waiting).
 */
export const COUNTS_STALE_MS = 20_000

/**
 * Downloading: fewer peers than SEEK_PEERS and than the trackers know of; seeding: fewer that lack pieces
 * than the trackers' leechers. Counts older than COUNTS_STALE_MS bound nothing: fewer than SEEK_PEERS is short
 * (no answer at all is no reason to announce: the trackers are out of reach).
 */
export function shortOfPeers(
  peers: readonly { session: { closed: boolean; pieces?: { complete: boolean } | null } }[],
  trackers: Iterable<{ seeders: number; leechers: number }>,
  seeding: boolean,
  /** How long ago a tracker last answered an announce (Infinity: none has; unreachable trackers are not sought through). */
  countsAge: number,
): boolean {
  let seeders = 0
  let leechers = 0
  for (const t of trackers) {
    seeders = Math.max(seeders, t.seeders)
    leechers = Math.max(leechers, t.leechers)
  }
  const fresh = countsAge < COUNTS_STALE_MS || countsAge === Infinity
  let connected = 0
  let lacking = 0
  for (const p of peers) {
    if (p.session.closed) continue
    connected++
    if (!p.session.pieces?.complete) lacking++
  }
  const known = (n: number) => (fresh ? Math.min(SEEK_PEERS, n) : SEEK_PEERS)
  return seeding ? lacking < known(leechers) : connected < known(seeders + leechers - 1)
}
