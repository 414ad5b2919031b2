/**
 * A run: the clock, the tracker, the peers joining on schedule, and what is recorded on the way
 * (an event-log digest, piece availability among present peers, a time series). Scenarios build the
 * peer list; `run` plays it until the stop condition holds or the time limit.
 */
import { PieceBufferPool } from '../util/piece-buffers.ts'
import { SimClock } from './sim-clock.ts'
import type { SimContent } from './content.ts'
import { fork } from './random.ts'
import { SimPeer, type PeerSpec, type PeerWorld } from './sim-peer.ts'
import { SimTrackerServer, type TrackerConfig } from './sim-tracker.ts'

export interface SimConfig {
  seed: number
  content: SimContent
  peers: PeerSpec[]
  tracker?: Omit<TrackerConfig, 'clock' | 'rng'>
  /** Virtual-time resolution, ms (default 1). */
  resolutionMs?: number
  store?: 'shared' | 'memory'
  /** Upload read cache of each session, pieces (default 0 with the shared store: reads are views). */
  readCachePieces?: number
  /** Lend piece buffers to the sessions where that is safe (default true; false: a fresh one per piece). */
  pieceBuffers?: boolean
  /** Time series sample period, virtual ms (default 1000). */
  sampleMs?: number
  /** Called with a one-line status every 10 virtual seconds (the CLI prints it). */
  progress?: ((line: string) => void) | undefined
}

export interface Sample {
  t: number
  present: number
  done: number
  /** Fewest present peers holding any one piece. */
  minAvailability: number
  /** Bytes received per second by all present peers since the previous sample. */
  downRate: number
}

export interface RunResult {
  endMs: number
  timedOut: boolean
  wallMs: number
  cpuMs: number
  events: number
  ticks: number
  digest: string
  samples: Sample[]
}

/** Idle piece buffers kept for reuse, across all peers. */
const MAX_FREE_BYTES = 64 * 1024 * 1024

/** A cap on every run's virtual time, ms (`--until`: profile or sample a big crowd without running it to the end). */
let runLimitMs = Infinity

export function setRunLimit(ms: number): void {
  runLimitMs = ms > 0 ? ms : Infinity
}

export class Simulation {
  readonly clock: SimClock
  readonly tracker: SimTrackerServer
  readonly peers: SimPeer[]
  readonly content: SimContent
  /**
   * Piece buffers the sessions share (shared store, no read cache); undefined: each session pools its own
   * (see TorrentDeps.pieceBuffers); null: a fresh buffer per piece.
   */
  readonly buffers: PieceBufferPool | null | undefined
  readonly #avail: Int32Array
  readonly #sampleMs: number
  readonly samples: Sample[] = []
  #digest = 0x811c9dc5
  #digestHi = 0x01000193
  #lastReceived = 0
  readonly #progress: ((line: string) => void) | undefined
  #wall0 = 0

