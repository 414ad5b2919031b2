/**
 * A small simulated swarm through the whole simulator (tracker, links, real sessions): it finishes,
 * every leecher's stored bytes pass SHA-1, and a second run with the same seed is identical.
 */
import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { bytesEqual } from '../util/bytes.ts'
import { makeContent, makeData, pieceOf } from './content.ts'
import { MB, leechers, seeder, uniformArrivals } from './population.ts'
import { fork } from './random.ts'
import { Simulation } from './simulation.ts'

const sha1 = (data: Uint8Array) => new Uint8Array(createHash('sha1').update(data).digest())
const PIECE = 64 * 1024
const content = makeContent(makeData(4 * 2 ** 20, PIECE, 7), PIECE, sha1)

interface Outcome {
  digest: string
  doneAt: (number | null)[]
  uploaded: number[]
  samples: number
  events: number
}

async function run(seed: number, verify: boolean): Promise<Outcome> {
  const rng = fork(seed, 'population')
  const peers = [seeder({ up: 2 * MB, uploadLimit: 1 * MB }), ...leechers({ rng, joinAt: uniformArrivals(19, 0, 2000, rng) })]
  const sim = new Simulation({ seed, content, peers, store: 'memory' })
  const ls = sim.peers.filter((p) => p.spec.role === 'leecher')
  const result = await sim.run(300_000, () => ls.every((p) => p.doneAt !== null))
  expect(result.timedOut).toBe(false)
  if (verify) {
    for (const peer of ls) {
      for (let i = 0; i < content.info.pieceHashes.length; i++) {
        const stored = await peer.store!.get(i)
        expect(stored, `peer ${peer.index} piece ${i}`).not.toBeNull()
        expect(bytesEqual(sha1(stored!), content.info.pieceHashes[i]!)).toBe(true)
        expect(bytesEqual(stored!, pieceOf(content, i))).toBe(true)
      }
    }
  }
  const outcome = { digest: result.digest, doneAt: sim.peers.map((p) => p.doneAt), uploaded: sim.peers.map((p) => p.totals().uploaded), samples: result.samples.length, events: result.events }
  await sim.shutdown()
  return outcome
}

describe('swarm simulator', () => {
  it('runs 20 real sessions to completion; every leecher holds bytes that pass SHA-1; the same seed repeats exactly', async () => {
    const first = await run(11, true)
    // The leechers traded among themselves: the seeder (1 MB/s) did not send every copy.
    const total = first.uploaded.reduce((a, b) => a + b, 0)
    expect(total).toBeGreaterThanOrEqual(19 * content.info.length)
    expect(first.uploaded[0]! / total).toBeLessThan(0.5)
    expect(await run(11, false)).toEqual(first)
    expect((await run(12, false)).digest).not.toBe(first.digest)
  }, 60_000)
})
