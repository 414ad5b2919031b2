import type { ChunkStore } from '../storage/chunk-store.ts'
import type { BlobSource } from './blob-source.ts'

/** Whole pieces kept in memory for serving: peers ask for a piece's blocks one after another. */
const CACHE_PIECES = 8

/**
 * Reads verified pieces for uploads and file streams: a small LRU of whole pieces in front of
 * the seeded Files (when seeding) and the chunk store.
 */
export class PieceReader {
  #cache = new Map<number, Promise<Uint8Array | null>>()

  constructor(
    private readonly store: ChunkStore,
    private readonly pieceOffset: (index: number) => number,
    private readonly pieceSize: (index: number) => number,
    private readonly source: BlobSource | null,
  ) {}

  /** The whole piece, or null when it is not stored. */
  readPiece(index: number): Promise<Uint8Array | null> {
    const hit = this.#cache.get(index)
    if (hit) {
      this.#cache.delete(index)
      this.#cache.set(index, hit)
      return hit
    }
    const read = this.source
      ? this.source.read(this.pieceOffset(index), this.pieceSize(index))
      : this.store.get(index)
    this.#cache.set(index, read)
    read.then(
      (bytes) => {
        if (!bytes) this.#cache.delete(index)
      },
      () => this.#cache.delete(index),
    )
    while (this.#cache.size > CACHE_PIECES) this.#cache.delete(this.#cache.keys().next().value!)
    return read
  }

  /** A freshly verified piece goes into the cache, since peers will ask for it next. */
  remember(index: number, data: Uint8Array): void {
    this.#cache.set(index, Promise.resolve(data))
    while (this.#cache.size > CACHE_PIECES) this.#cache.delete(this.#cache.keys().next().value!)
  }

  clear(): void {
    this.#cache.clear()
  }
}
