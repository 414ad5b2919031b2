/** TorrentFile.available: every piece is ours or at a connected peer (what the player's start rule asks). */
import { describe, expect, it } from 'vitest'
import { testLabs } from '../test-support/labs.ts'
import { makeMeta, patternBytes } from '../test-support/swarm-lab.ts'

const newLab = testLabs()
const PIECE = 16384

describe('TorrentFile.available', () => {
  it('is false with no peer, true once a seeder shows every piece, and true when all pieces are ours', async () => {
    const lab = newLab()
    const meta = makeMeta(patternBytes(64 * PIECE, 5), PIECE, 'movie.bin')
    const seeder = (await lab.seeder(meta)).torrent
    const leecher = (await lab.leecher(meta)).torrent
    expect(leecher.files[0]!.available).toBe(false)
    lab.connect(seeder, leecher, { latencyMs: 5 })
    await lab.advance(100)
    expect(leecher.files[0]!.available).toBe(true)
    await lab.runUntil(() => leecher.done, 60_000)
    await seeder.destroy()
    await lab.advance(100)
    expect(leecher.numPeers).toBe(0)
    expect(leecher.files[0]!.available).toBe(true)
  })

  it('is false for a viewer that a super-seeding seeder shows only some pieces', async () => {
    const lab = newLab()
    const meta = makeMeta(patternBytes(256 * PIECE, 6), PIECE, 'movie.bin')
    const seeder = (await lab.seeder(meta, { uploadLimit: 128 * 1024 })).torrent
    const first = (await lab.leecher(meta)).torrent
    const viewer = (await lab.leecher(meta)).torrent
    lab.connect(seeder, first, { latencyMs: 5 })
    await lab.advance(100)
    lab.connect(seeder, viewer, { latencyMs: 5 })
    await lab.advance(100)
    expect(viewer.numPeers).toBe(1)
    expect(viewer.files[0]!.available).toBe(false)
  })
})
