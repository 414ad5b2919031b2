import type { ChunkStore } from '../storage/chunk-store.ts'
import { EXTENT_BYTES } from '../picker/types.ts'
import type { BlobSource } from './blob-source.ts'

/** Memory for whole pieces kept for serving: peers ask for a piece's blocks one after another. */
export const CACHE_BYTES = 16 * 1024 * 1024
/**
 * Seeded Files are read in slabs of about this size: each Blob read is an IPC round trip to the
 * browser process, so reading one small piece per request costs more than the network (and at 1 MiB
 * slabs, `slice` + `arrayBuffer` still cost the seeder's page ~6 ms per MB sent).
 */
export const SLAB_BYTES = 4 * 1024 * 1024

/** A cached read: its promise, and its bytes once it settled (null: not stored). */
interface CacheEntry {
  read: Promise<Uint8Array | null>
  bytes?: Uint8Array | null
}

/**
 * Reads verified pieces for uploads and file streams: an LRU of whole pieces in front of
 * the seeded Files (when seeding) and the chunk store.
 */
export class PieceReader {
  #cache = new Map<number, CacheEntry>()
  #maxPieces: number
  #slabPieces: number
  /** Pieces per store read: the picker's extent, which peers ask for one piece after another. */
  #runPieces: number

  constructor(
    private readonly store: ChunkStore,
    private readonly pieceLength: number,
    private readonly numPieces: number,
    private readonly pieceSize: (index: number) => number,
    private source: BlobSource | null,
    cachePieces?: number,
  ) {
    this.#maxPieces = cachePieces ?? Math.max(8, Math.floor(CACHE_BYTES / pieceLength))
    this.#slabPieces = Math.max(1, Math.floor(SLAB_BYTES / pieceLength))
    this.#runPieces = Math.max(1, Math.floor(EXTENT_BYTES / pieceLength))
  }

  /** Whether it keeps pieces at all (the simulator's keeps none). */
  get caches(): boolean {
    return this.#maxPieces > 0
  }

  /** The whole piece, or null when it is not stored. */
  readPiece(index: number): Promise<Uint8Array | null> {
    const hit = this.#touch(index)
    if (hit) return hit.read
    if (this.source) return this.#readSlab(this.source, index)
    if (this.store.getRun && this.#runPieces > 1) return this.#readRun(this.store.getRun.bind(this.store), index)
    return this.#remember(index, this.store.get(index))
  }

  /** The piece when it is in memory already (no await needed), else undefined. */
  cached(index: number): Uint8Array | undefined {
    return this.#touch(index)?.bytes ?? undefined
  }

  /** A freshly verified piece goes into the cache, since peers will ask for it next. */
  remember(index: number, data: Uint8Array): void {
    void this.#remember(index, Promise.resolve(data), data)
  }

  #touch(index: number): CacheEntry | undefined {
    const hit = this.#cache.get(index)
    if (hit) {
      this.#cache.delete(index)
      this.#cache.set(index, hit)
    }
    return hit
  }

  clear(): void {
    this.#cache.clear()
  }

  /** The seed's files are all in the store now: read from there from now on. */
  stopReadingSource(): void {
    this.source = null
  }

  #readSlab(source: BlobSource, index: number): Promise<Uint8Array | null> {
    const first = Math.floor(index / this.#slabPieces) * this.#slabPieces
    const last = Math.min(this.numPieces - 1, first + this.#slabPieces - 1)
    const start = first * this.pieceLength
    const slab = source.read(start, last * this.pieceLength + this.pieceSize(last) - start)
    return this.#rememberRun(index, first, last, (i) => {
      const at = (i - first) * this.pieceLength
      return slab.then((bytes) => bytes.subarray(at, at + this.pieceSize(i)))
    })
  }

  /** The rest of the piece's extent comes along in the same read (peers ask for it next). */
  #readRun(getRun: NonNullable<ChunkStore['getRun']>, index: number): Promise<Uint8Array | null> {
    const first = Math.floor(index / this.#runPieces) * this.#runPieces
    const last = Math.min(this.numPieces - 1, first + this.#runPieces - 1)
    const run = getRun(first, last - first + 1)
    return this.#rememberRun(index, first, last, (i) => run.then((pieces) => pieces[i - first] ?? null))
  }

  /** Caches pieces first..last of one read (those not cached already) and returns `index`'s. */
  #rememberRun(index: number, first: number, last: number, piece: (i: number) => Promise<Uint8Array | null>): Promise<Uint8Array | null> {
    let wanted: Promise<Uint8Array | null> = Promise.resolve(null)
    for (let i = first; i <= last; i++) {
      if (i === index) wanted = this.#remember(i, piece(i))
      else if (!this.#cache.has(i)) void this.#remember(i, piece(i))
    }
    return wanted
  }

  #remember(index: number, read: Promise<Uint8Array | null>, bytes?: Uint8Array): Promise<Uint8Array | null> {
    const entry: CacheEntry = bytes ? { read, bytes } : { read }
    this.#cache.set(index, entry)
    read.then(
      (bytes) => {
        entry.bytes = bytes
        if (!bytes && this.#cache.get(index) === entry) this.#cache.delete(index)
      },
      () => {
        if (this.#cache.get(index) === entry) this.#cache.delete(index)
      },
    )
    while (this.#cache.size > this.#maxPieces) this.#cache.delete(this.#cache.keys().next().value!)
    return read
  }
}
