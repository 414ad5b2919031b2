// Behavioural suite shared by every ChunkStore: the memory store runs it in Vitest (Node), the IndexedDB
// store in real Chromium (e2e/idb-chunk-store.spec.ts). No Node imports, so it loads in a page too.
import { bytesEqual, randomBytes, toHex } from '../util/bytes.ts'
import { StorageError } from '../util/errors.ts'
import type { ChunkStore, ChunkStoreOptions } from '../storage/chunk-store.ts'

export interface ComplianceHarness {
  test: (name: string, fn: () => Promise<void>) => void
  expectEqual: (a: unknown, b: unknown, msg?: string) => void
}

export interface ComplianceOptions {
  /** The store keeps data across close() and reopening with the same name (IndexedDB: yes, memory: no). */
  persistent?: boolean
}

type MakeStore = (opts: ChunkStoreOptions) => Promise<ChunkStore> | ChunkStore

/** Deterministic bytes for chunk `index` so every chunk differs. */
export function chunkPattern(index: number, length: number): Uint8Array {
  const out = new Uint8Array(length)
  for (let i = 0; i < length; i++) out[i] = (index * 131 + i * 7 + (i >> 8)) & 0xff
  return out
}

async function errorCode(run: () => Promise<unknown>): Promise<string> {
  try {
    await run()
  } catch (err) {
    return err instanceof StorageError ? err.code : `non-StorageError: ${String(err)}`
  }
  return 'no error'
}

