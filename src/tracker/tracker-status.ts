/**
 * How each WebSocket tracker of a torrent is doing. bittorrent-tracker reports failures only as
 * client-wide `warning` events (one per retry, naming no tracker), so the per-tracker handlers are
 * wrapped: whatever happens inside one of them belongs to that tracker.
 */

/** connecting: no answer yet; connected: the socket is open and answers; failing: see `error` (retried later). */
export type TrackerState = 'connecting' | 'connected' | 'failing'

export interface TrackerStats {
  url: string
  status: TrackerState
  /** Why it is failing, in words; absent unless failing. */
  error?: string
  /** When it last answered an announce (ms since the epoch); null before the first answer. */
  lastAnnounce: number | null
  /** Peers it introduced whose connection opened. */
  peers: number
  /** Seeders and leechers in its last answer. */
  seeders: number
  leechers: number
}

/** One tracker's state; each method says whether the state changed (so events go out once per change). */
export class TrackerStatus {
  #stats: TrackerStats

  constructor(url: string) {
    this.#stats = { url, status: 'connecting', lastAnnounce: null, peers: 0, seeders: 0, leechers: 0 }
  }

  get status(): TrackerState {
    return this.#stats.status
  }

  snapshot(): TrackerStats {
    return { ...this.#stats }
  }

  connected(): boolean {
    if (this.#stats.status === 'connected') return false
    this.#stats.status = 'connected'
    delete this.#stats.error
    return true
  }

  /** Returns true when the tracker was not failing before: the one time to warn about it. */
  failed(reason: string): boolean {
    const before = this.#stats.status
    this.#stats.status = 'failing'
    this.#stats.error = reason
    return before !== 'failing'
  }

  announced(now: number, counts: { seeders?: number; leechers?: number }): void {
    this.connected()
    this.#stats.lastAnnounce = now
    if (typeof counts.seeders === 'number' && Number.isFinite(counts.seeders)) this.#stats.seeders = counts.seeders
    if (typeof counts.leechers === 'number' && Number.isFinite(counts.leechers)) this.#stats.leechers = counts.leechers
  }

  peerConnected(): void {
    this.#stats.peers++
  }
}

/** The per-tracker object of bittorrent-tracker's client (its WebSocketTracker), as far as it is used. */
export interface WatchedTracker {
  announceUrl?: string
  socket?: { connected?: boolean } | null
  _onAnnounceResponse?: (data: unknown) => void
  _onSocketConnect?: () => void
  _onSocketError?: (err: unknown) => void
  _onSocketClose?: () => void
  _onSocketData?: (data: unknown) => void
}

export interface TrackerHooks {
  /** This torrent's info hash and our peer id, as the binary strings bittorrent-tracker compares. */
  infoHashBinary: string | undefined
  peerIdBinary: string | undefined
  connected(url: string): void
  failed(url: string, reason: string): void
  announced(url: string, counts: { seeders?: number; leechers?: number }): void
  /**
   * Runs `fn` with `url` as the tracker that everything inside it (peers, client warnings) belongs to;
   * `muted`: the client's warnings inside are already reported through `failed`.
   */
  within(url: string, muted: boolean, fn: () => void): void
}

/** The reason of a socket error in words (simple-websocket says "Error connecting to <url>"). */
export function socketErrorReason(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err)
  return /error connecting/i.test(message) ? 'could not connect (the server is down, the address is wrong, or a firewall blocks it)' : message
}

type Handler = '_onAnnounceResponse' | '_onSocketConnect' | '_onSocketError' | '_onSocketClose' | '_onSocketData'

/**
 * Wraps each tracker's handlers so what happens there reaches `hooks`, attributed to its URL. Each
 * `before` runs ahead of bittorrent-tracker's own handler and says whether to mute its warnings.
 */
export function watchTrackers(trackers: readonly WatchedTracker[], hooks: TrackerHooks): void {
  for (const tracker of trackers) {
    const url = tracker.announceUrl
    if (!url) continue
    const wrap = (name: Handler, before: (arg: unknown) => boolean) => {
      const original = tracker[name] as ((arg?: unknown) => void) | undefined
      if (!original) return
      tracker[name] = (arg?: unknown) => hooks.within(url, before(arg), () => original.call(tracker, arg))
    }
    // A socket shared with another torrent may already be open: then no connect event comes.
    if (tracker.socket?.connected) hooks.connected(url)
    wrap('_onSocketConnect', () => (hooks.connected(url), false))
    wrap('_onSocketError', (err) => (hooks.failed(url, socketErrorReason(err)), true))
    wrap('_onSocketClose', () => (hooks.failed(url, 'the tracker closed the connection'), true))
    wrap('_onSocketData', () => false)
    wrap('_onAnnounceResponse', (data) => onReply(url, data, hooks))
  }
}

/** An announce reply or a relayed offer/answer: only those for this torrent and not from us count. */
function onReply(url: string, data: unknown, hooks: TrackerHooks): boolean {
  if (typeof data !== 'object' || data === null) return false
  const reply = data as Record<string, unknown>
  if (reply['info_hash'] !== hooks.infoHashBinary || (reply['peer_id'] !== undefined && reply['peer_id'] === hooks.peerIdBinary)) return false
  const failure = reply['failure reason']
  if (failure !== undefined) {
    hooks.failed(url, `the tracker refused the announce: ${String(failure)}`)
    return true
  }
  if (reply['interval'] !== undefined || reply['complete'] !== undefined || reply['incomplete'] !== undefined) {
    hooks.announced(url, { seeders: num(reply['complete']), leechers: num(reply['incomplete']) })
  } else hooks.connected(url)
  return false
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' ? value : undefined
}
