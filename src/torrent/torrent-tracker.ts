import type { SwarmstreamError } from '../util/errors.ts'
import type { PeerChannel } from '../transport/peer-channel.ts'
import type { AnnounceSource, TrackerStats } from '../tracker/tracker-client.ts'

/** What a torrent needs from its tracker connection(s). */
export interface TrackerLike {
  on(event: 'peer', listener: (channel: PeerChannel) => void): unknown
  on(event: 'update', listener: (stats: TrackerStats) => void): unknown
  on(event: 'warning', listener: (err: SwarmstreamError) => void): unknown
  start(): void
  complete(): void
  /** Announce now (with new offers), before the tracker's interval. */
  update?(): void
  destroy(): void
}

export interface TrackerFactoryOptions {
  infoHash: Uint8Array
  peerId: Uint8Array
  announce: string[]
  stats: () => AnnounceSource
  /** Offers and answers from peer ids (hex) for which this is true are ignored (banned or refused peers). */
  refuse: (peerIdHex: string) => boolean
}

export type TrackerFactory = (opts: TrackerFactoryOptions) => TrackerLike

export function attachTracker(
  factory: TrackerFactory,
  opts: TrackerFactoryOptions & {
    onPeer: (channel: PeerChannel) => void
    onUpdate: (stats: TrackerStats) => void
    onWarning: (err: SwarmstreamError) => void
  },
): TrackerLike {
  const { infoHash, peerId, announce, stats, refuse } = opts
  const tracker = factory({ infoHash, peerId, announce, stats, refuse })
  tracker.on('peer', opts.onPeer)
  tracker.on('update', opts.onUpdate)
  tracker.on('warning', opts.onWarning)
  tracker.start()
  return tracker
}
