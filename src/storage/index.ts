import type { ChunkStore, ChunkStoreOptions } from './chunk-store.ts'
import { StorageError } from '../util/errors.ts'
import { IdbChunkStore } from './idb-chunk-store.ts'
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
 */
/** The OPFS store loads with the first torrent that uses it: pages that never store pieces skip its code. */
async function openOpfs(opts: ChunkStoreOptions): Promise<ChunkStore> {
  const { OpfsChunkStore } = await import('./opfs-chunk-store.ts')
  return OpfsChunkStore.open(opts)
}

export async function createChunkStore(kind: ChunkStoreKind, opts: ChunkStoreOptions): Promise<ChunkStore> {
  if (kind === 'memory') return new MemoryChunkStore(opts)
  if (kind === 'indexeddb') return IdbChunkStore.open(opts)
  if (kind === 'opfs') return openOpfs(opts)
  if (!opfsAvailable() || (await IdbChunkStore.exists(opts.name))) return IdbChunkStore.open(opts)
  try {
    return await openOpfs(opts)
  } catch (err) {
    // Another tab holds this torrent's files: a second copy in IndexedDB would split it.
    if (err instanceof StorageError && err.code === 'STORE_LOCKED') throw err
    return IdbChunkStore.open(opts)
  }
}
export { IdbTorrentRegistry, MemoryTorrentRegistry, type TorrentRecord, type TorrentRegistry } from './torrent-registry.ts'
