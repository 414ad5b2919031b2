import { describe, expect, it } from 'vitest'
import { chunkStoreCompliance } from '../test-support/chunk-store-compliance.ts'
import { MemoryChunkStore } from '../storage/index.ts'
import type { ChunkStore } from '../storage/chunk-store.ts'
import { deferredStore } from './deferred-store.ts'

const later = <T>(value: () => T) => new Promise<T>((resolve, reject) => setTimeout(() => { try { resolve(value()) } catch (e) { reject(e) } }, 5))

describe('deferredStore compliance (a memory store that opens 5 ms later)', () => {
  chunkStoreCompliance((opts) => deferredStore(later(() => new MemoryChunkStore(opts)), opts), {
    test: (name, fn) => it(name, fn),
    expectEqual: (a, b, msg) => expect(a, msg).toEqual(b),
  })
})

describe('deferredStore', () => {
  const opts = { name: 'aa', chunkLength: 4, length: 10 }

  it('keeps calls made while the store opens, in order', async () => {
    let opened: MemoryChunkStore | null = null
    const store = deferredStore(later(() => (opened = new MemoryChunkStore(opts))), opts)
    expect(store.fastReads).toBe(false)
    const put = store.put(1, new Uint8Array([1, 2, 3, 4]))
    const got = store.get(1)
    expect(opened).toBeNull()
    await put
    expect(await got).toEqual(new Uint8Array([1, 2, 3, 4]))
    expect(await opened!.get(1)).toEqual(new Uint8Array([1, 2, 3, 4]))
    expect(store.fastReads).toBe((opened as ChunkStore | null)?.fastReads === true)
  })

  it('reads runs through the open store once it has opened, when that store can', async () => {
    const runs: number[][] = []
    const withRuns = (): ChunkStore => {
      const inner = new MemoryChunkStore(opts)
      return Object.assign(inner, {
        getRun: (first: number, count: number) => {
          runs.push([first, count])
          return Promise.all(Array.from({ length: count }, (_, i) => inner.get(first + i)))
        },
      })
    }
    const store = deferredStore(later(withRuns), opts)
    expect(store.getRun).toBeUndefined()
    await store.put(0, new Uint8Array([1, 2, 3, 4]))
    expect(await store.getRun!(0, 2)).toEqual([new Uint8Array([1, 2, 3, 4]), null])
    expect(runs).toEqual([[0, 2]])
    const plain = deferredStore(later(() => new MemoryChunkStore(opts)), opts)
    await plain.put(0, new Uint8Array(4))
    expect(plain.getRun).toBeUndefined()
  })

  it('fails every call when the store cannot open, and still closes', async () => {
    const store: ChunkStore = deferredStore(later<ChunkStore>(() => { throw new Error('quota') }), opts)
    await expect(store.put(0, new Uint8Array(4))).rejects.toThrow('quota')
    await expect(store.keys()).rejects.toThrow('quota')
    await expect(store.close()).resolves.toBeUndefined()
    await expect(store.destroy()).resolves.toBeUndefined()
  })
})
