import { describe, expect, it } from 'vitest'
import { testClients } from '../test-support/clients.ts'
import { connect, once } from '../test-support/connect.ts'
import { MemoryChunkStore, type ChunkStore, type ChunkStoreOptions } from '../storage/index.ts'
import { StorageError } from '../util/errors.ts'


const client = testClients()

describe('storage full', () => {
  it('pauses the torrent with a clear warning, stores nothing partial, and finishes after space is freed and it resumes', async () => {
    const data = new Uint8Array(20 * 16384).map((_, i) => (i * 11) & 0xff)
    const seedClient = client()
    const seeder = seedClient.seed(new File([data], 'full.bin'), { pieceLength: 16384 })
    await once(seeder, 'ready')

    let room = 5
    const createStore = async (opts: ChunkStoreOptions): Promise<ChunkStore> => {
      const store = new MemoryChunkStore(opts)
      return {
        chunkLength: store.chunkLength,
        length: store.length,
        put: async (i, d) => {
          if (room <= 0) throw new StorageError('QUOTA_EXCEEDED', 'Storage is full: free space by removing torrents, or allow more storage for this site.')
          room--
          return store.put(i, d)
        },
        get: (i, o, l) => store.get(i, o, l),
        keys: () => store.keys(),
        close: () => store.close(),
        destroy: () => store.destroy(),
      }
    }
    const leechClient = client({ createStore })
    const leecher = leechClient.add(seeder.torrentFile!)
    await once(leecher, 'ready')
    const warnings: string[] = []
    leecher.on('warning', (w) => warnings.push(w.code))
    connect(seeder, leecher)
    await new Promise<void>((resolve) => leecher.once('paused', () => resolve()))
    expect(leecher.storageFull).toBe(true)
    expect(warnings).toContain('QUOTA_EXCEEDED')
    expect(leecher.error).toBeNull()
    const had = leecher.downloaded
    expect(had).toBe(5 * 16384)

    room = Infinity
    leecher.resume()
    await once(leecher, 'done')
    expect(new Uint8Array(await leecher.files[0]!.arrayBuffer())).toEqual(data)
  })
})
