/**
 * `viewers --trace`: why viewers stall. At each stall it records the piece the playhead waits for and
 * what the viewer's session knew of it then: which connected peers showed it, which of those unchoked
 * us, which had our requests for it, and how many peers in the whole swarm held it. Printed as a summary
 * by cause and by time since joining, plus the first stalls in full. Tooling only: figures are not changed.
 */
import type { TorrentRuntime } from '../torrent/torrent-runtime.ts'
import type { SimPeer } from './sim-peer.ts'
import type { Simulation } from './simulation.ts'

export interface StallRecord {
  viewer: string
  /** Seconds since the viewer joined. */
  at: number
  piece: number
  durationMs: number | null
  connected: number
  /** Connected peers that showed the piece (bitfield or haves). */
  showing: string[]
  /** …and unchoked us. */
  unchoking: string[]
  /** Peers with our requests for the piece in flight. */
  asked: string[]
  /** Present peers in the swarm that held it. */
  swarmHolders: number
  seeder: 'absent' | 'choking' | 'unchoking'
  /** The viewer's pieces verified, and its buffer (bytes read ahead of the playhead are 0 at a stall). */
  have: number
}

type Cause = 'not in the swarm yet' | 'nobody connected shows it' | 'shown only by peers that choke us' | 'asked, on its way' | 'shown and unchoked, not asked'

function causeOf(s: StallRecord): Cause {
  if (s.asked.length > 0) return 'asked, on its way'
  if (s.unchoking.length > 0) return 'shown and unchoked, not asked'
  if (s.showing.length > 0) return 'shown only by peers that choke us'
  return s.swarmHolders === 0 ? 'not in the swarm yet' : 'nobody connected shows it'
}

export class ViewerTrace {
  readonly stalls: StallRecord[] = []
  /** Each second: the seeder's blocks sent, distinct blocks sent, the first block never sent, and the viewers' median playhead piece. */
  readonly seederLines: string[] = []
  readonly #sim: Simulation
  readonly #byId = new Map<string, SimPeer>()

  constructor(sim: Simulation, viewers: readonly SimPeer[]) {
    this.#sim = sim
    for (const p of sim.peers) this.#byId.set(p.peerIdHex, p)
    const hooked = new Set<SimPeer>()
    const timer = sim.clock.setInterval(() => {
      for (const v of viewers) {
        if (hooked.has(v) || !v.player) continue
        hooked.add(v)
        v.player.onStall = (byte) => this.#onStall(v, byte)
        v.player.onResume = () => this.#onResume(v)
      }
      if (hooked.size === viewers.length) sim.clock.clearInterval(timer)
    }, 10)
    const seeder = sim.peers.find((p) => p.spec.role === 'seeder')
    const perPiece = sim.content.info.pieceLength / 16384
    const sampler = sim.clock.setInterval(() => {
      const sent = seeder?.blocksSent
      if (!sent || sim.clock.now() > 60_000) return sim.clock.clearInterval(sampler)
      let total = 0
      let distinct = 0
      let hole = -1
      for (let b = 0; b < sent.length; b++) {
        total += sent[b]!
        if (sent[b]! > 0) distinct++
        else if (hole < 0) hole = b
      }
      const heads = viewers.flatMap((v) => (v.player ? [v.player.playhead] : [])).sort((a, b) => a - b)
      const head = heads.length ? Math.floor(heads[heads.length >> 1]! / sim.content.info.pieceLength) : -1
      this.seederLines.push(`  ${(sim.clock.now() / 1000).toFixed(0)} s: seeder sent ${total} blocks, ${distinct} distinct, first never sent: piece ${Math.floor(hole / perPiece)}; median playhead piece ${head} (${heads.length} playing)`)
    }, 1000)
  }

