/**
 * The simulator lends piece buffers to its sessions' assemblers (each session gives one back once its
 * piece is stored): a run must be the same as one where every piece gets a fresh buffer. A buffer lent again while
 * a piece still used it would mix two pieces' blocks and fail their digests, and the run would differ.
 */
import { describe, expect, it } from 'vitest'
import { makeContent, makeData, cheapDigest } from './content.ts'
import { MB, leechers, seeder, uniformArrivals } from './population.ts'
import { fork } from './random.ts'
import { Simulation } from './simulation.ts'

const PIECE = 64 * 1024
const content = makeContent(makeData(4 * 2 ** 20, PIECE, 3), PIECE, cheapDigest)

async function run(pieceBuffers: boolean) {
  const rng = fork(5, 'population')
  const peers = [seeder({ up: 2 * MB, uploadLimit: 1 * MB }), ...leechers({ rng, joinAt: uniformArrivals(19, 0, 2000, rng) })]
  const sim = new Simulation({ seed: 5, content, peers, pieceBuffers })
  const ls = sim.peers.filter((p) => p.spec.role === 'leecher')
  const result = await sim.run(300_000, () => ls.every((p) => p.doneAt !== null))
  expect(result.timedOut).toBe(false)
  const outcome = {
    digest: result.digest,
    doneAt: sim.peers.map((p) => p.doneAt),
    hashFailures: sim.peers.map((p) => p.torrent?.stats?.hashFailures ?? 0),
  }
  await sim.shutdown()
  return { outcome, pool: sim.buffers }
}

describe('piece buffers in the simulator', () => {
  it('lends buffers again and again, and the run is the same as with a fresh buffer per piece', async () => {
    const fresh = await run(false)
    expect(fresh.pool).toBeNull()
    const lent = await run(true)
    expect(lent.outcome).toEqual(fresh.outcome)
    expect(lent.outcome.hashFailures.every((n) => n === 0)).toBe(true)
    const pieces = 19 * content.info.pieceHashes.length
    expect(lent.pool!.lent).toBeGreaterThanOrEqual(pieces)
    // Most pieces got a buffer an earlier piece gave back.
    expect(lent.pool!.allocated).toBeLessThan(pieces / 4)
  }, 60_000)
})
