/**
 * A torrent whose store copies what it is given reuses its piece buffers: a stored piece's buffer is
 * assembled into again. Nothing that outlives the store's write may see that: a stream that read the
 * piece before its write committed, and a peer served from the read cache. Real clients over in-memory
 * channels; the seeder's upload limit keeps the download going while the later pieces reuse buffers.
 */
import { describe, expect, it } from 'vitest'
import { bytesEqual, concatBytes } from '../util/bytes.ts'
import { MemoryChunkStore } from '../storage/index.ts'
import { readAll, testClients } from '../test-support/clients.ts'
import { connect, once } from '../test-support/connect.ts'
import { patternBytes } from '../test-support/swarm-lab.ts'

const client = testClients()
const PIECE = 16384
const PIECES = 96

describe('reused piece buffers', () => {
  it("a stream's bytes of a piece read before its commit stay the piece's after later pieces arrive", async () => {
    const data = patternBytes(PIECES * PIECE, 11)
    const seeder = client({ uploadLimit: 1024 * 1024 }).seed(new File([data as Uint8Array<ArrayBuffer>], 'a.bin'), { pieceLength: PIECE })
    await once(seeder, 'ready')
    let first: { index: number; release: () => void } | null = null
    const leecher = client({
      createStore: async (o) => {
        const store = new MemoryChunkStore(o)
        const put = store.put.bind(store)
        store.put = (index, bytes) => {
          if (first) return put(index, bytes)
          return new Promise<void>((resolve, reject) => (first = { index, release: () => void put(index, bytes).then(resolve, reject) }))
        }
        return store
      },
    }).add(seeder.torrentFile!)
    await once(leecher, 'ready')
    connect(seeder, leecher)
    await waitFor(() => first !== null)
    const held = first!
    const reader = leecher.files[0]!.stream({ start: held.index * PIECE, end: (held.index + 1) * PIECE - 1 }).getReader()
    const chunks: Uint8Array[] = []
    for (let r = await reader.read(); !r.done; r = await reader.read()) chunks.push(r.value)
    held.release()
    await once(leecher, 'done')
    expect(leecher.progress).toBe(1)
    const expected = data.subarray(held.index * PIECE, (held.index + 1) * PIECE)
    expect(bytesEqual(concatBytes(chunks), expected)).toBe(true)
  })

  it('a leecher serves a downstream peer from its read cache the bytes it verified', async () => {
    const data = patternBytes(PIECES * PIECE, 12)
    const seeder = client({ uploadLimit: 1024 * 1024 }).seed(new File([data as Uint8Array<ArrayBuffer>], 'b.bin'), { pieceLength: PIECE })
    await once(seeder, 'ready')
    const middle = client().add(seeder.torrentFile!)
    const last = client().add(seeder.torrentFile!)
    await Promise.all([once(middle, 'ready'), once(last, 'ready')])
    connect(seeder, middle)
    connect(middle, last)
    await Promise.all([once(middle, 'done'), once(last, 'done')])
    expect(last.stats!.hashFailures).toBe(0)
    expect(bytesEqual(await readAll(last.files[0]!.stream()), data)).toBe(true)
  })
})

/** Polls a condition on the event loop (no wall-clock assertion: the test's own timeout bounds it). */
async function waitFor(ok: () => boolean): Promise<void> {
  while (!ok()) await new Promise((resolve) => setTimeout(resolve, 5))
}
