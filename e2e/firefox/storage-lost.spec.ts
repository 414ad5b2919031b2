// Storage lost while a downloaded file plays, in Firefox ESR (e2e/storage-lost.spec.ts in Chromium): each
// player tells the user once, through `swarmstream-error` and `onError`, that the file could not be read.
import { expectReadFailureReported, loseStorageWhilePlaying, PLAYERS } from '../support/lost-storage.ts'
import { expect, test } from '../support/firefox-peers.ts'

test.describe('Firefox: storage lost while playing', () => {
  for (const [label, name] of PLAYERS) {
    test(`${label}: reads that fail give one PLAYBACK_FAILED naming the file`, async ({ openAppPeer }) => {
      const seeder = await openAppPeer('firefox', 'seeder firefox')
      const leecher = await openAppPeer('firefox', 'leecher firefox')
      const result = await loseStorageWhilePlaying(seeder, leecher, name)
      console.log(`[storage lost] Firefox ${name}: ${result.store}, played to ${result.playedTo.toFixed(1)} s, ${result.held} reads held, reports ${result.events.length} (${result.beforeFailHeld} before the held reads failed)`)
      expectReadFailureReported(result, name)
      // The MP4 and WebM players read again at the seek target, which fails at once; the in-order appender waits on its held read.
      if (name !== 'fragmented.mp4') expect(result.beforeFailHeld, 'the read at the seek target failed and was reported').toBe(1)
    })
  }
})
