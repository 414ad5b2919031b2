/**
 * A piece that passed its hash (v1: SHA-1 of the piece; v2: the merkle root) is readable by this page's
 * streams before its storage write commits, and counts as had only once it is stored. Real clients over
 * in-memory channels; the store holds its writes until the test releases them (a slow IndexedDB).
 */
import { describe, expect, it } from 'vitest'
import { bytesEqual } from '../util/bytes.ts'
import { MemoryChunkStore } from '../storage/index.ts'
import { readAll, testClients } from '../test-support/clients.ts'
import { connect, once } from '../test-support/connect.ts'
import { patternBytes } from '../test-support/swarm-lab.ts'

const client = testClients()
const PIECE = 65536

describe('reading a verified piece before its storage write commits', () => {
  for (const version of ['v1', 'v2'] as const) {
    it(`${version}: a stream opened after piece 0 passed gets it at once; the piece is had once stored`, async () => {
      const data = patternBytes(4 * PIECE, 7)
      const seeder = client().seed(new File([data as Uint8Array<ArrayBuffer>], 'movie.bin'), { version, pieceLength: PIECE })
      await once(seeder, 'ready')
      const held: { index: number; release: () => void }[] = []
      const leecher = client({
        createStore: async (o) => {
          const store = new MemoryChunkStore(o)
          const put = store.put.bind(store)
          store.put = (index, bytes) => new Promise<void>((resolve, reject) => held.push({ index, release: () => void put(index, bytes).then(resolve, reject) }))
          return store
        },
      }).add(seeder.torrentFile!)
      await once(leecher, 'ready')
      connect(seeder, leecher)
      await waitFor(() => held.some((h) => h.index === 0))
      expect(leecher.hasPiece(0)).toBe(false)
      const bytes = await readAll(leecher.files[0]!.stream({ start: 0, end: PIECE - 1 }))
      expect(bytesEqual(bytes, data.subarray(0, PIECE))).toBe(true)
      expect(leecher.hasPiece(0)).toBe(false)
      for (const h of held.splice(0)) h.release()
      await waitFor(() => leecher.hasPiece(0))
    })
  }
})

/** Polls a condition on the event loop (no wall-clock assertion: the test's own timeout bounds it). */
async function waitFor(ok: () => boolean): Promise<void> {
  while (!ok()) await new Promise((resolve) => setTimeout(resolve, 5))
}
