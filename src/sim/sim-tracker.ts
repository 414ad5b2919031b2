/**
 * A WebSocket tracker as bittorrent-tracker 11 runs one, and the browser client's side of it:
 * - a client announces with at most 5 WebRTC offers (its numwant of 50 is cut to 5 offers), 'completed'
 *   and 'stopped' carry none, and it announces again every interval (the server's 10 min ÷ 5 = 2 min);
 * - the server keeps the swarm in an LRU of 1,000 peers (20 min TTL) and relays each offer to a peer
 *   drawn uniformly at random without replacement (random-iterate), never the announcer itself;
 * - an offer becomes a connection after the offer/answer relay and the WebRTC handshakes
 *   (ICE, DTLS, SCTP: about three round trips), unless either side refuses the other's peer id then.
 */
import { toHex } from '../util/bytes.ts'
import type { Clock, TimerId } from '../util/clock.ts'
import { TypedEmitter } from '../util/typed-emitter.ts'
import type { TrackerEvents } from '../tracker/tracker-client.ts'
import type { TrackerFactory, TrackerFactoryOptions, TrackerLike } from '../torrent/torrent-tracker.ts'
import type { Rng } from './random.ts'
import { SimChannel, type Endpoint } from './sim-channel.ts'

export const OFFERS_PER_ANNOUNCE = 5
export const ANNOUNCE_INTERVAL_MS = 120_000
export const SWARM_CACHE_PEERS = 1000
export const SWARM_CACHE_TTL_MS = 20 * 60_000

export interface TrackerConfig {
  clock: Clock
  rng: Rng
  /** One-way latency from the tracker to the core of the network, ms. */
  latencyMs: number
  offers?: number
  intervalMs?: number
  /** Fixed time from an offer's relay to an open channel, instead of the derived one (validation on loopback). */
  connectMs?: number
}

/** A simulated host the tracker can reach: its network interface and a label. */
export interface TrackerHost {
  readonly endpoint: Endpoint
  readonly label: string
  /** Sends this host's client never makes (false drops the send), e.g. a free rider's unchokes. */
  readonly sendFilter?: ((data: Uint8Array) => boolean) | null
}

interface Member {
  id: string
  client: SimTrackerClient
  seenAt: number
  /** It announced with nothing left to download. */
  complete: boolean
}

export class SimTrackerServer {
  readonly #cfg: TrackerConfig
  /** The swarm, least recently announced first. */
  readonly #members = new Map<string, Member>()
  announces = 0
  offersRelayed = 0
  connections = 0
  refused = 0

  constructor(cfg: TrackerConfig) {
    this.#cfg = cfg
  }

  get size(): number {
    return this.#members.size
  }

