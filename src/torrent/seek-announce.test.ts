import { describe, expect, it } from 'vitest'
import { BLOCK_LENGTH } from '../picker/index.ts'
import type { TrackerStats } from '../tracker/tracker-client.ts'
import { testLabs } from '../test-support/labs.ts'
import { labPeerId, makeMeta, patternBytes } from '../test-support/swarm-lab.ts'
import { SEEK_MS } from './idle-announce.ts'
import type { TrackerLike } from './torrent-tracker.ts'

const newLab = testLabs()

/** A tracker that counts early announces and answers with the given swarm. */
function countingTracker(swarm: { seeders: number; leechers: number }) {
  const counts = { updates: 0 }
  const createTracker = (): TrackerLike => {
    let onUpdate: (stats: TrackerStats) => void = () => undefined
    return {
      on: (event: string, listener: unknown) => {
        if (event === 'update') onUpdate = listener as typeof onUpdate
      },
      start: () => onUpdate({ url: 'wss://tracker.test', status: 'connected', lastAnnounce: 0, peers: 0, ...swarm }),
      complete: () => undefined,
      update: () => counts.updates++,
      destroy: () => undefined,
    }
  }
  return { counts, createTracker }
}

describe('seeking peers', () => {
  for (const [swarm, expected] of [
    [{ seeders: 1, leechers: 40 }, 1],
    [{ seeders: 1, leechers: 1 }, 0],
  ] as const) {
    it(`a downloading torrent with one peer, its trackers reporting ${swarm.seeders + swarm.leechers}, announces early ${expected} time(s) in 2 × SEEK_MS (the announce brings nobody: the wait doubles)`, async () => {
      const lab = newLab()
      const meta = makeMeta(patternBytes(4 * 16 * BLOCK_LENGTH), 16 * BLOCK_LENGTH)
      const { counts, createTracker } = countingTracker(swarm)
      const { torrent } = await lab.leecher(meta, { createTracker })
      // A peer with every piece that never answers: the torrent stays downloading and is never idle.
      const peer = lab.attacker(torrent, { peerId: labPeerId(2), channel: { latencyMs: 10 } })
      peer.offerEverything(meta.info.pieceHashes.length)
      await lab.advance(2 * SEEK_MS + 500)
      expect(torrent.numPeers).toBe(1)
      expect(torrent.progress).toBe(0)
      expect(counts.updates).toBe(expected)
    })
  }
})
