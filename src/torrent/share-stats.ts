/**
 * What a torrent shared: its ratio and the peers it served. Kept apart from the Torrent facade,
 * which only feeds it (peers as they leave) and reads it (getters).
 */

/**
 * Uploaded ÷ received, as WebTorrent defines it; a seeder that received nothing divides by the
 * torrent's length instead, so sharing a whole copy reads 1.00. 0 while nothing is known.
 */
export function shareRatio(uploaded: number, received: number, length: number): number {
  const base = received > 0 ? received : length
  return base > 0 ? uploaded / base : 0
}

/** A peer as far as serving it is concerned: its id and the block bytes sent to it. */
export interface ServedPeer {
  readonly remotePeerId: string
  readonly uploaded: number
}

/** The distinct peers (by peer id) that were sent at least one block, connected now or gone. */
export class ServedPeers {
  #gone = new Set<string>()

  /** A peer left: remember it if it was served. */
  left(peer: ServedPeer): void {
    if (peer.uploaded > 0 && peer.remotePeerId) this.#gone.add(peer.remotePeerId)
  }

  /** Peers served so far, counting those connected now (`active`) that were sent anything. */
  count(active: Iterable<ServedPeer>): number {
    let extra = 0
    const seen = new Set<string>()
    for (const peer of active) {
      if (peer.uploaded === 0 || !peer.remotePeerId || this.#gone.has(peer.remotePeerId) || seen.has(peer.remotePeerId)) continue
      seen.add(peer.remotePeerId)
      extra++
    }
    return this.#gone.size + extra
  }
}
