import type TrackerClient from 'bittorrent-tracker/client'
import { toHex } from '../util/bytes.ts'
import { SwarmstreamError } from '../util/errors.ts'
import { TypedEmitter } from '../util/typed-emitter.ts'
import { SimplePeerChannel, type SimplePeerLike } from '../transport/simple-peer-channel.ts'
import type { PeerChannel } from '../transport/peer-channel.ts'
import { TrackerStatus, watchTrackers, type TrackerStats } from './tracker-status.ts'
import { startOffersEarly } from './early-offers.ts'
import type { PeerMakingTracker } from './prompt-offers.ts'

export type { TrackerState, TrackerStats } from './tracker-status.ts'

/** Turns a binary string (one char per byte, as bittorrent-tracker sends ids) into hex. */
function binaryStringToHex(value: string): string {
  let hex = ''
  for (let i = 0; i < value.length; i++) hex += (value.charCodeAt(i) & 0xff).toString(16).padStart(2, '0')
  return hex
}

/**
 * An announce reply (or a relayed offer/answer) with any offer or answer from a refused peer id
 * removed; bittorrent-tracker sends `peer_id` as a binary string. Returns the data unchanged otherwise.
 */
export function withoutRefusedPeer(data: Record<string, unknown>, refuse: (peerIdHex: string) => boolean): Record<string, unknown> {
  const peerId = data['peer_id']
  if (typeof peerId !== 'string' || !(data['offer'] || data['answer']) || !refuse(binaryStringToHex(peerId))) return data
  const { offer: _offer, answer: _answer, ...rest } = data
  return rest
}

export interface AnnounceGuard {
  warn: (err: Error) => void
  /** Offers and answers from peer ids (hex) for which this is true are ignored. */
  refuse?: (peerIdHex: string) => boolean
}

/**
 * Wraps each WebSocket tracker's reply handler. bittorrent-tracker 11 throws (and then loses the socket)
 * on an announce reply without a string `info_hash`, and on some other malformed fields: such messages
 * are dropped with a warning instead. Offers and answers from refused peers are dropped, so a banned
 * peer never gets a WebRTC connection back through the tracker.
 */
export function guardAnnounceReplies(client: Pick<TrackerClient, '_trackers'>, guard: AnnounceGuard): void {
  for (const tracker of client._trackers ?? []) {
    const original = tracker._onAnnounceResponse?.bind(tracker)
    if (!original) continue
    tracker._onAnnounceResponse = (data: unknown) => {
      const where = tracker.announceUrl ?? 'a tracker'
      if (typeof data !== 'object' || data === null || typeof (data as { info_hash?: unknown }).info_hash !== 'string') {
        guard.warn(new Error(`${where} sent an announce reply without an info hash; it was ignored`))
        return
      }
      try {
        original(guard.refuse ? withoutRefusedPeer(data as Record<string, unknown>, guard.refuse) : data)
      } catch (err) {
        guard.warn(new Error(`${where} sent a malformed message; it was ignored (${(err as Error).message})`))
      }
    }
  }
}

type TrackerClientModule = typeof import('./tracker-module.ts')
let trackerClientModule: Promise<TrackerClientModule> | null = null

/**
 * bittorrent-tracker, simple-peer and simple-websocket touch WebRTC and WebSocket as they load, so
 * they load with the first tracker (or when a Client preloads them), never when the library is imported.
 */
export function loadTrackerClient(): Promise<TrackerClientModule> {
  trackerClientModule ??= import('./tracker-module.ts').catch((err: unknown) => {
    trackerClientModule = null // let a later tracker try again
    throw err
  })
  return trackerClientModule
}

type TrackerCall = 'start' | 'complete' | 'update'

/** Why bittorrent-tracker made no tracker for a URL (it warns on its own too). */
function unusableReason(url: string): string {
  if (/^ws:/i.test(url) && globalThis.location?.protocol === 'https:') return 'a ws:// tracker cannot be used from an https:// page; use its wss:// address'
  return 'this tracker URL cannot be used'
}

/** WebTorrent gives a WebRTC connection 25 s to open. */
export const CONNECT_TIMEOUT_MS = 25_000

export interface AnnounceSource {
  uploaded: number
  downloaded: number
  left: number
}

export interface TrackerEvents {
  [event: string]: (...args: never[]) => void
  /** A WebRTC connection to a peer is open and ready for the handshake. */
  peer(channel: PeerChannel): void
  /** One tracker's status changed (see TrackerStats); also once per tracker at the start. */
  update(stats: TrackerStats): void
  warning(err: SwarmstreamError): void
}

export interface TrackerOptions {
  infoHash: Uint8Array
  peerId: Uint8Array
  announce: string[]
  rtcConfig?: RTCConfiguration
  stats: () => AnnounceSource
  /** Offers and answers from these peer ids (hex) are ignored: banned or refused peers. */
  refuse?: (peerIdHex: string) => boolean
}

/** Announces one torrent to its WebSocket trackers and hands over connected peers. */
export class TorrentTracker extends TypedEmitter<TrackerEvents> {
  #client: TrackerClient | null = null
  /** Calls made while the tracker client was still loading, replayed once it is there. */
  #queued: TrackerCall[] = []
  #pending = new Set<SimplePeerLike>()
  #destroyed = false
  readonly #refuse: ((peerIdHex: string) => boolean) | undefined
  readonly #status = new Map<string, TrackerStatus>()
  /** The tracker whose handler is running (what bittorrent-tracker emits then belongs to it). */
  #within: { url: string; muted: boolean } | null = null

