import { StorageError } from '../util/errors.ts'
import { ChunkGeometry, closedError, type ChunkStore, type ChunkStoreOptions } from './chunk-store.ts'
import { idbError, requestResult } from './idb-errors.ts'

const OBJECT_STORE = 'chunks'
/** A batch is written as soon as this many bytes are pending; smaller batches go on the next macrotask. */
const FLUSH_BYTES = 4 * 1024 * 1024
/** Write transactions in flight at once; further puts wait (their promises resolve later). */
const MAX_IN_FLIGHT = 2
/** Recently read whole chunks kept to serve block-sized ranges without re-reading the chunk. */
const READ_CACHE_BYTES = 8 * 1024 * 1024

interface PendingPut {
  index: number
  data: Uint8Array
  resolve: () => void
  reject: (err: StorageError) => void
}

export function idbDatabaseName(name: string): string {
  return `swarmstream-${name}`
}

/**
 * IndexedDB chunk store: one database per torrent (`swarmstream-<infoHash>`), one record per whole piece
 * keyed by its index. Puts are coalesced into one readwrite transaction per batch; each put resolves when
 * its transaction has completed. The caller must not modify `data` until its put has resolved.
 */
export class IdbChunkStore implements ChunkStore {
  /** IndexedDB clones each put into its transaction before the put resolves. */
  readonly releasesPuts = true
  readonly chunkLength: number
  readonly length: number
  readonly lastChunkLength: number
  readonly name: string

  private pending: PendingPut[] = []
  private pendingBytes = 0
  /** Chunks not yet handed to a transaction: reads must see them. */
  private unwritten = new Map<number, Uint8Array>()
  private inFlight = 0
  private flushTimer: ReturnType<typeof setTimeout> | undefined
  private idleWaiters: (() => void)[] = []
  private readCache = new Map<number, Uint8Array>()
  private readCacheBytes = 0
  private reads = new Map<number, Promise<Uint8Array | null>>()
  private putCount = 0
  private closed = false
  private destroyed = false

  private constructor(
    private readonly db: IDBDatabase,
    private readonly factory: IDBFactory,
    private readonly geometry: ChunkGeometry,
    name: string,
  ) {
    this.chunkLength = geometry.chunkLength
    this.length = geometry.length
    this.lastChunkLength = geometry.lastChunkLength
    this.name = name
    // Another connection wants to delete or upgrade this database: step aside.
    db.onversionchange = () => this.shutDown()
    db.onclose = () => this.shutDown()
  }

  static async open(opts: ChunkStoreOptions, factory?: IDBFactory): Promise<IdbChunkStore> {
    const geometry = new ChunkGeometry(opts)
    const idb = factory ?? globalThis.indexedDB
    if (!idb) {
      throw new StorageError(
        'IDB_UNAVAILABLE',
        'IndexedDB is not available here (private mode or an old browser?): use in-memory storage instead.',
      )
    }
    let req: IDBOpenDBRequest
    try {
      req = idb.open(idbDatabaseName(opts.name), 1)
    } catch (err) {
      throw idbError(err, 'open the piece database', 'IDB_OPEN_FAILED')
    }
    req.onupgradeneeded = () => {
      if (!req.result.objectStoreNames.contains(OBJECT_STORE)) req.result.createObjectStore(OBJECT_STORE)
    }
    const db = await requestResult(req, 'open the piece database', 'IDB_OPEN_FAILED')
    return new IdbChunkStore(db, idb, geometry, opts.name)
  }

  put(index: number, data: Uint8Array): Promise<void> {
    if (this.closed) return Promise.reject(closedError(this.name))
    try {
      this.geometry.checkData(index, data)
    } catch (err) {
      return Promise.reject(err)
    }
    // A view of a larger buffer would store the whole buffer: keep only our bytes.
    const own = data.byteOffset === 0 && data.byteLength === data.buffer.byteLength ? data : data.slice()
    return new Promise((resolve, reject) => {
      this.pending.push({ index, data: own, resolve, reject })
      this.pendingBytes += own.byteLength
      this.unwritten.set(index, own)
      this.dropCached(index)
      // Reads started before this put must neither be joined nor fill the cache.
      this.reads.delete(index)
      this.putCount++
      if (this.pendingBytes >= FLUSH_BYTES) this.flush()
      else this.flushTimer ??= setTimeout(() => this.flush(), 0)
    })
  }

  async get(index: number, offset?: number, length?: number): Promise<Uint8Array | null> {
    if (this.closed) throw closedError(this.name)
    const [start, end] = this.geometry.range(index, offset, length)
    const held = this.unwritten.get(index) ?? this.readCache.get(index)
    if (held) return held.slice(start, end)
    if (start === 0 && end === this.geometry.lengthOf(index)) {
      // Whole-piece reads (streaming, verification) get the fresh value: no copy, no cache.
      const value = await this.request((s) => s.get(index), 'readonly', `read piece ${index}`, 'IDB_READ_FAILED')
      return this.checkStored(index, value, false)
    }
    // Block-sized ranges (seeding): read the piece once and serve the next blocks from the cache.
    const chunk = await this.readChunk(index)
    return chunk ? chunk.slice(start, end) : null
  }

