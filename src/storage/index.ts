import type { ChunkStore, ChunkStoreOptions } from './chunk-store.ts'
import { IdbChunkStore, idbDatabaseName } from './idb-chunk-store.ts'
import { MemoryChunkStore } from './memory-chunk-store.ts'
import { opfsAvailable } from './opfs-available.ts'

export type { ChunkStore, ChunkStoreOptions } from './chunk-store.ts'
export { ChunkGeometry } from './chunk-store.ts'
export { MemoryChunkStore } from './memory-chunk-store.ts'
export { IdbChunkStore, idbDatabaseName } from './idb-chunk-store.ts'

/** 'auto': the origin private file system where the browser offers it, else IndexedDB (see createChunkStore). */
export type ChunkStoreKind = 'auto' | 'opfs' | 'indexeddb' | 'memory'

/**
 * Opens the chunk store of one torrent. 'auto' prefers OPFS (a fraction of IndexedDB's CPU per MB) and
 * takes IndexedDB when OPFS cannot be used here (no OPFS, private browsing, a page that may not start a
 * worker) or when the torrent is already kept in IndexedDB (stored before, or by a browser without OPFS).
 * The OPFS code loads with the first torrent that uses it.
 */
export async function createChunkStore(kind: ChunkStoreKind, opts: ChunkStoreOptions): Promise<ChunkStore> {
  if (kind === 'memory') return new MemoryChunkStore(opts)
  const openIdb = (o: ChunkStoreOptions) => IdbChunkStore.open(o)
  if (kind === 'indexeddb' || (kind === 'auto' && !opfsAvailable())) return openIdb(opts)
  const opfs = await import('./opfs-chunk-store.ts')
  return kind === 'opfs' ? opfs.OpfsChunkStore.open(opts) : opfs.openAuto(opts, idbDatabaseName(opts.name), openIdb)
}
export { IdbTorrentRegistry, MemoryTorrentRegistry, type TorrentRecord, type TorrentRegistry } from './torrent-registry.ts'
