import type { ChunkStore, ChunkStoreOptions } from './chunk-store.ts'
import { IdbChunkStore } from './idb-chunk-store.ts'
import { MemoryChunkStore } from './memory-chunk-store.ts'

export type { ChunkStore, ChunkStoreOptions } from './chunk-store.ts'
export { ChunkGeometry } from './chunk-store.ts'
export { MemoryChunkStore } from './memory-chunk-store.ts'
export { IdbChunkStore, idbDatabaseName } from './idb-chunk-store.ts'

export type ChunkStoreKind = 'indexeddb' | 'memory'

/** Opens the chunk store of one torrent; 'indexeddb' opens (or creates) its database first. */
export async function createChunkStore(kind: ChunkStoreKind, opts: ChunkStoreOptions): Promise<ChunkStore> {
  return kind === 'memory' ? new MemoryChunkStore(opts) : IdbChunkStore.open(opts)
}
export { IdbTorrentRegistry, MemoryTorrentRegistry, type TorrentRecord, type TorrentRegistry } from './torrent-registry.ts'
