import type { ChunkStore, ChunkStoreOptions } from '../storage/chunk-store.ts'

/**
 * A chunk store that is still opening, usable at once: each call waits for the store. Opening storage
 * (loading the OPFS code, starting its worker, looking for an older IndexedDB copy) takes tens of ms,
 * and a magnet link's first pieces need not wait for it: they are verified and served from memory
 * before they are committed. A store that fails to open fails every call; close and destroy then resolve.
 */
export function deferredStore(opening: Promise<ChunkStore>, opts: ChunkStoreOptions): ChunkStore {
  let open: ChunkStore | null = null
  const ready = opening.then((store) => (open = store))
  const idle = ready.catch(() => null)
  return {
    chunkLength: opts.chunkLength,
    length: opts.length,
    get fastReads() {
      return open?.fastReads === true
    },
    // Read once a put settled, and then the store is open.
    get releasesPuts() {
      return open?.releasesPuts === true
    },
    put: (index, data) => (open ? open.put(index, data) : ready.then((s) => s.put(index, data))),
    get: (index, offset, length) => (open ? open.get(index, offset, length) : ready.then((s) => s.get(index, offset, length))),
    // Only once open, and only when the store reads runs: a seed read each piece with its own worker round trip without it.
    get getRun() {
      return open?.getRun?.bind(open)
    },
    keys: () => ready.then((s) => s.keys()),
    close: () => idle.then((s) => s?.close()),
    destroy: () => idle.then((s) => s?.destroy()),
  }
}
