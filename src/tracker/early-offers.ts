/** What early offers use of one bittorrent-tracker WebSocket tracker (its internals, version 11). */
export interface OfferingTracker {
  socket?: { connected?: boolean } | null
  /** Offer id → peer; replaced by a new object when the tracker reconnects. */
  peers?: object | null
  _generateOffers?: (numwant: number, cb: (offers: unknown[]) => void) => void
}

/** bittorrent-tracker sends at most this many offers with an announce (`Math.min(numwant, 5)`). */
export const OFFERS_PER_ANNOUNCE = 5

/**
 * bittorrent-tracker starts making its WebRTC offers only once the tracker's socket is open, and each
 * offer waits for ICE gathering to complete (~0.1 s here). This starts them at once, while the socket
 * connects, and hands them to the first announce that wants that many. Offers made for a socket that
 * was dropped meanwhile are not used (the tracker destroyed their peers); later announces make their own.
 */
export function startOffersEarly(trackers: readonly OfferingTracker[], count = OFFERS_PER_ANNOUNCE): void {
  for (const tracker of trackers) {
    const generate = tracker._generateOffers
    if (typeof generate !== 'function' || tracker.socket?.connected) continue
    const peers = tracker.peers
    let ready: unknown[] | null = null
    let waiting: ((offers: unknown[]) => void) | null = null
    generate.call(tracker, count, (offers) => {
      ready = offers
      waiting?.(offers)
    })
    tracker._generateOffers = function (this: OfferingTracker, numwant, cb) {
      delete tracker._generateOffers // back to bittorrent-tracker's own for every later announce
      if (numwant !== count || this.peers !== peers) return generate.call(this, numwant, cb)
      if (ready) cb(ready)
      else waiting = cb
    }
  }
}
