/**
 * `--timeline FILE`: a per-peer timeline, sampled every second of virtual time, of what can limit a download —
 * the peer's download rate against its downlink, how many neighbours have pieces it lacks, how many of
 * those unchoke it, its requests in flight, how busy its own uplink is and whom it serves. Written as JSON
 * (one row of numbers per peer per sample, the columns named once) for offline analysis.
 */
import { writeFile } from 'node:fs/promises'
import type { SimPeer } from './sim-peer.ts'
import type { Simulation } from './simulation.ts'

export const TRACE_COLUMNS = [
  't', // virtual s
  'have', // pieces verified
  'down', // bytes received since the last sample, per second
  'up', // bytes uploaded since the last sample, per second
  'conns', // admitted peers
  'useful', // of them, holding a piece we lack (from their real bitfields; a super-seeder counts as holding all)
  'amInterested', // we told them interested
  'unchokedBy', // they unchoke us
  'usefulUnchoking', // they unchoke us and hold a piece we lack
  'requests', // our requests in flight, all peers
  'interestedInUs', // they are interested in us
  'weUnchoke', // we unchoke them
  'missingNowhere', // pieces we lack that no neighbour holds
  'minNeighbourAvail', // fewest neighbours holding any piece we lack (-1: we lack none)
  'fastUnchoking', // neighbours with the fastest uplink class that unchoke us and hold a piece we lack
  'fastRequests', // our requests in flight to them
  'fastOffer', // pieces they hold that we lack, the fewest among them (-1: none)
] as const

export interface TraceRow {
  peer: number
  cls: string
  role: string
  freeRider: boolean
  upCapacity: number
  downCapacity: number
  joinAt: number
  doneAt: number | null
  samples: number[][]
  /** Per sample, the peers this one unchokes (their indices): who gets its upload. */
  unchoked: number[][]
}

const has = (bits: Uint8Array, i: number) => (bits[i >> 3]! & (0x80 >> (i & 7))) !== 0

export class Timeline {
  readonly #sim: Simulation
  readonly #rows: TraceRow[]
  readonly #last = new Map<SimPeer, { up: number; down: number }>()
  readonly #byId = new Map<string, SimPeer>()
  readonly #fastest: number

  constructor(sim: Simulation, everyMs = 1000) {
    this.#sim = sim
    this.#rows = sim.peers.map((p) => ({
      peer: p.index,
      cls: p.spec.cls,
      role: p.spec.role,
      freeRider: p.spec.freeRider ?? false,
      upCapacity: Math.min(p.spec.upBytesPerSecond, p.spec.uploadLimit ?? Infinity),
      downCapacity: p.spec.downBytesPerSecond,
      joinAt: p.spec.joinAtMs / 1000,
      doneAt: null,
      samples: [],
      unchoked: [],
    }))
    for (const p of sim.peers) this.#byId.set(p.peerIdHex, p)
    this.#fastest = Math.max(...sim.peers.filter((p) => p.spec.role === 'leecher').map((p) => p.spec.upBytesPerSecond))
    sim.clock.setInterval(() => this.#sample(everyMs / 1000), everyMs)
  }

  async write(file: string): Promise<void> {
    for (const row of this.#rows) row.doneAt = this.#sim.peers[row.peer]!.doneAt === null ? null : this.#sim.peers[row.peer]!.doneAt! / 1000
    await writeFile(file, JSON.stringify({ columns: TRACE_COLUMNS, peers: this.#rows }))
  }

  #sample(dt: number): void {
    const t = this.#sim.clock.now() / 1000
    for (const p of this.#sim.peers) {
      const torrent = p.torrent
      if (!p.present || !torrent) continue
      const totals = p.totals()
      const last = this.#last.get(p) ?? { up: 0, down: 0 }
      this.#last.set(p, { up: totals.uploaded, down: totals.received })
      const mine = torrent.bitfield
      if (!mine) continue
      const n = this.#sim.content.info.pieceHashes.length
      const avail = new Int32Array(n)
      let useful = 0
      let amInterested = 0
      let unchokedBy = 0
      let usefulUnchoking = 0
      let requests = 0
      let interestedInUs = 0
      let weUnchoke = 0
      let fastUnchoking = 0
      let fastRequests = 0
      let fastOffer = Infinity
      const unchoked: number[] = []
      for (const info of torrent.peers) {
        const other = this.#byId.get(info.id)
        if (!info.amChoking && other) unchoked.push(other.index)
        const bits = other?.torrent?.bitfield ?? null
        let gives = 0
        if (bits) {
          for (let i = 0; i < n; i++) {
            if (has(bits, i) && !has(mine, i)) {
              avail[i]!++
              gives++
            }
          }
        }
        if (gives && !info.peerChoking && other?.spec.role === 'leecher' && other.spec.upBytesPerSecond === this.#fastest) {
          fastUnchoking++
          fastRequests += info.requests
          fastOffer = Math.min(fastOffer, gives)
        }
        if (gives) useful++
        if (info.amInterested) amInterested++
        if (!info.peerChoking) unchokedBy++
        if (!info.peerChoking && gives) usefulUnchoking++
        requests += info.requests
        if (info.peerInterested) interestedInUs++
        if (!info.amChoking) weUnchoke++
      }
      let missingNowhere = 0
      let minAvail = Infinity
      for (let i = 0; i < n; i++) {
        if (has(mine, i)) continue
        if (avail[i] === 0) missingNowhere++
        minAvail = Math.min(minAvail, avail[i]!)
      }
      this.#rows[p.index]!.unchoked.push(unchoked)
      this.#rows[p.index]!.samples.push([
        t,
        torrent.bitfield ? countBits(mine, n) : 0,
        Math.round((totals.received - last.down) / dt),
        Math.round((totals.uploaded - last.up) / dt),
        torrent.peers.length,
        useful,
        amInterested,
        unchokedBy,
        usefulUnchoking,
        requests,
        interestedInUs,
        weUnchoke,
        missingNowhere,
        minAvail === Infinity ? -1 : minAvail,
        fastUnchoking,
        fastRequests,
        fastOffer === Infinity ? -1 : fastOffer,
      ])
    }
  }
}

function countBits(bits: Uint8Array, n: number): number {
  let c = 0
  for (let i = 0; i < n; i++) if (has(bits, i)) c++
  return c
}