  async keys(): Promise<number[]> {
    if (this.closed) throw closedError(this.name)
    const stored = await this.request(
      (s) => s.getAllKeys(),
      'readonly',
      'list stored pieces',
      'IDB_READ_FAILED',
    )
    const all = new Set<number>([...this.unwritten.keys()])
    for (const key of stored) if (typeof key === 'number') all.add(key)
    return [...all].sort((a, b) => a - b)
  }

  /** Commits every pending put, then closes the connection. */
  async close(): Promise<void> {
    if (this.closed) return
    this.flush()
    await this.idle()
    this.shutDown()
  }

  /** Commits or fails pending puts, closes, and deletes this torrent's database. */
  async destroy(): Promise<void> {
    if (this.destroyed) return
    this.destroyed = true
    await this.close()
    await new Promise<void>((resolve, reject) => {
      const req = this.factory.deleteDatabase(idbDatabaseName(this.name))
      req.onsuccess = () => resolve()
      req.onerror = () => reject(idbError(req.error, 'delete the piece database', 'IDB_DELETE_FAILED'))
    })
  }

  private flush(): void {
    if (this.flushTimer !== undefined) {
      clearTimeout(this.flushTimer)
      this.flushTimer = undefined
    }
    if (this.pending.length === 0 || this.inFlight >= MAX_IN_FLIGHT) return
    const batch = this.pending
    this.pending = []
    this.pendingBytes = 0
    this.inFlight++
    let tx: IDBTransaction | undefined
    try {
      tx = this.db.transaction(OBJECT_STORE, 'readwrite')
      const store = tx.objectStore(OBJECT_STORE)
      for (const p of batch) store.put(p.data, p.index)
    } catch (err) {
      try {
        tx?.abort()
      } catch {
        // already finished
      }
      this.settle(batch, idbError(err, 'store pieces', 'IDB_WRITE_FAILED'))
      return
    }
    for (const p of batch) if (this.unwritten.get(p.index) === p.data) this.unwritten.delete(p.index)
    const t = tx
    t.oncomplete = () => this.settle(batch, null)
    t.onabort = () => this.settle(batch, idbError(t.error, 'store pieces', 'IDB_WRITE_FAILED'))
  }

  private settle(batch: PendingPut[], err: StorageError | null): void {
    this.inFlight--
    for (const p of batch) {
      if (this.unwritten.get(p.index) === p.data) this.unwritten.delete(p.index)
      if (err) p.reject(err)
      else p.resolve()
    }
    if (this.pending.length > 0) this.flush()
    if (this.inFlight === 0 && this.pending.length === 0) {
      for (const wake of this.idleWaiters.splice(0)) wake()
    }
  }

  private idle(): Promise<void> {
    if (this.inFlight === 0 && this.pending.length === 0) return Promise.resolve()
    return new Promise((resolve) => this.idleWaiters.push(resolve))
  }

  private readChunk(index: number): Promise<Uint8Array | null> {
    let read = this.reads.get(index)
    if (!read) {
      const putsBefore = this.putCount
      const current: Promise<Uint8Array | null> = this.request(
        (s) => s.get(index),
        'readonly',
        `read piece ${index}`,
        'IDB_READ_FAILED',
      )
        .then((value: unknown) => this.checkStored(index, value, this.putCount === putsBefore))
        .finally(() => {
          if (this.reads.get(index) === current) this.reads.delete(index)
        })
      read = current
      this.reads.set(index, read)
    }
    return read
  }

  private checkStored(index: number, value: unknown, cache: boolean): Uint8Array | null {
    if (value === undefined || value === null) return null
    if (!(value instanceof Uint8Array) || value.byteLength !== this.geometry.lengthOf(index)) {
      throw new StorageError(
        'IDB_CORRUPT',
        `Stored piece ${index} is damaged: remove the torrent's data and download it again.`,
      )
    }
    if (cache && !this.unwritten.has(index)) this.remember(index, value)
    return value
  }

  private remember(index: number, chunk: Uint8Array): void {
    this.dropCached(index)
    this.readCache.set(index, chunk)
    this.readCacheBytes += chunk.byteLength
    for (const [key, value] of this.readCache) {
      if (this.readCacheBytes <= READ_CACHE_BYTES || key === index) break
      this.readCache.delete(key)
      this.readCacheBytes -= value.byteLength
    }
  }

  private dropCached(index: number): void {
    const old = this.readCache.get(index)
    if (old) {
      this.readCache.delete(index)
      this.readCacheBytes -= old.byteLength
    }
  }

  private request<T>(
    make: (store: IDBObjectStore) => IDBRequest<T>,
    mode: IDBTransactionMode,
    what: string,
    code: string,
  ): Promise<T> {
    try {
      return requestResult(make(this.db.transaction(OBJECT_STORE, mode).objectStore(OBJECT_STORE)), what, code)
    } catch (err) {
      return Promise.reject(idbError(err, what, code))
    }
  }

  private shutDown(): void {
    if (this.closed) return
    this.closed = true
    if (this.flushTimer !== undefined) clearTimeout(this.flushTimer)
    this.flushTimer = undefined
    const dropped = this.pending.splice(0)
    this.pendingBytes = 0
    for (const p of dropped) p.reject(closedError(this.name))
    this.unwritten.clear()
    this.readCache.clear()
    this.readCacheBytes = 0
    this.db.close()
    if (this.inFlight === 0) for (const wake of this.idleWaiters.splice(0)) wake()
  }
}
