import { describe, expect, it } from 'vitest'
import { MemoryChunkStore } from '../storage/memory-chunk-store.ts'
import { BlobSource } from './blob-source.ts'
import { PieceReader, SLAB_BYTES } from './piece-reader.ts'

/** Pieces of a whole slab each, so every read of the source is one piece. */
const PIECE = SLAB_BYTES

function setup() {
  const fromFile = [new Uint8Array(PIECE).fill(1), new Uint8Array(PIECE).fill(2)]
  const store = new MemoryChunkStore({ name: 't', chunkLength: PIECE, length: 2 * PIECE })
  const source = new BlobSource([{ blob: new Blob(fromFile), offset: 0 }])
  const reader = new PieceReader(store, PIECE, 2, () => PIECE, source)
  return { store, reader }
}

describe('PieceReader', () => {
  it('serves a seed from its files, and from the store once told the files are all there', async () => {
    const { store, reader } = setup()
    // The store holds other bytes, so the test sees where each read came from.
    await store.put(0, new Uint8Array(PIECE).fill(7))
    await store.put(1, new Uint8Array(PIECE).fill(8))
    expect((await reader.readPiece(0))![0]).toBe(1)
    reader.stopReadingSource()
    expect((await reader.readPiece(1))![0]).toBe(8)
    expect(reader.cached(0)?.[0], 'pieces read before stay cached').toBe(1)
  })

  it('hands out a piece in memory without an await, and nothing for one still being read', async () => {
    const { reader } = setup()
    expect(reader.cached(0)).toBeUndefined()
    const read = reader.readPiece(0)
    expect(reader.cached(0)).toBeUndefined()
    await read
    expect(reader.cached(0)?.length).toBe(PIECE)
  })
})

describe('PieceReader over a store that reads runs', () => {
  const LEN = 256 * 1024 // four pieces per 1 MiB extent
  function runStore(stored: Set<number>, count: number) {
    const calls: string[] = []
    const bytes = (i: number) => new Uint8Array(i === count - 1 ? 1000 : LEN).fill(i + 1)
    const store = {
      chunkLength: LEN,
      length: (count - 1) * LEN + 1000,
      put: async () => {},
      keys: async () => [...stored],
      close: async () => {},
      destroy: async () => {},
      get: async (i: number) => (calls.push(`get ${i}`), stored.has(i) ? bytes(i) : null),
      getRun: async (first: number, n: number) => (calls.push(`run ${first}+${n}`), Array.from({ length: n }, (_, k) => (stored.has(first + k) ? bytes(first + k) : null))),
    }
    const reader = new PieceReader(store, LEN, count, (i) => (i === count - 1 ? 1000 : LEN), null)
    return { reader, calls }
  }

  it("reads the piece's whole extent at once and serves the rest of it from memory", async () => {
    const { reader, calls } = runStore(new Set([4, 5, 6, 7]), 10)
    expect((await reader.readPiece(6))![0]).toBe(7)
    expect(calls).toEqual(['run 4+4'])
    await new Promise((resolve) => setTimeout(resolve)) // the run's other pieces settle in later jobs
    expect([4, 5, 7].map((i) => reader.cached(i)?.[0])).toEqual([5, 6, 8])
    await reader.readPiece(5)
    expect(calls, 'no second read for the same extent').toEqual(['run 4+4'])
  })

  it('cuts the last extent at the last piece, and gives null for pieces not stored', async () => {
    const { reader, calls } = runStore(new Set([8]), 10)
    expect((await reader.readPiece(9)), 'piece 9 is not stored').toBeNull()
    expect(calls).toEqual(['run 8+2'])
    await new Promise((resolve) => setTimeout(resolve))
    expect(reader.cached(8)?.[0]).toBe(9)
    expect(reader.cached(9), 'a piece not stored is not cached').toBeUndefined()
  })
})