  /** The torrent's tracker factory for one host. */
  factory(host: TrackerHost): TrackerFactory {
    return (opts) => new SimTrackerClient(this, host, opts, this.#cfg.clock, this.#cfg.intervalMs ?? ANNOUNCE_INTERVAL_MS)
  }

  /** @internal an announce left `client` now; the server handles it once it arrives. */
  announce(client: SimTrackerClient, event: 'started' | 'update' | 'completed' | 'stopped'): void {
    const { clock } = this.#cfg
    const offers = event === 'started' || event === 'update' ? (this.#cfg.offers ?? OFFERS_PER_ANNOUNCE) : 0
    clock.setTimeout(() => this.#handle(client, event, offers), this.#oneWay(client.host))
  }

  #handle(client: SimTrackerClient, event: string, offers: number): void {
    const now = this.#cfg.clock.now()
    this.announces++
    this.#expire(now)
    if (event === 'stopped') {
      this.#members.delete(client.id)
      return
    }
    if (client.destroyed) return
    this.#members.delete(client.id)
    this.#members.set(client.id, { id: client.id, client, seenAt: now, complete: client.opts.stats().left === 0 })
    while (this.#members.size > SWARM_CACHE_PEERS) this.#members.delete(this.#members.keys().next().value!)
    for (const target of this.#pick(client.id, offers)) this.#relay(client, target.client)
    // The answer carries the swarm's seeders and leechers, as bittorrent-tracker's does.
    let seeders = 0
    for (const m of this.#members.values()) if (m.complete) seeders++
    const counts = { seeders, leechers: this.#members.size - seeders }
    this.#cfg.clock.setTimeout(() => client.answered(counts), this.#oneWay(client.host))
  }

  #expire(now: number): void {
    for (const [id, m] of this.#members) {
      if (now - m.seenAt <= SWARM_CACHE_TTL_MS) break
      this.#members.delete(id)
    }
  }

  #pick(self: string, count: number): Member[] {
    const pool = [...this.#members.values()]
    const out: Member[] = []
    for (let n = pool.length; n > 0 && out.length < count; n--) {
      const j = this.#cfg.rng.int(n)
      const m = pool[j]!
      pool[j] = pool[n - 1]!
      if (m.id !== self) out.push(m)
    }
    return out
  }

  /** Offer to `to`, answer back to `from`, then the WebRTC handshakes; both sides get a channel. */
  #relay(from: SimTrackerClient, to: SimTrackerClient): void {
    this.offersRelayed++
    const a = from.host.endpoint
    const b = to.host.endpoint
    const tracker = this.#cfg.latencyMs
    const relay = a.latencyMs + b.latencyMs + 2 * tracker
    const ms = this.#cfg.connectMs ?? relay * 2 + 6 * (a.latencyMs + b.latencyMs)
    this.#cfg.clock.setTimeout(() => {
      if (from.destroyed || to.destroyed) return
      if (from.refuses(to.id) || to.refuses(from.id)) {
        this.refused++
        return
      }
      this.connections++
      const [ca, cb] = SimChannel.pair(this.#cfg.clock, a, b, [to.host.label, from.host.label])
      ca.sendFilter = from.host.sendFilter ?? null
      cb.sendFilter = to.host.sendFilter ?? null
      from.connected(ca)
      to.connected(cb)
      from.introduced++
      to.introduced++
    }, ms)
  }

  #oneWay(host: TrackerHost): number {
    return host.endpoint.latencyMs + this.#cfg.latencyMs
  }
}

/** The torrent's side: what bittorrent-tracker's client does for one torrent and one tracker. */
class SimTrackerClient extends TypedEmitter<TrackerEvents> implements TrackerLike {
  readonly id: string
  destroyed = false
  /** Peers its offers reached whose connection opened. */
  introduced = 0
  #interval: TimerId | null = null
  #started = false

  constructor(
    readonly server: SimTrackerServer,
    readonly host: TrackerHost,
    readonly opts: TrackerFactoryOptions,
    readonly clock: Clock,
    readonly intervalMs: number,
  ) {
    super()
    this.id = toHex(opts.peerId)
  }

  start(): void {
    if (this.destroyed || this.#started) return
    this.#started = true
    this.server.announce(this, 'started')
    this.#interval = this.clock.setInterval(() => this.server.announce(this, 'update'), this.intervalMs)
  }

  complete(): void {
    if (!this.destroyed) this.server.announce(this, 'completed')
  }

  update(): void {
    if (!this.destroyed && this.#started) this.server.announce(this, 'update')
  }

  destroy(): void {
    if (this.destroyed) return
    this.destroyed = true
    this.clock.clearInterval(this.#interval)
    this.server.announce(this, 'stopped')
    this.removeAllListeners()
  }

  refuses(id: string): boolean {
    return this.opts.refuse(id)
  }

  answered(counts: { seeders: number; leechers: number }): void {
    if (this.destroyed) return
    const url = this.opts.announce[0] ?? 'sim'
    this.emit('update', { url, status: 'connected', lastAnnounce: this.clock.now(), peers: this.introduced, ...counts })
  }

  connected(channel: SimChannel): void {
    this.emit('peer', channel)
  }
}