  constructor(cfg: SimConfig) {
    this.clock = new SimClock(cfg.resolutionMs ?? 1)
    this.content = cfg.content
    this.#sampleMs = cfg.sampleMs ?? 1000
    this.#progress = cfg.progress
    this.tracker = new SimTrackerServer({ latencyMs: 10, ...cfg.tracker, clock: this.clock, rng: fork(cfg.seed, 'tracker') })
    this.#avail = new Int32Array(cfg.content.info.pieceHashes.length)
    const store = cfg.store ?? 'shared'
    const readCachePieces = cfg.readCachePieces ?? (store === 'shared' ? 0 : undefined)
    const { pieceLength } = cfg.content.info
    this.buffers = cfg.pieceBuffers === false ? null : store === 'shared' && readCachePieces === 0 ? new PieceBufferPool(pieceLength, Math.ceil(MAX_FREE_BYTES / pieceLength)) : undefined
    const world: PeerWorld = {
      clock: this.clock,
      content: cfg.content,
      tracker: this.tracker,
      store,
      readCachePieces,
      buffers: this.buffers,
      events: {
        verified: (peer, index) => {
          if (peer.leftAt === null) this.#avail[index]!++
          this.#log(peer.index, 2, index)
        },
        done: (peer) => this.#log(peer.index, 3, 0),
        left: (peer, bitfield) => {
          this.#log(peer.index, 4, 0)
          if (bitfield) for (let i = 0; i < this.#avail.length; i++) if (bitfield[i >> 3]! & (0x80 >> (i & 7))) this.#avail[i]!--
        },
      },
    }
    this.peers = cfg.peers.map((spec, i) => new SimPeer(i, spec, world, fork(cfg.seed, `peer/${i}`)))
  }

  /** Runs until `stop()` holds (checked every virtual instant) or `maxMs` of virtual time. */
  async run(maxMs: number, stop: () => boolean): Promise<RunResult> {
    const wall0 = (this.#wall0 = performance.now())
    const cpu0 = process.cpuUsage()
    for (const peer of this.peers) {
      this.clock.setTimeout(() => {
        this.#log(peer.index, 1, 0)
        if (peer.spec.role === 'seeder') this.#avail.forEach((_, i) => this.#avail[i]!++)
        void peer.join()
      }, peer.spec.joinAtMs)
    }
    const sampler = this.clock.setInterval(() => this.#sample(), this.#sampleMs)
    const end = await this.clock.run(Math.min(maxMs, runLimitMs), stop)
    this.clock.clearInterval(sampler)
    this.#sample()
    const cpu = process.cpuUsage(cpu0)
    return {
      endMs: end,
      timedOut: !stop(),
      wallMs: performance.now() - wall0,
      cpuMs: (cpu.user + cpu.system) / 1000,
      events: this.clock.fired,
      ticks: this.clock.ticks,
      digest: this.digest,
      samples: this.samples,
    }
  }

  /** Closes every session still open (their timers stop). */
  async shutdown(): Promise<void> {
    await Promise.all(this.peers.filter((p) => p.present).map((p) => p.leave()))
    await this.clock.run(this.clock.now() + 1)
  }

  /** A digest of the event log (joins, verified pieces, completions, departures, with their times). */
  get digest(): string {
    return (this.#digestHi >>> 0).toString(16).padStart(8, '0') + (this.#digest >>> 0).toString(16).padStart(8, '0')
  }

  /** How many present peers hold each piece. */
  availability(index: number): number {
    return this.#avail[index]!
  }

  #log(peer: number, kind: number, arg: number): void {
    for (const v of [Math.round(this.clock.now() * 1000), peer, kind, arg]) {
      this.#digest = Math.imul(this.#digest ^ v, 0x01000193)
      this.#digestHi = Math.imul(this.#digestHi ^ (v + (this.#digest >>> 16)), 0x85ebca6b)
    }
  }

  #sample(): void {
    let min = Infinity
    for (let i = 0; i < this.#avail.length; i++) if (this.#avail[i]! < min) min = this.#avail[i]!
    let present = 0
    let done = 0
    let received = 0
    for (const p of this.peers) {
      if (p.present) present++
      if (p.doneAt !== null && p.spec.role === 'leecher') done++
      received += p.totals().received
    }
    const t = this.clock.now()
    const last = this.samples.at(-1)
    const dt = last ? (t - last.t) / 1000 : this.#sampleMs / 1000
    this.samples.push({ t, present, done, minAvailability: min, downRate: dt > 0 ? (received - this.#lastReceived) / dt : 0 })
    this.#lastReceived = received
    if (this.#progress && t % 10_000 < this.#sampleMs) {
      const wall = (performance.now() - this.#wall0) / 1000
      this.#progress(`${(t / 1000).toFixed(0)} s virtual, ${wall.toFixed(0)} s wall: ${present} present, ${done} leechers done, ${(this.samples.at(-1)!.downRate / 1e6).toFixed(1)} MB/s, ${this.clock.fired} events`)
    }
  }
}
