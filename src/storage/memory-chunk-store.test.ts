import { describe, expect, it } from 'vitest'
import { StorageError } from '../util/errors.ts'
import { chunkStoreCompliance } from '../test-support/chunk-store-compliance.ts'
import { createChunkStore, MemoryChunkStore } from './index.ts'

describe('MemoryChunkStore compliance', () => {
  chunkStoreCompliance((opts) => new MemoryChunkStore(opts), {
    test: (name, fn) => it(name, fn),
    expectEqual: (a, b, msg) => expect(a, msg).toEqual(b),
  })
})

describe('MemoryChunkStore', () => {
  it('reports the last chunk length', () => {
    const s = new MemoryChunkStore({ name: 'aa', chunkLength: 16, length: 40 })
    expect(s.lastChunkLength).toBe(8)
    const exact = new MemoryChunkStore({ name: 'aa', chunkLength: 16, length: 32 })
    expect(exact.lastChunkLength).toBe(16)
  })

  it('rejects bad options with BAD_OPTIONS', () => {
    expect(() => new MemoryChunkStore({ name: '', chunkLength: 16, length: 32 })).toThrow(StorageError)
    for (const bad of [
      { name: 'aa', chunkLength: 0, length: 32 },
      { name: 'aa', chunkLength: 16, length: -1 },
      { name: 'aa', chunkLength: 1.5, length: 32 },
    ]) {
      expect(() => new MemoryChunkStore(bad)).toThrow(expect.objectContaining({ code: 'BAD_OPTIONS' }))
    }
  })

  it('createChunkStore("memory") gives a working memory store', async () => {
    const s = await createChunkStore('memory', { name: 'bb', chunkLength: 4, length: 6 })
    expect(s).toBeInstanceOf(MemoryChunkStore)
    await s.put(1, new Uint8Array([1, 2]))
    expect(await s.get(1)).toEqual(new Uint8Array([1, 2]))
  })

  it('createChunkStore("indexeddb") says what to do when IndexedDB is missing (Node)', async () => {
    await expect(createChunkStore('indexeddb', { name: 'cc', chunkLength: 4, length: 6 })).rejects.toMatchObject({
      code: 'IDB_UNAVAILABLE',
    })
  })
})
