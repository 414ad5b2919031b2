// Storage lost while a downloaded file plays (issue 12): a leecher page plays a video from its own
// chunk store; its reads then fail as a lost IndexedDB's do, and a seek makes the player read again.
// Each player must tell the user once, through `swarmstream-error` and `onError`, naming the file.
import { expectReadFailureReported, loseStorageWhilePlaying, PLAYERS } from './support/lost-storage.ts'
import { expect, test } from './support/peers.ts'

test.describe('storage lost while playing', () => {
  for (const [label, name] of PLAYERS) {
    test(`${label}: reads that fail give one PLAYBACK_FAILED naming the file`, async ({ openPeer }) => {
      const seeder = await openPeer('seeder')
      const leecher = await openPeer('leecher')
      const result = await loseStorageWhilePlaying(seeder.page, leecher.page, name)
      console.log(`[storage lost] ${name}: ${result.store}, played to ${result.playedTo.toFixed(1)} s, ${result.held} reads held, reports ${result.events.length} (${result.beforeFailHeld} before the held reads failed)`)
      expectReadFailureReported(result, name)
      // The MP4 and WebM players read again at the seek target, which fails at once; the in-order appender waits on its held read.
      if (name !== 'fragmented.mp4') expect(result.beforeFailHeld, 'the read at the seek target failed and was reported').toBe(1)
    })
  }
})
