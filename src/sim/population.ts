/** Who is in a simulated swarm: link classes, join times, behaviour. */
import type { Rng } from './random.ts'
import type { PeerSpec } from './sim-peer.ts'
import type { PlayerConfig } from './player.ts'

export const MB = 1e6

export interface LinkClass {
  name: string
  share: number
  up: number
  down: number
}

/**
 * The brief's uplink mix, with downlinks of home broadband of that upload speed (8, 32 and 160 Mbit/s up;
 * 80, 200 and 400 Mbit/s down). Per-peer CPU would cap a real browser tab near 20–30 MB/s (README, *Measured*).
 */
export const UPLINK_MIX: readonly LinkClass[] = [
  { name: '1 MB/s', share: 0.3, up: 1 * MB, down: 10 * MB },
  { name: '4 MB/s', share: 0.5, up: 4 * MB, down: 25 * MB },
  { name: '20 MB/s', share: 0.2, up: 20 * MB, down: 50 * MB },
]

/** One-way access latency of a peer, ms (a path adds both ends: 10–80 ms one way, 20–160 ms round trip). */
export const ACCESS_LATENCY_MS: readonly [number, number] = [5, 40]

/** Exactly `share × n` of each class (largest remainders), in a seeded random order. */
export function assignClasses(n: number, mix: readonly LinkClass[], rng: Rng): LinkClass[] {
  const exact = mix.map((c) => c.share * n)
  const counts = exact.map(Math.floor)
  const order = exact.map((v, i) => [v - Math.floor(v), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1])
  for (let k = 0; counts.reduce((a, b) => a + b, 0) < n; k++) counts[order[k % order.length]![1]]!++
  const out: LinkClass[] = []
  mix.forEach((c, i) => {
    for (let k = 0; k < counts[i]!; k++) out.push(c)
  })
  return rng.shuffle(out)
}

/** Marks exactly round(share × members) of each class, chosen at random: e.g. the free riders of every class. */
export function pickPerClass(classes: readonly LinkClass[], share: number, rng: Rng): boolean[] {
  const marked = new Array<boolean>(classes.length).fill(false)
  for (const cls of new Set(classes)) {
    const members = classes.flatMap((c, i) => (c === cls ? [i] : []))
    for (const i of rng.shuffle(members).slice(0, Math.round(share * members.length))) marked[i] = true
  }
  return marked
}

export interface LeecherOptions {
  rng: Rng
  mix?: readonly LinkClass[]
  /** Each leecher's class, when the caller drew them (else drawn from `mix`). */
  classes?: readonly LinkClass[]
  /** Arrival times, ms (one per leecher). */
  joinAt: readonly number[]
  leave?: PeerSpec['leave']
  /** Per leecher: leave once this fraction is verified (overrides `leave`). */
  abortAt?: readonly (number | null)[]
  freeRiders?: readonly boolean[]
  magnet?: boolean
  viewer?: PlayerConfig
  latencyMs?: readonly [number, number]
}

export function leechers(opts: LeecherOptions): PeerSpec[] {
  const { rng } = opts
  const classes = opts.classes ?? assignClasses(opts.joinAt.length, opts.mix ?? UPLINK_MIX, rng)
  const [lo, hi] = opts.latencyMs ?? ACCESS_LATENCY_MS
  return classes.map((c, i) => {
    const abort = opts.abortAt?.[i]
    const leave = abort != null ? { atProgress: abort } : opts.leave
    return {
      role: 'leecher',
      cls: c.name,
      upBytesPerSecond: c.up,
      downBytesPerSecond: c.down,
      latencyMs: rng.uniform(lo, hi),
      joinAtMs: opts.joinAt[i]!,
      ...(leave ? { leave } : {}),
      ...(opts.freeRiders?.[i] ? { freeRider: true } : {}),
      ...(opts.magnet ? { magnet: true } : {}),
      ...(opts.viewer ? { viewer: opts.viewer } : {}),
    } satisfies PeerSpec
  })
}

/** `n` arrival times spread uniformly at random over [from, from + windowMs], in order. */
export function uniformArrivals(n: number, from: number, windowMs: number, rng: Rng): number[] {
  return Array.from({ length: n }, () => from + rng.uniform(0, windowMs)).sort((a, b) => a - b)
}

/** Poisson arrivals at `perSecond` over [from, to). */
export function poissonArrivals(perSecond: number, from: number, to: number, rng: Rng): number[] {
  const out: number[] = []
  for (let t = from + rng.exponential(1000 / perSecond); t < to; t += rng.exponential(1000 / perSecond)) out.push(t)
  return out
}

/** The seeder: its link, and the session's own upload cap (as `client.uploadLimit` sets it). */
export function seeder(opts: { up: number; down?: number; uploadLimit?: number; latencyMs?: number }): PeerSpec {
  return {
    role: 'seeder',
    cls: 'seeder',
    upBytesPerSecond: opts.up,
    downBytesPerSecond: opts.down ?? opts.up,
    latencyMs: opts.latencyMs ?? 10,
    joinAtMs: 0,
    ...(opts.uploadLimit ? { uploadLimit: opts.uploadLimit } : {}),
  }
}
