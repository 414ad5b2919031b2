/** A seeder that masks its pieces (super-seeding) still serves a Swarmstream viewer the piece under its reader at once. */
import { describe, expect, it } from 'vitest'
import { bytesEqual } from '../util/bytes.ts'
import { readAll } from '../test-support/clients.ts'
import { testLabs } from '../test-support/labs.ts'
import { makeMeta, patternBytes } from '../test-support/swarm-lab.ts'

const newLab = testLabs()
const PIECE = 16384

describe('super-seeding and a viewer', () => {
  it('a masked viewer gets the piece under its reader from the seeder soon, not after the pieces offered before it', async () => {
    const lab = newLab()
    const data = patternBytes(256 * PIECE, 3)
    const meta = makeMeta(data, PIECE, 'movie.bin')
    // Capped, so it takes seconds to hand every piece out once (then it would tell everyone everything).
    const seeder = (await lab.seeder(meta, { uploadLimit: 128 * 1024 })).torrent
    const first = (await lab.leecher(meta)).torrent
    const viewer = (await lab.leecher(meta)).torrent
    lab.connect(seeder, first, { latencyMs: 5 })
    await lab.advance(100)
    const order: number[] = []
    viewer.on('verified', (i) => order.push(i))
    const start = 250 * PIECE + 100
    const read = readAll(viewer.files[0]!.stream({ start, end: start + 1000 }))
    // The seeder's second peer: it is shown only the pieces offered to it.
    lab.connect(seeder, viewer, { latencyMs: 5 })
    const bytes = await lab.settle(read, 60_000)
    expect(bytesEqual(bytes, data.subarray(start, start + 1001))).toBe(true)
    // Asked for after ASK_MASKING_AFTER_MS, not after the ~250 pieces offered before it.
    expect(order.indexOf(250)).toBeGreaterThanOrEqual(0)
    expect(order.indexOf(250)).toBeLessThan(64)
  })
})
