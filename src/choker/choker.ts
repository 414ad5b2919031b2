/**
 * Tit-for-tat (BEP 3): every 5 s the 4 best peers are unchoked, plus one optimistic unchoke rotated every 30 s,
 * given first to a peer that never had one, else to the one whose last turn is oldest (libtorrent's order).
 */
export const UNCHOKE_SLOTS = 4
/**
 * A fast uplink gets a regular slot per this many bytes/s it uploads (at least UNCHOKE_SLOTS, at most
 * MAX_UNCHOKE_SLOTS), like libtorrent's rate-based choker: four slots leave a 20 MB/s uplink mostly idle
 * while interested peers wait (swarm simulator, flash crowd), since each flow runs far below the uplink.
 */
export const SLOT_RATE = 1_000_000
export const MAX_UNCHOKE_SLOTS = 20
/**
 * BEP 3's 10 s halved: one rate window (5 s). A holder passes a fresh piece only to the peers it unchokes,
 * so it reaches a choked neighbour at a rechoke; at 10 s the last pieces of a crowd that leaves when done
 * spread slower than their holders finished and left (the swarm simulator: the crowd then waited on the
 * seeder alone, which meets 5 peers per announce).
 */
export const RECHOKE_INTERVAL_MS = 5_000
export const OPTIMISTIC_INTERVAL_MS = 30_000
/**
 * Downloading, this many more slots go to the interested peers furthest behind us that do not owe us. By
 * tit-for-tat a late joiner of a flash crowd, holding only what its neighbours hold, is unchoked by few of
 * them while the crowd runs (swarm simulator, 1,000 leechers that stay: the p95 was these late joiners).
 */
export const CATCH_UP_SLOTS = 2
/** A peer with pieces we want that sent us none for this long (and was known this long) owes us: tit-for-tat. */
export const OWED_AFTER_MS = 20_000
/**
 * One that never sent us a block owes us this long after we first unchoked it (a trial it failed: a free
 * rider never reciprocates). A free rider meets tens of peers, each of which gives it a trial: at 5 s those
 * trials carried 88 % of its bytes in the simulated crowd, and it finished only 1.3–1.5× later than contributors.
 */
export const TRIAL_MS = 2_000
/** A peer that owes us gets at most a block per this many ms: a trickle that starves a free rider, not a peer behind us. */
export const OWED_BLOCK_MS = 250

export interface ChokerPeer {
  id: string
  interested: boolean
  /** Bytes/s this peer gives us. */
  downloadRate: number
  /** Bytes/s we give this peer. */
  uploadRate: number
  /** Downloading: it has pieces we want and sent us none for OWED_AFTER_MS, and gets only the optimistic slot; seeding: it never passes our pieces on, and is ranked last. */
  owes?: boolean
  /** Seeding while we mask: how fast it passes on the pieces we send it alone (ms; NaN or absent: unknown). */
  passOnMs?: number
  /** How many more pieces we hold than it does. */
  behind?: number
}

export interface ChokerOptions {
  slots?: number
  optimisticIntervalMs?: number
  random?: () => number
}

/**
 * Decides who is unchoked. Pure: peers, time and randomness come in; the set of unchoked ids goes out.
 * Downloading, peers are ranked by what they give us, and one that owes us gets no regular slot (so a free
 * rider cannot fill the slots contributors leave free); seeding, by how fast they pass our pieces on while we
 * mask (see passOnRank), then by how fast we upload to them, after every peer that passes our pieces on (a
 * seeder left with free riders still serves them). Downloading, the peers furthest behind us that do not owe
 * us get CATCH_UP_SLOTS more.
 */
export class Choker {
  #slots: number
  #optimisticIntervalMs: number
  #random: () => number
  #optimistic: string | null = null
  #optimisticSince = 0
  /** When each peer last began an optimistic unchoke (peers that left are forgotten at the next rotation). */
  #turns = new Map<string, number>()
  /** How far behind us each catch-up peer of the last rechoke was. */
  #catchUp = new Map<string, number>()
  /** Catch-up slots given between rechokes. */
  #extra = 0

