import { pieceCount } from '../metainfo/layout.ts'
import type { InfoDictionary } from '../metainfo/types.ts'
import type { ChunkStore } from '../storage/chunk-store.ts'
import type { BlobSource } from './blob-source.ts'
import { SLAB_BYTES } from './piece-reader.ts'

function pieceSize(info: InfoDictionary, index: number): number {
  const last = pieceCount(info) - 1
  return index === last ? info.length - info.pieceLength * last : info.pieceLength
}

/**
 * After a reload: every piece found in storage is hashed again before it counts as had, so a write
 * cut short (or any damage) is fetched again and never served. Returns the indexes that are intact.
 */
export async function verifyStored(
  store: ChunkStore,
  info: InfoDictionary,
  check: (index: number, data: Uint8Array) => Promise<boolean>,
  stopped: () => boolean,
): Promise<number[]> {
  const kept: number[] = []
  const count = pieceCount(info)
  for (const index of await store.keys()) {
    if (stopped()) break
    if (index >= count) continue
    const data = await store.get(index).catch(() => null)
    if (!data || data.length !== pieceSize(info, index)) continue
    if (await check(index, data)) kept.push(index)
  }
  return kept
}

/** Copies a seed's pieces from its Files into storage, a slab at a time (each Blob read is an IPC round trip). */
export async function copyToStore(source: BlobSource, store: ChunkStore, info: InfoDictionary, stopped: () => boolean): Promise<void> {
  const stored = new Set(await store.keys())
  const pl = info.pieceLength
  const numPieces = pieceCount(info)
  const perSlab = Math.max(1, Math.floor(SLAB_BYTES / pl))
  for (let first = 0; first < numPieces && !stopped(); first += perSlab) {
    const last = Math.min(numPieces - 1, first + perSlab - 1)
    let missing = false
    for (let i = first; i <= last; i++) if (!stored.has(i)) missing = true
    if (!missing) continue
    const slab = await source.read(first * pl, last * pl + pieceSize(info, last) - first * pl)
    if (stopped()) return
    const puts: Promise<void>[] = []
    for (let i = first; i <= last; i++) {
      const offset = (i - first) * pl
      if (!stored.has(i)) puts.push(store.put(i, slab.subarray(offset, offset + pieceSize(info, i))))
    }
    await Promise.all(puts)
  }
}