  constructor(opts: TrackerOptions) {
    super()
    this.#refuse = opts.refuse
    // bittorrent-tracker drops one trailing slash (and the duplicates that makes); statuses use its URLs.
    const announce = [...new Set(opts.announce.filter((url) => /^wss?:\/\//i.test(url)).map((url) => url.replace(/\/$/, '')))]
    if (announce.length === 0) return
    for (const url of announce) this.#status.set(url, new TrackerStatus(url))
    // Listeners attach right after construction.
    queueMicrotask(() => {
      if (!this.#destroyed) for (const status of this.#status.values()) this.emit('update', status.snapshot())
    })
    loadTrackerClient().then(
      ({ default: BittorrentTracker, promptPeers }) => {
        if (this.#destroyed) return
        this.#attach(promptPeers,
          new BittorrentTracker({
            infoHash: toHex(opts.infoHash),
            peerId: toHex(opts.peerId),
            announce,
            ...(opts.rtcConfig ? { rtcConfig: opts.rtcConfig } : {}),
            getAnnounceOpts: () => opts.stats(),
          }),
        )
      },
      (err: unknown) => {
        if (this.#destroyed) return
        const reason = err instanceof Error ? err.message : String(err)
        for (const url of this.#status.keys()) this.#failed(url, `the tracker client could not be loaded (${reason})`, false)
        this.emit('warning', new SwarmstreamError('TRACKER_UNAVAILABLE', `Could not load the tracker client (${reason}); reload the page to try again.`))
      },
    )
  }

  /** Each tracker's status: connecting, connected or failing (with the reason), last announce, peers it gave. */
  get stats(): TrackerStats[] {
    return [...this.#status.values()].map((s) => s.snapshot())
  }

  #attach(promptPeers: (trackers: readonly PeerMakingTracker[]) => void, client: TrackerClient): void {
    this.#client = client
    client.on('peer', (peer) => this.#onPeer(peer, this.#within?.url))
    const warn = (err: Error) => {
      if (this.#within?.muted) return // reported through the tracker's status
      const where = this.#within ? `Tracker ${this.#within.url}` : 'Tracker'
      this.emit('warning', new SwarmstreamError('TRACKER_WARNING', `${where}: ${err.message}`))
    }
    client.on('warning', warn)
    client.on('error', warn)
    guardAnnounceReplies(client, { warn, ...(this.#refuse ? { refuse: this.#refuse } : {}) })
    watchTrackers(client._trackers ?? [], {
      infoHashBinary: client._infoHashBinary,
      peerIdBinary: client._peerIdBinary,
      connected: (url) => this.#change(url, (s) => s.connected()),
      failed: (url, reason) => this.#failed(url, reason, true),
      announced: (url, counts) => this.#change(url, (s) => (s.announced(Date.now(), counts), true)),
      within: (url, muted, fn) => {
        const outer = this.#within
        this.#within = { url, muted }
        try {
          fn()
        } finally {
          this.#within = outer
        }
      },
    })
    const used = new Set((client._trackers ?? []).map((t) => t.announceUrl))
    for (const url of this.#status.keys()) if (!used.has(url)) this.#failed(url, unusableReason(url), false)
    promptPeers(client._trackers ?? [])
    startOffersEarly(client._trackers ?? [])
    for (const call of this.#queued.splice(0)) client[call]()
  }

  #change(url: string, apply: (status: TrackerStatus) => boolean): void {
    const status = this.#status.get(url)
    if (!status || this.#destroyed) return
    if (apply(status)) this.emit('update', status.snapshot())
  }

  /** Shows the reason in the status; warns once when a tracker starts failing, not at every retry. */
  #failed(url: string, reason: string, warn: boolean): void {
    const status = this.#status.get(url)
    if (!status || this.#destroyed) return
    const started = status.failed(reason)
    this.emit('update', status.snapshot())
    if (started && warn) {
      this.emit('warning', new SwarmstreamError('TRACKER_FAILED', `Tracker ${url}: ${reason}. It is tried again later; other trackers, web seeds and peers go on.`))
    }
  }

  start(): void {
    this.#call('start')
  }

  complete(): void {
    this.#call('complete')
  }

  update(): void {
    this.#call('update')
  }

  #call(call: TrackerCall): void {
    if (this.#destroyed) return
    if (this.#client) this.#client[call]()
    else this.#queued.push(call)
  }

  destroy(): void {
    if (this.#destroyed) return
    this.#destroyed = true
    for (const peer of this.#pending) peer.destroy()
    this.#pending.clear()
    const client = this.#client
    this.#client = null
    if (client) {
      try {
        client.stop()
      } catch {
        // The socket may already be gone; destroying is all that matters then.
      }
      client.destroy()
    }
    this.removeAllListeners()
  }

  #onPeer(peer: SimplePeerLike, fromUrl: string | undefined): void {
    if (this.#destroyed) return peer.destroy()
    const label = `webrtc-${Math.random().toString(36).slice(2, 8)}`
    const opened = () => {
      if (fromUrl) this.#change(fromUrl, (s) => (s.peerConnected(), true))
      this.emit('peer', new SimplePeerChannel(peer, label))
    }
    if (peer.connected) return opened()
    this.#pending.add(peer)
    const timer = setTimeout(() => peer.destroy(), CONNECT_TIMEOUT_MS)
    const done = () => {
      clearTimeout(timer)
      this.#pending.delete(peer)
    }
    peer.once('connect', () => {
      done()
      if (this.#destroyed) return peer.destroy()
      opened()
    })
    peer.once('close', done)
    peer.once('error', done)
  }
}