  constructor(opts: ChokerOptions = {}) {
    this.#slots = opts.slots ?? UNCHOKE_SLOTS
    this.#optimisticIntervalMs = opts.optimisticIntervalMs ?? OPTIMISTIC_INTERVAL_MS
    this.#random = opts.random ?? Math.random
  }

  /**
   * Between rechokes, a peer that just became interested and is `behind` us by more than a catch-up peer of the last
   * rechoke gets a catch-up slot at once, until the next rechoke (at most CATCH_UP_SLOTS so): a late joiner of a
   * flash crowd otherwise waited up to a rechoke for each neighbour (swarm simulator, 1,000 leechers that leave when
   * done: the slowest 5 %, late joiners, held 135 of 1,024 pieces 5 s after joining).
   */
  catchUpNow(behind: number): boolean {
    if (behind <= 0 || this.#extra >= CATCH_UP_SLOTS) return false
    if (this.#catchUp.size >= CATCH_UP_SLOTS && behind <= Math.min(...this.#catchUp.values())) return false
    this.#extra++
    return true
  }

  get optimistic(): string | null {
    return this.#optimistic
  }

  rechoke(peers: readonly ChokerPeer[], now: number, seeding: boolean): Set<string> {
    const interested = peers.filter((p) => p.interested)
    const score = (p: ChokerPeer) => (seeding ? p.uploadRate : p.downloadRate)
    const passOn = seeding ? passOnRank(interested) : () => 0
    const ranked = interested.filter((p) => seeding || !p.owes).sort((a, b) => (seeding ? +!!a.owes - +!!b.owes : 0) || passOn(a) - passOn(b) || score(b) - score(a))
    const uploading = peers.reduce((sum, p) => sum + p.uploadRate, 0)
    const slots = Math.min(MAX_UNCHOKE_SLOTS, Math.max(this.#slots, Math.floor(uploading / SLOT_RATE)))
    const unchoked = new Set(ranked.slice(0, slots).map((p) => p.id))
    if (!seeding) {
      const lagging = interested.filter((p) => !p.owes && !unchoked.has(p.id) && (p.behind ?? 0) > 0)
      lagging.sort((a, b) => b.behind! - a.behind!)
      this.#catchUp.clear()
      this.#extra = 0
      for (const p of lagging.slice(0, CATCH_UP_SLOTS)) {
        unchoked.add(p.id)
        this.#catchUp.set(p.id, p.behind!)
      }
    }
    const others = interested.filter((p) => !unchoked.has(p.id))
    const current = others.find((p) => p.id === this.#optimistic)
    const fair = others.filter((p) => !p.owes)
    // A turn held by a peer that came to owe us ends while a fair peer waits.
    if (!current || (current.owes && fair.length > 0) || now - this.#optimisticSince >= this.#optimisticIntervalMs) {
      const present = new Set(peers.map((p) => p.id))
      for (const id of this.#turns.keys()) if (!present.has(id)) this.#turns.delete(id)
      const pool = fair.length > 0 ? fair : others
      // Never had a turn first (a newcomer), then the longest since its last; ties at random.
      const keyed = pool.map((p) => [this.#turns.get(p.id) ?? -1, this.#random(), p] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1])
      const pick = keyed[0]?.[2] ?? null
      if (pick) this.#turns.set(pick.id, now)
      this.#optimistic = pick?.id ?? null
      this.#optimisticSince = now
    }
    if (this.#optimistic && others.some((p) => p.id === this.#optimistic)) unchoked.add(this.#optimistic)
    return unchoked
  }
}

/**
 * Seeding while masking, the peers that pass our pieces on fastest go first: each piece leaves the seeder
 * once, and the crowd waits for the last ones to spread. A peer not yet timed ranks with the median.
 */
function passOnRank(peers: readonly ChokerPeer[]): (p: ChokerPeer) => number {
  const timed = peers.map((p) => p.passOnMs ?? NaN).filter((ms) => !Number.isNaN(ms))
  if (timed.length === 0) return () => 0
  const median = timed.sort((a, b) => a - b)[timed.length >> 1]!
  return (p) => (Number.isNaN(p.passOnMs ?? NaN) ? median : p.passOnMs!)
}
