/** A seeder that masks its pieces (super-seeding) still serves a Swarmstream viewer the piece under its reader at once. */
import { describe, expect, it } from 'vitest'
import { bytesEqual } from '../util/bytes.ts'
import type { Attacker } from '../test-support/attacker.ts'
import { decodeExtensionHandshake } from '../wire/index.ts'
import { readAll } from '../test-support/clients.ts'
import { testLabs } from '../test-support/labs.ts'
import { makeMeta, patternBytes } from '../test-support/swarm-lab.ts'
import { PLAYING_LINGER_MS } from './stream-priorities.ts'

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

  it('tells its Swarmstream peers (ss_sup) when a reader opens and a while after the last one closes (ss_play), so a seeder can rank it as a viewer', async () => {
    const lab = newLab()
    const data = patternBytes(64 * PIECE, 4)
    const meta = makeMeta(data, PIECE, 'movie.bin')
    const { torrent } = await lab.leecher(meta)
    const swarmstream = lab.attacker(torrent, { peerId: new Uint8Array(20).fill(1), superSeed: 1, channel: { latencyMs: 5 } })
    const other = lab.attacker(torrent, { peerId: new Uint8Array(20).fill(2), channel: { latencyMs: 5 } })
    await lab.advance(100)
    const playing = (a: Attacker) => a.received.flatMap((m) => (m.type === 'extended' && m.id === 0 ? [decodeExtensionHandshake(m.payload).playing ?? false] : []))
    expect(playing(swarmstream)).toEqual([false])
    const read = readAll(torrent.files[0]!.stream({ start: 0, end: 999 }))
    const server = lab.attacker(torrent, { peerId: new Uint8Array(20).fill(3), channel: { latencyMs: 5 } })
    server.offerEverything(64)
    server.serve((i, begin, length) => data.subarray(i * PIECE + begin, i * PIECE + begin + length))
    const bytes = await lab.settle(read, 10_000)
    expect(bytes.length).toBe(1000)
    // A player opens its next range soon after closing one: it stops playing only PLAYING_LINGER_MS later.
    await lab.advance(PLAYING_LINGER_MS - 100)
    expect(playing(swarmstream)).toEqual([false, true])
    await lab.advance(200)
    expect(playing(swarmstream)).toEqual([false, true, false])
    expect(playing(other)).toEqual([false])
  })
})