  #label(id: string): string {
    const p = this.#byId.get(id)
    return p ? `${p.label}(${p.spec.cls})` : id.slice(0, 8)
  }

  #onStall(v: SimPeer, byte: number): void {
    const now = this.#sim.clock.now()
    const piece = Math.floor(byte / this.#sim.content.info.pieceLength)
    // The session's own peer records (the control is the runtime; the sim reads it, never changes it).
    const records = (v.control as TorrentRuntime | null)?.swarm?.peers ?? []
    const showing = records.filter((r) => r.session.pieces?.get(piece))
    const seederRecord = records.find((r) => this.#byId.get(r.id)?.spec.role === 'seeder')
    this.stalls.push({
      viewer: v.label,
      at: (now - v.joinedAt!) / 1000,
      piece,
      durationMs: null,
      connected: records.length,
      showing: showing.map((r) => this.#label(r.id)),
      unchoking: showing.filter((r) => !r.session.peerChoking).map((r) => this.#label(r.id)),
      asked: records.filter((r) => [...r.download.requests.values()].some((q) => q.index === piece)).map((r) => this.#label(r.id)),
      swarmHolders: this.#sim.availability(piece),
      seeder: !seederRecord ? 'absent' : seederRecord.session.peerChoking ? 'choking' : 'unchoking',
      have: v.torrent?.bitfield ? countBits(v.torrent.bitfield) : 0,
    })
  }

  #onResume(v: SimPeer): void {
    const open = this.stalls.findLast((s) => s.viewer === v.label && s.durationMs === null)
    if (open) open.durationMs = this.#sim.clock.now() - v.joinedAt! - open.at * 1000
  }

  /** Text: stalls and stalled seconds by cause and by time since joining, then the first `detail` stalls. */
  report(detail = 20): string {
    const lines: string[] = []
    const total = this.stalls.reduce((n, s) => n + (s.durationMs ?? 0), 0) / 1000
    lines.push(`stalls: ${this.stalls.length}, stalled ${total.toFixed(1)} s in all`)
    const byCause = new Map<Cause, StallRecord[]>()
    for (const s of this.stalls) byCause.set(causeOf(s), [...(byCause.get(causeOf(s)) ?? []), s])
    for (const [cause, list] of byCause) {
      const secs = list.reduce((n, s) => n + (s.durationMs ?? 0), 0) / 1000
      const seederUnchokes = list.filter((s) => s.seeder === 'unchoking').length
      lines.push(`  ${cause}: ${list.length} stalls, ${secs.toFixed(1)} s; seeder unchoking the viewer in ${seederUnchokes}`)
    }
    const buckets = new Map<number, StallRecord[]>()
    for (const s of this.stalls) {
      const b = Math.floor(s.at / 10) * 10
      buckets.set(b, [...(buckets.get(b) ?? []), s])
    }
    lines.push('by seconds since joining (stalls, stalled s, median piece, median swarm holders, median peers showing it):')
    for (const b of [...buckets.keys()].sort((x, y) => x - y)) {
      const list = buckets.get(b)!
      const med = (f: (s: StallRecord) => number) => list.map(f).sort((x, y) => x - y)[list.length >> 1]
      const secs = list.reduce((n, s) => n + (s.durationMs ?? 0), 0) / 1000
      lines.push(`  ${b}–${b + 10} s: ${list.length}, ${secs.toFixed(1)} s, piece ${med((s) => s.piece)}, holders ${med((s) => s.swarmHolders)}, showing ${med((s) => s.showing.length)}`)
    }
    lines.push('the seeder, each second:', ...this.seederLines.slice(0, 40))
    lines.push(`first ${detail} stalls:`)
    for (const s of this.stalls.slice(0, detail)) {
      lines.push(
        `  ${s.viewer} +${s.at.toFixed(2)} s, ${s.durationMs === null ? '?' : (s.durationMs / 1000).toFixed(2)} s: piece ${s.piece} (have ${s.have}); ${s.connected} peers, swarm holders ${s.swarmHolders}; showing [${s.showing.join(' ')}], unchoking [${s.unchoking.join(' ')}], asked [${s.asked.join(' ')}]; seeder ${s.seeder}`,
      )
    }
    return lines.join('\n')
  }
}

function countBits(bytes: Uint8Array): number {
  let n = 0
  for (const b of bytes) for (let x = b; x; x &= x - 1) n++
  return n
}
