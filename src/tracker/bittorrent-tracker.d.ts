// The subset of bittorrent-tracker's browser client that we use.
declare module 'bittorrent-tracker/client' {
  import type { SimplePeerLike } from '../transport/simple-peer-channel.ts'
  export interface AnnounceOpts {
    uploaded?: number
    downloaded?: number
    left?: number
    numwant?: number
  }
  export interface TrackerUpdate {
    announce: string
    complete?: number
    incomplete?: number
  }
  export default class TrackerClient {
    constructor(opts: {
      infoHash: string | Uint8Array
      peerId: string | Uint8Array
      announce: string[]
      rtcConfig?: RTCConfiguration
      getAnnounceOpts?: () => AnnounceOpts
    })
    on(event: 'peer', listener: (peer: SimplePeerLike) => void): this
    on(event: 'update', listener: (data: TrackerUpdate) => void): this
    on(event: 'warning' | 'error', listener: (err: Error) => void): this
    start(opts?: AnnounceOpts): void
    stop(opts?: AnnounceOpts): void
    complete(opts?: AnnounceOpts): void
    update(opts?: AnnounceOpts): void
    setInterval(ms: number): void
    destroy(cb?: (err?: Error) => void): void
    /** Internal: one object per announce URL (a WebSocketTracker; its handlers are wrapped). */
    _trackers?: Array<import('./tracker-status.ts').WatchedTracker & import('./early-offers.ts').OfferingTracker & import('./prompt-offers.ts').PeerMakingTracker>
    /** Internal: the info hash and peer id as binary strings, as replies carry them. */
    _infoHashBinary?: string
    _peerIdBinary?: string
  }
}
