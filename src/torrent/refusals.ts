/** A peer dropped for a protocol error (bad length prefix, bad bitfield, request flood, …) is refused this long. */
export const PROTOCOL_ERROR_BACKOFF_MS = 10 * 60_000
/**
 * A peer dropped for going silent is refused this long: an overloaded honest peer looks the same, so
 * it may come back soon, but not straight into the same stall.
 */
export const SILENT_PEER_BACKOFF_MS = 60_000
/** Timed refusals remembered at once; past this the one that ends soonest is forgotten. */
export const MAX_TIMED_REFUSALS = 1000

/**
 * Which peer ids a torrent refuses: banned ids for its lifetime, others until a time. Pure: time is passed in.
 * (Peer ids are all a WebRTC swarm offers to recognise a peer by; a peer that changes its id is a new peer.)
 */
export class Refusals {
  readonly #banned = new Set<string>()
  readonly #until = new Map<string, number>()

  ban(id: string): boolean {
    if (this.#banned.has(id)) return false
    this.#banned.add(id)
    this.#until.delete(id)
    return true
  }

  isBanned(id: string): boolean {
    return this.#banned.has(id)
  }

  refuse(id: string, until: number): void {
    if (this.#banned.has(id)) return
    this.#until.set(id, Math.max(until, this.#until.get(id) ?? 0))
    if (this.#until.size > MAX_TIMED_REFUSALS) this.#forgetSoonest()
  }

  isRefused(id: string, now: number): boolean {
    if (this.#banned.has(id)) return true
    const until = this.#until.get(id)
    if (until === undefined) return false
    if (until > now) return true
    this.#until.delete(id)
    return false
  }

  #forgetSoonest(): void {
    let soonest: string | null = null
    for (const [id, until] of this.#until) if (soonest === null || until < this.#until.get(soonest)!) soonest = id
    if (soonest !== null) this.#until.delete(soonest)
  }
}
