import { describe, expect, it } from 'vitest'
import { Client } from './client.ts'
import { testClients } from '../test-support/clients.ts'
import { connect, once } from '../test-support/connect.ts'
import { MemoryChunkStore, MemoryTorrentRegistry, type ChunkStore, type ChunkStoreOptions } from '../storage/index.ts'


/** Storage that outlives a Client, as IndexedDB outlives a page load. */
function disk() {
  const stores = new Map<string, MemoryChunkStore>()
  const registry = new MemoryTorrentRegistry()
  const createStore = async (opts: ChunkStoreOptions): Promise<ChunkStore> => {
    let store = stores.get(opts.name)
    if (!store) stores.set(opts.name, (store = new MemoryChunkStore(opts)))
    const disk = store
    // Closing a page closes its handle, not the data.
    return {
      chunkLength: disk.chunkLength,
      length: disk.length,
      put: (i, data) => disk.put(i, data),
      get: (i, o, l) => disk.get(i, o, l),
      keys: () => disk.keys(),
      close: async () => undefined,
      destroy: () => disk.destroy(),
    }
  }
  return { stores, registry, createStore }
}

const newClient = testClients()
function client(d?: ReturnType<typeof disk>): Client {
  return newClient(d ? { persist: true, registry: d.registry, createStore: d.createStore } : {})
}

describe('resume after reload', () => {
  it('brings a half-downloaded torrent back, keeps verified pieces, refetches a damaged one, and finishes', async () => {
    const data = new Uint8Array(32 * 16384).map((_, i) => (i * 5) & 0xff)
    const seeder = client().seed(new File([data], 'big.bin'), { pieceLength: 16384 })
    await once(seeder, 'ready')
    const d = disk()
    const first = client(d)
    const leecher = first.add(seeder.magnetURI)
    await once(leecher, 'infoHash')
    first.downloadLimit = 150_000
    connect(seeder, leecher)
    await new Promise<void>((resolve) => leecher.on('verified', () => leecher.downloaded >= data.length / 2 && resolve()))
    const infoHash = leecher.infoHash
    await first.destroy() // the page goes away mid-download
    const store = d.stores.get(infoHash)!
    const kept = (await store.keys()).length
    expect(kept).toBeGreaterThanOrEqual(16)
    expect(kept).toBeLessThan(32)
    // A piece whose bytes are wrong in storage must not count as had.
    const damaged = (await store.keys())[0]!
    await store.put(damaged, new Uint8Array(16384).fill(0xab))

    const second = client(d)
    const [restored] = await second.restored
    await once(restored!, 'ready')
    expect(restored!.infoHash).toBe(infoHash)
    expect(restored!.resumedPieces).toBe(kept - 1)
    expect(restored!.hasPiece(damaged)).toBe(false)
    let fetched = 0
    restored!.on('verified', () => fetched++)
    connect(seeder, restored!)
    await once(restored!, 'done')
    expect(fetched).toBe(32 - (kept - 1))
    expect(new Uint8Array(await restored!.files[0]!.arrayBuffer())).toEqual(data)
  })

  it('brings a v2 torrent started from its urn:btmh link back: stored pieces are checked against its merkle tree', async () => {
    const data = new Uint8Array(24 * 32768 - 1000).map((_, i) => (i * 7 + 1) & 0xff)
    const seeder = client().seed(new File([data], 'v2.bin'), { pieceLength: 32768, version: 'v2' })
    await once(seeder, 'ready')
    const d = disk()
    const first = client(d)
    const leecher = first.add(seeder.magnetURI)
    await once(leecher, 'infoHash')
    first.downloadLimit = 200_000
    connect(seeder, leecher)
    await new Promise<void>((resolve) => leecher.on('verified', () => leecher.downloaded >= data.length / 2 && resolve()))
    const infoHash = leecher.infoHash
    await first.destroy()
    const store = d.stores.get(infoHash)!
    const keys = await store.keys()
    const damaged = keys[0]!
    await store.put(damaged, new Uint8Array(32768).fill(0xcd))

    const second = client(d)
    const [restored] = await second.restored
    await once(restored!, 'ready')
    expect(restored!.infoHashV2).toBe(seeder.infoHashV2)
    expect(restored!.resumedPieces).toBe(keys.length - 1)
    expect(restored!.hasPiece(damaged)).toBe(false)
    connect(seeder, restored!)
    await once(restored!, 'done')
    expect(new Uint8Array(await restored!.files[0]!.arrayBuffer())).toEqual(data)
    expect(restored!.stats!.v2.blocksVerified).toBeGreaterThan(0)
  })

  it('forgets a removed torrent', async () => {
    const d = disk()
    const c = client(d)
    const t = c.add('magnet:?xt=urn:btih:' + 'ab'.repeat(20))
    await once(t, 'infoHash')
    // The registry write starts on 'infoHash'; wait for it to land.
    while ((await d.registry.list()).length === 0) await new Promise((r) => setImmediate(r))
    expect(await d.registry.list()).toHaveLength(1)
    await c.remove(t)
    expect(await d.registry.list()).toHaveLength(0)
  })
})
