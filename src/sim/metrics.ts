/** The figures a run yields: completion times, the fluid bound, shares, ratios by class, the last pieces. */
import type { SimPeer } from './sim-peer.ts'
import type { Simulation } from './simulation.ts'

export interface Distribution {
  n: number
  min: number
  p5: number
  median: number
  mean: number
  p95: number
  max: number
}

export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN
  const at = (sorted.length - 1) * q
  const lo = Math.floor(at)
  const hi = Math.ceil(at)
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (at - lo)
}

export function distribution(values: readonly number[]): Distribution {
  const s = [...values].sort((a, b) => a - b)
  const mean = s.reduce((a, b) => a + b, 0) / Math.max(1, s.length)
  return { n: s.length, min: s[0] ?? NaN, p5: quantile(s, 0.05), median: quantile(s, 0.5), mean, p95: quantile(s, 0.95), max: s.at(-1) ?? NaN }
}

/** What a peer can upload: its link, or the session's upload limit, or nothing (a free rider). */
export function effectiveUpload(p: SimPeer): number {
  if (p.spec.freeRider) return 0
  return Math.min(p.spec.upBytesPerSecond, p.spec.uploadLimit ?? Infinity)
}

export interface FluidBound {
  /** Seconds: max(F/u_s, N·F/(u_s + Σu_i), F/d_min). */
  seconds: number
  seederTerm: number
  swarmTerm: number
  downlinkTerm: number
}

/** The fluid model's lower bound on the time for all of `leechers` to finish (Kumar & Ross). */
export function fluidBound(bytes: number, seeders: readonly SimPeer[], leechers: readonly SimPeer[]): FluidBound {
  const us = seeders.reduce((n, p) => n + effectiveUpload(p), 0)
  const ui = leechers.reduce((n, p) => n + effectiveUpload(p), 0)
  const dmin = Math.min(...leechers.map((p) => p.spec.downBytesPerSecond))
  const seederTerm = bytes / us
  const swarmTerm = (leechers.length * bytes) / (us + ui)
  const downlinkTerm = bytes / dmin
  return { seconds: Math.max(seederTerm, swarmTerm, downlinkTerm), seederTerm, swarmTerm, downlinkTerm }
}

export const seconds = (ms: number): number => Math.round(ms) / 1000

/** Per peer, seconds from `t0` (e.g. the crowd's first arrival) to done; only peers that finished. */
export function doneSince(peers: readonly SimPeer[], t0: (p: SimPeer) => number): number[] {
  return peers.filter((p) => p.doneAt !== null).map((p) => seconds(p.doneAt! - t0(p)))
}

/** The seeders' uploaded bytes over everyone's. */
export function seederShare(sim: Simulation): number {
  let seed = 0
  let all = 0
  for (const p of sim.peers) {
    const up = p.totals().uploaded
    all += up
    if (p.spec.role === 'seeder') seed += up
  }
  return all > 0 ? seed / all : 0
}

export interface ClassFigures {
  cls: string
  peers: number
  uploadedMB: number
  receivedMB: number
  /** Uploaded ÷ received of the class as a whole. */
  ratio: number
  /** Median of each peer's own ratio. */
  medianPeerRatio: number
  /** Seconds from join to done. */
  download: Distribution
}

/** Figures per peer class (leechers only), in the order the classes first appear. */
export function byClass(peers: readonly SimPeer[], classOf: (p: SimPeer) => string = (p) => p.spec.cls): ClassFigures[] {
  const groups = new Map<string, SimPeer[]>()
  for (const p of peers) {
    if (p.spec.role !== 'leecher') continue
    const key = classOf(p)
    groups.set(key, [...(groups.get(key) ?? []), p])
  }
  return [...groups].map(([cls, members]) => {
    const totals = members.map((p) => p.totals())
    const up = totals.reduce((n, t) => n + t.uploaded, 0)
    const down = totals.reduce((n, t) => n + t.received, 0)
    const ratios = totals.filter((t) => t.received > 0).map((t) => t.uploaded / t.received)
    return {
      cls,
      peers: members.length,
      uploadedMB: up / 1e6,
      receivedMB: down / 1e6,
      ratio: down > 0 ? up / down : 0,
      medianPeerRatio: distribution(ratios).median,
      download: distribution(doneSince(members, (p) => p.joinedAt!)),
    }
  })
}

/** Seconds from 95 % to 100 % of the pieces, and that span over the time the 5 % would take at the peer's mean rate. */
export function lastPieces(peers: readonly SimPeer[]): { seconds: Distribution; slowdown: Distribution } {
  const done = peers.filter((p) => p.spec.role === 'leecher' && p.doneAt !== null && p.at95 !== null)
  const spans = done.map((p) => (p.doneAt! - p.at95!) / 1000)
  const slowdown = done.map((p) => {
    const total = (p.doneAt! - (p.readyAt ?? p.joinedAt!)) / 1000
    return total > 0 ? (p.doneAt! - p.at95!) / 1000 / (0.05 * total) : 0
  })
  return { seconds: distribution(spans), slowdown: distribution(slowdown) }
}

/** Block bytes received that were thrown away (duplicates, late copies) over all block bytes received. */
export function wasteShare(peers: readonly SimPeer[]): number {
  let discarded = 0
  let received = 0
  for (const p of peers) {
    const s = p.stats
    if (!s) continue
    discarded += s.discardedBytes
    received += s.receivedBytes
  }
  return received > 0 ? discarded / received : 0
}

export interface SeederFigures {
  /** Bytes the seeders uploaded, in copies of the torrent. */
  copies: number
  /** Blocks a seeder sent more than once, over all blocks. */
  resentBlocks: number
  /** Seconds from `t0` until every block had left a seeder at least once (null: never). */
  firstCopyOut: number | null
}

export function seederFigures(sim: Simulation, t0: number): SeederFigures {
  const seeders = sim.peers.filter((p) => p.spec.role === 'seeder')
  const up = seeders.reduce((n, p) => n + p.totals().uploaded, 0)
  const sent = seeders[0]?.blocksSent
  const resent = sent ? sent.reduce((n, v) => n + (v > 1 ? 1 : 0), 0) / sent.length : 0
  const out = seeders[0]?.firstCopyOutAt ?? null
  return { copies: up / sim.content.info.length, resentBlocks: resent, firstCopyOut: out === null ? null : seconds(out - t0) }
}
