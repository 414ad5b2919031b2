import { StorageError } from '../util/errors.ts'

/** Stores whole verified pieces ("chunks" = pieces here). */
export interface ChunkStore {
  /** Piece length; the last chunk may be shorter (see `lastChunkLength`). */
  readonly chunkLength: number
  /** Total torrent bytes. */
  readonly length: number
  /** Reading from this store costs less than reading a seed's own files again (OPFS, memory). */
  readonly fastReads?: boolean
  /**
   * Once `put` settles it holds no reference to `data` (it copied or wrote the bytes): the session may then
   * reuse the buffer for another piece. A store that keeps the caller's bytes must leave this unset.
   */
  readonly releasesPuts?: boolean
  /** Resolves only when the data is committed (for IndexedDB: after the transaction completes). */
  put(index: number, data: Uint8Array): Promise<void>
  /** Returns the bytes [offset, offset+length) of chunk `index`, or null when the chunk is not stored. */
  get(index: number, offset?: number, length?: number): Promise<Uint8Array | null>
  /** Chunks [first, first + count) (cut at the last chunk) in one read: each one's bytes, or null when not stored. */
  getRun?(first: number, count: number): Promise<(Uint8Array | null)[]>
  /** Indexes of all stored chunks, ascending (for resume). */
  keys(): Promise<number[]>
  close(): Promise<void>
  /** Deletes all stored data of this torrent. */
  destroy(): Promise<void>
}

export interface ChunkStoreOptions {
  /** Info hash hex: one torrent, one namespace. */
  name: string
  chunkLength: number
  length: number
}

/** Piece geometry shared by every store: counts, lengths and argument checks. */
export class ChunkGeometry {
  readonly chunkLength: number
  readonly length: number
  readonly chunkCount: number
  readonly lastChunkLength: number

  constructor(opts: ChunkStoreOptions) {
    const { chunkLength, length, name } = opts
    if (typeof name !== 'string' || name.length === 0) {
      throw new StorageError('BAD_OPTIONS', 'Chunk store needs a non-empty name (the info hash in hex).')
    }
    if (!Number.isSafeInteger(chunkLength) || chunkLength <= 0) {
      throw new StorageError('BAD_OPTIONS', `Chunk length must be a positive integer, got ${chunkLength}.`)
    }
    if (!Number.isSafeInteger(length) || length < 0) {
      throw new StorageError('BAD_OPTIONS', `Torrent length must be a non-negative integer, got ${length}.`)
    }
    this.chunkLength = chunkLength
    this.length = length
    this.chunkCount = Math.ceil(length / chunkLength)
    this.lastChunkLength = length - (this.chunkCount - 1) * chunkLength
  }

  /** Expected byte length of chunk `index` (throws BAD_CHUNK when out of range). */
  lengthOf(index: number): number {
    this.checkIndex(index)
    return index === this.chunkCount - 1 ? this.lastChunkLength : this.chunkLength
  }

  checkIndex(index: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.chunkCount) {
      throw new StorageError(
        'BAD_CHUNK',
        `Chunk index ${index} is out of range: this torrent has chunks 0..${this.chunkCount - 1}.`,
      )
    }
  }

  checkData(index: number, data: Uint8Array): void {
    const expected = this.lengthOf(index)
    if (!(data instanceof Uint8Array) || data.byteLength !== expected) {
      const got = data instanceof Uint8Array ? `${data.byteLength} bytes` : 'not a Uint8Array'
      throw new StorageError('BAD_CHUNK', `Chunk ${index} must be a Uint8Array of ${expected} bytes, got ${got}.`)
    }
  }

  /** Resolves the requested range of chunk `index` to [start, end) (throws BAD_CHUNK when outside the chunk). */
  range(index: number, offset = 0, length?: number): [number, number] {
    const size = this.lengthOf(index)
    const len = length ?? size - offset
    if (!Number.isInteger(offset) || !Number.isInteger(len) || offset < 0 || len < 0 || offset + len > size) {
      throw new StorageError(
        'BAD_CHUNK',
        `Range offset=${offset} length=${length} does not fit in chunk ${index} (${size} bytes).`,
      )
    }
    return [offset, offset + len]
  }
}

export function closedError(name: string): StorageError {
  return new StorageError('CLOSED', `Chunk store "${name}" is closed: open a new store for this torrent.`)
}
