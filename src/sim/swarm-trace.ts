/**
 * `flash-crowd --trace`: what the downloading leechers' links and connections do, each second. Per second:
 * leechers still downloading, the swarm's download rate, how much of their uplinks they use, and per
 * leecher (medians) how many peers it is connected to, how many have pieces it wants (it is interested),
 * how many of those unchoke it, and how many it unchokes. Tooling only: figures are not changed.
 */
import type { TorrentRuntime } from '../torrent/torrent-runtime.ts'
import type { SimPeer } from './sim-peer.ts'
import type { Simulation } from './simulation.ts'

const median = (xs: number[]) => (xs.length ? xs.sort((a, b) => a - b)[xs.length >> 1]! : NaN)

export class SwarmTrace {
  readonly lines: string[] = []

  constructor(sim: Simulation, leechers: readonly SimPeer[], untilMs = 60_000) {
    let lastUp = new Map<SimPeer, number>()
    let lastDown = 0
    const timer = sim.clock.setInterval(() => {
      if (sim.clock.now() > untilMs) return sim.clock.clearInterval(timer)
      const active = leechers.filter((p) => p.present && p.doneAt === null && p.control)
      let up = 0
      let capacity = 0
      const upNow = new Map<SimPeer, number>()
      for (const p of active) {
        const u = p.totals().uploaded
        upNow.set(p, u)
        up += u - (lastUp.get(p) ?? u)
        capacity += p.spec.upBytesPerSecond
      }
      lastUp = upNow
      const down = sim.peers.reduce((n, p) => n + p.totals().received, 0)
      const rate = down - lastDown
      lastDown = down
      const stats = active.map((p) => {
        const peers = (p.control as TorrentRuntime).swarm?.peers ?? []
        const wanted = peers.filter((r) => r.session.amInterested)
        return {
          connected: peers.length,
          interested: wanted.length,
          unchokedBy: wanted.filter((r) => !r.session.peerChoking).length,
          unchoking: peers.filter((r) => !r.session.amChoking).length,
          wantUs: peers.filter((r) => r.session.peerInterested).length,
        }
      })
      const m = (k: keyof (typeof stats)[number]) => median(stats.map((s) => s[k]))
      this.lines.push(
        `  ${(sim.clock.now() / 1000).toFixed(0)} s: ${active.length} downloading, ${(rate / 1e6).toFixed(1)} MB/s into the swarm, uplinks ${capacity ? ((100 * up) / capacity).toFixed(0) : '-'} % used; per leecher: ${m('connected')} peers, interested in ${m('interested')}, unchoked by ${m('unchokedBy')} of them, unchokes ${m('unchoking')}, ${m('wantUs')} interested in it`,
      )
    }, 1000)
  }

  report(): string {
    return ['each second (medians per downloading leecher):', ...this.lines].join('\n')
  }
}
