import { StorageError, type SwarmstreamError } from '../util/errors.ts'
import type { ChunkStore } from '../storage/chunk-store.ts'

/** Verified pieces waiting for storage may use this much memory before we stop requesting more. */
export const MAX_PENDING_WRITE_BYTES = 64 * 1024 * 1024

export interface StoreWriterDeps {
  store: ChunkStore
  /** The piece is committed: from now on it counts as had. */
  stored(index: number, data: Uint8Array): void
  /** The write failed: the piece must be fetched again. */
  writeFailed(index: number): void
  /** Storage is full (recoverable: pause, free space, resume). */
  quotaFull(error: StorageError): void
  /** Any other storage failure: the torrent cannot go on. */
  fatal(error: SwarmstreamError): void
}

/**
 * Writes verified pieces to the chunk store. A piece counts as had only once its write committed.
 * Holds the write backpressure (bytes not yet committed) that the request scheduler checks.
 */
export class StoreWriter {
  readonly #deps: StoreWriterDeps
  #pendingBytes = 0
  #stopped = false

  constructor(deps: StoreWriterDeps) {
    this.#deps = deps
  }

  get pendingBytes(): number {
    return this.#pendingBytes
  }

  /** Too much is waiting for storage: no new requests until it drains. */
  get congested(): boolean {
    return this.#pendingBytes > MAX_PENDING_WRITE_BYTES
  }

  get stopped(): boolean {
    return this.#stopped
  }

  async write(index: number, data: Uint8Array): Promise<void> {
    if (this.#stopped) return
    this.#pendingBytes += data.length
    try {
      await this.#deps.store.put(index, data)
    } catch (err) {
      if (this.#stopped) return
      this.#deps.writeFailed(index)
      const error = err instanceof StorageError ? err : new StorageError('STORE_FAILED', `Could not store piece ${index}: ${String(err)}`)
      if (error.code === 'QUOTA_EXCEEDED') this.#deps.quotaFull(error)
      else {
        this.#stopped = true
        this.#deps.fatal(error)
      }
      return
    } finally {
      this.#pendingBytes -= data.length
    }
    if (!this.#stopped) this.#deps.stored(index, data)
  }

  stop(): void {
    this.#stopped = true
  }
}
