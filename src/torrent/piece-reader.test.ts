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