export function chunkStoreCompliance(
  makeStore: MakeStore,
  t: ComplianceHarness,
  options: ComplianceOptions = {},
): void {
  const { test, expectEqual } = t
  const same = (a: Uint8Array | null, b: Uint8Array, msg: string): void =>
    expectEqual(a !== null && bytesEqual(a, b), true, msg)
  // 4 full chunks of 1000 bytes and a short last chunk of 500.
  const small = (name = toHex(randomBytes(20))): ChunkStoreOptions => ({ name, chunkLength: 1000, length: 4500 })
  const withStore = async (opts: ChunkStoreOptions, fn: (s: ChunkStore) => Promise<void>): Promise<void> => {
    const store = await makeStore(opts)
    try {
      await fn(store)
    } finally {
      await store.destroy()
    }
  }

  test('exposes chunkLength and length', () =>
    withStore(small(), async (s) => {
      expectEqual(s.chunkLength, 1000, 'chunkLength')
      expectEqual(s.length, 4500, 'length')
    }))

  test('put then get returns the whole chunk', () =>
    withStore(small(), async (s) => {
      await s.put(1, chunkPattern(1, 1000))
      same(await s.get(1), chunkPattern(1, 1000), 'chunk 1 round trip')
    }))

  test('get returns ranges', () =>
    withStore(small(), async (s) => {
      const data = chunkPattern(2, 1000)
      await s.put(2, data)
      same(await s.get(2, 100, 50), data.slice(100, 150), 'offset 100 length 50')
      same(await s.get(2, 990), data.slice(990), 'offset only: to the end of the chunk')
      same(await s.get(2, 0, 1000), data, 'explicit full range')
      expectEqual((await s.get(2, 1000, 0))?.byteLength, 0, 'empty range at the end')
    }))

  test('the last chunk is shorter', () =>
    withStore(small(), async (s) => {
      const last = chunkPattern(4, 500)
      await s.put(4, last)
      same(await s.get(4), last, 'last chunk round trip')
      same(await s.get(4, 400, 100), last.slice(400), 'last chunk range')
      expectEqual(await errorCode(() => s.put(4, chunkPattern(4, 1000))), 'BAD_CHUNK', 'full-size last chunk')
      expectEqual(await errorCode(() => s.get(4, 400, 101)), 'BAD_CHUNK', 'range past the last chunk')
    }))

  test('a missing chunk reads as null', () =>
    withStore(small(), async (s) => {
      await s.put(0, chunkPattern(0, 1000))
      expectEqual(await s.get(3), null, 'chunk 3 never stored')
      expectEqual(await s.get(3, 10, 10), null, 'range of a missing chunk')
    }))

  test('keys lists stored chunks in ascending order', () =>
    withStore(small(), async (s) => {
      expectEqual(await s.keys(), [], 'empty store')
      await Promise.all([s.put(3, chunkPattern(3, 1000)), s.put(0, chunkPattern(0, 1000))])
      await s.put(4, chunkPattern(4, 500))
      expectEqual(await s.keys(), [0, 3, 4], 'keys after three puts')
    }))

  test('a second put of a chunk replaces it', () =>
    withStore(small(), async (s) => {
      await s.put(1, chunkPattern(1, 1000))
      await s.put(1, chunkPattern(9, 1000))
      same(await s.get(1), chunkPattern(9, 1000), 'latest data wins')
      expectEqual(await s.keys(), [1], 'still one key')
    }))

  test('range reads see a chunk written after them', () =>
    withStore(small(), async (s) => {
      await s.put(3, chunkPattern(3, 1000))
      same(await s.get(3, 0, 16), chunkPattern(3, 16), 'first range read')
      const [early] = await Promise.all([s.get(3, 16, 16), s.put(3, chunkPattern(7, 1000))])
      expectEqual(early?.byteLength, 16, 'range read racing a put returns a full range')
      same(await s.get(3, 0, 16), chunkPattern(7, 16), 'range read after overwrite')
      same(await s.get(3, 500), chunkPattern(7, 1000).slice(500), 'tail after overwrite')
    }))

  test('returned bytes are a copy and puts accept views', () =>
    withStore(small(), async (s) => {
      const backing = new Uint8Array(1200)
      backing.set(chunkPattern(0, 1000), 100)
      await s.put(0, backing.subarray(100, 1100))
      const first = await s.get(0)
      same(first, chunkPattern(0, 1000), 'stored from a subarray')
      first?.fill(0)
      same(await s.get(0), chunkPattern(0, 1000), 'mutating a result does not change the store')
    }))

  test('many concurrent puts (several batches) all land', async () => {
    const opts = { name: toHex(randomBytes(20)), chunkLength: 64 * 1024, length: 80 * 64 * 1024 - 123 }
    await withStore(opts, async (s) => {
      const n = 80
      const len = (i: number): number => (i === n - 1 ? opts.chunkLength - 123 : opts.chunkLength)
      await Promise.all(Array.from({ length: n }, (_, i) => s.put(i, chunkPattern(i, len(i)))))
      const keys = await s.keys()
      expectEqual(keys.length, n, 'all keys present')
      expectEqual(keys[n - 1], n - 1, 'last key')
      for (const i of [0, 1, 40, n - 1]) same(await s.get(i), chunkPattern(i, len(i)), `chunk ${i}`)
    })
  })

  test('bad index or data length is a StorageError BAD_CHUNK', () =>
    withStore(small(), async (s) => {
      for (const index of [-1, 5, 1.5, Number.NaN]) {
        expectEqual(await errorCode(() => s.put(index, chunkPattern(0, 1000))), 'BAD_CHUNK', `put(${index})`)
        expectEqual(await errorCode(() => s.get(index)), 'BAD_CHUNK', `get(${index})`)
      }
      expectEqual(await errorCode(() => s.put(0, chunkPattern(0, 999))), 'BAD_CHUNK', 'short chunk')
      expectEqual(await errorCode(() => s.put(0, chunkPattern(0, 1001))), 'BAD_CHUNK', 'long chunk')
      expectEqual(await errorCode(() => s.get(0, 999, 2)), 'BAD_CHUNK', 'range past the chunk')
      expectEqual(await errorCode(() => s.get(0, -1, 2)), 'BAD_CHUNK', 'negative offset')
      expectEqual(await s.keys(), [], 'nothing stored by bad calls')
    }))

  test('destroy deletes all data of the torrent', async () => {
    const opts = small()
    const s = await makeStore(opts)
    await s.put(0, chunkPattern(0, 1000))
    await s.put(4, chunkPattern(4, 500))
    await s.destroy()
    await withStore(opts, async (again) => {
      expectEqual(await again.keys(), [], 'no keys after destroy')
      expectEqual(await again.get(0), null, 'chunk 0 gone')
    })
  })

  test('a closed store refuses work with CLOSED', async () => {
    const opts = small()
    const s = await makeStore(opts)
    await s.close()
    expectEqual(await errorCode(() => s.put(0, chunkPattern(0, 1000))), 'CLOSED', 'put after close')
    expectEqual(await errorCode(() => s.get(0)), 'CLOSED', 'get after close')
    await s.destroy()
  })

  if (options.persistent) {
    test('data survives close and reopen', async () => {
      const opts = small()
      const s = await makeStore(opts)
      const pending = s.put(2, chunkPattern(2, 1000))
      await s.put(4, chunkPattern(4, 500))
      await pending
      await s.close()
      await withStore(opts, async (again) => {
        expectEqual(await again.keys(), [2, 4], 'keys after reopen')
        same(await again.get(2), chunkPattern(2, 1000), 'chunk 2 after reopen')
        same(await again.get(4, 100, 20), chunkPattern(4, 500).slice(100, 120), 'chunk 4 range after reopen')
      })
    })
    test('close commits puts that were not awaited', async () => {
      const opts = small()
      const s = await makeStore(opts)
      const puts = [0, 1, 2].map((i) => s.put(i, chunkPattern(i, 1000)))
      await s.close()
      await Promise.all(puts)
      await withStore(opts, async (again) => expectEqual(await again.keys(), [0, 1, 2], 'keys after close'))
    })
  }
}
