import { StorageError } from '../util/errors.ts'
import { ChunkGeometry, closedError, type ChunkStore, type ChunkStoreOptions } from './chunk-store.ts'
import { opfsAvailable } from './opfs-available.ts'
import { PutBatcher, type BatchResult } from './opfs-batch.ts'
import { opfsWorkerSource, type WorkerReply, type WorkerRequest } from './opfs-worker.ts'

type Request = WorkerRequest extends infer R ? (R extends WorkerRequest ? Omit<R, 'id'> : never) : never

/** The page's one storage worker, started with the first OPFS store and stopped with the last. */
class WorkerHost {
  static #shared: WorkerHost | null = null
  readonly #worker: Worker
  readonly #url: string
  readonly #waiting = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>()
  readonly #puts = new PutBatcher((items, buffer) => this.#post<BatchResult>({ op: 'puts', items, buffer }, [buffer]))
  #nextId = 1
  #users = 0

  private constructor() {
    this.#url = URL.createObjectURL(new Blob([opfsWorkerSource()], { type: 'text/javascript' }))
    this.#worker = new Worker(this.#url)
    this.#worker.onmessage = (e: MessageEvent<WorkerReply>) => this.#onReply(e.data)
    this.#worker.onerror = (e) => this.#failAll(new Error(`storage worker failed: ${e.message}`))
  }

  static acquire(): WorkerHost {
    const host = (WorkerHost.#shared ??= new WorkerHost())
    host.#users++
    return host
  }

  release(): void {
    this.#puts.flush()
    if (--this.#users > 0 || this.#waiting.size > 0) return
    if (WorkerHost.#shared === this) WorkerHost.#shared = null
    this.#worker.terminate()
    URL.revokeObjectURL(this.#url)
    this.#failAll(new Error('storage worker stopped'))
  }

  nextStoreId(): number {
    return this.#nextId++
  }

  /** Stores a piece with the others stored within a few milliseconds (one message); the caller keeps `data`. */
  put(store: number, index: number, data: Uint8Array): Promise<void> {
    return this.#puts.put(store, index, data)
  }

  call<T>(request: Request): Promise<T> {
    // The worker sees every request in the order it was made: waiting puts go first.
    this.#puts.flush()
    return this.#post<T>(request)
  }

  #post<T>(request: Request, transfer: Transferable[] = []): Promise<T> {
    const id = this.#nextId++
    return new Promise<T>((resolve, reject) => {
      this.#waiting.set(id, { resolve: resolve as (v: unknown) => void, reject })
      this.#worker.postMessage({ ...request, id }, transfer)
    })
  }

  #onReply(reply: WorkerReply): void {
    const waiter = this.#waiting.get(reply.id)
    if (!waiter) return
    this.#waiting.delete(reply.id)
    if (reply.ok) waiter.resolve(reply.result)
    else waiter.reject(Object.assign(new Error(reply.message), { name: reply.name }))
  }

  #failAll(err: Error): void {
    for (const w of this.#waiting.values()) w.reject(err)
    this.#waiting.clear()
  }
}

function opfsError(err: unknown, what: string, code: string): StorageError {
  const { name = '', message = String(err) } = (err ?? {}) as { name?: string; message?: string }
  if (name === 'QuotaExceededError') {
    return new StorageError('QUOTA_EXCEEDED', `Storage is full: could not ${what}. Free some space (remove torrents), then resume.`, { cause: err })
  }
  if (name === 'NoModificationAllowedError') {
    return new StorageError('STORE_LOCKED', `Could not ${what}: another tab has this torrent open. Close it there first.`, { cause: err })
  }
  return new StorageError(code, `Could not ${what}: ${message}`, { cause: err })
}

/**
 * Chunk store in the origin private file system: one file per torrent (`swarmstream/<infoHash>/pieces`,
 * piece i at i × piece length) and a bitmap of the pieces written (`have`), both written by a worker
 * through sync access handles. Per MB stored it costs a fraction of IndexedDB's CPU (measured in the bench),
 * and the page's main thread only posts the bytes. Each put resolves once the worker wrote the piece.
 */
export class OpfsChunkStore implements ChunkStore {
  readonly chunkLength: number
  readonly length: number
  readonly lastChunkLength: number
  readonly name: string
  /** Measured: serving a seed from here costs less CPU per MB than reading the dropped file (Blob reads go through the browser process). */
  readonly fastReads = true
  /** Puts are copied into the worker's staging buffer before they resolve. */
  readonly releasesPuts = true
  #host: WorkerHost | null
  readonly #geometry: ChunkGeometry
  readonly #id: number
  #destroyed = false

  private constructor(host: WorkerHost, id: number, geometry: ChunkGeometry, name: string) {
    this.#host = host
    this.#id = id
    this.#geometry = geometry
    this.chunkLength = geometry.chunkLength
    this.length = geometry.length
    this.lastChunkLength = geometry.lastChunkLength
    this.name = name
  }

  /** Opens (or creates) the torrent's files; throws StorageError when OPFS cannot be used here. */
  static async open(opts: ChunkStoreOptions): Promise<OpfsChunkStore> {
    const geometry = new ChunkGeometry(opts)
    if (!opfsAvailable()) throw new StorageError('OPFS_UNAVAILABLE', 'The origin private file system is not available here: use IndexedDB instead.')
    let host: WorkerHost
    try {
      host = WorkerHost.acquire()
    } catch (err) {
      throw opfsError(err, 'start the storage worker', 'OPFS_UNAVAILABLE')
    }
    const id = host.nextStoreId()
    try {
      await host.call({ op: 'open', store: id, dir: opts.name, chunkLength: geometry.chunkLength, chunkCount: geometry.chunkCount })
    } catch (err) {
      host.release()
      throw opfsError(err, `open the files of torrent ${opts.name}`, 'OPFS_OPEN_FAILED')
    }
    return new OpfsChunkStore(host, id, geometry, opts.name)
  }

  async put(index: number, data: Uint8Array): Promise<void> {
    const host = this.#live()
    this.#geometry.checkData(index, data)
    try {
      await host.put(this.#id, index, data)
    } catch (err) {
      throw opfsError(err, `store piece ${index}`, 'OPFS_WRITE_FAILED')
    }
  }

  async get(index: number, offset?: number, length?: number): Promise<Uint8Array | null> {
    const host = this.#live()
    const [start, end] = this.#geometry.range(index, offset, length)
    try {
      return await host.call<Uint8Array | null>({ op: 'get', store: this.#id, index, offset: start, length: end - start })
    } catch (err) {
      throw opfsError(err, `read piece ${index}`, 'OPFS_READ_FAILED')
    }
  }

  async getRun(first: number, count: number): Promise<(Uint8Array | null)[]> {
    const host = this.#live()
    this.#geometry.checkIndex(first)
    const n = Math.min(first + count, this.#geometry.chunkCount) - first
    const length = (n - 1) * this.chunkLength + this.#geometry.lengthOf(first + n - 1)
    try {
      const { bytes, stored } = await host.call<{ bytes?: Uint8Array; stored: boolean[] }>({ op: 'run', store: this.#id, index: first, count: n, length })
      return stored.map((has, i) => (has && bytes ? bytes.subarray(i * this.chunkLength, i * this.chunkLength + this.#geometry.lengthOf(first + i)) : null))
    } catch (err) {
      throw opfsError(err, `read pieces ${first} to ${first + n - 1}`, 'OPFS_READ_FAILED')
    }
  }

  async keys(): Promise<number[]> {
    const host = this.#live()
    const keys = await host.call<number[]>({ op: 'keys', store: this.#id }).catch((err: unknown) => {
      throw opfsError(err, 'list stored pieces', 'OPFS_READ_FAILED')
    })
    return keys.filter((i) => i < this.#geometry.chunkCount)
  }

  /** Puts already sent are written first (the worker answers in order). */
  async close(): Promise<void> {
    const host = this.#host
    if (!host) return
    this.#host = null
    try {
      await host.call({ op: 'close', store: this.#id })
    } finally {
      host.release()
    }
  }

  async destroy(): Promise<void> {
    if (this.#destroyed) return
    this.#destroyed = true
    const host = this.#host ?? WorkerHost.acquire()
    this.#host = null
    try {
      await host.call({ op: 'destroy', store: this.#id, dir: this.name })
    } catch (err) {
      throw opfsError(err, `delete the files of torrent ${this.name}`, 'OPFS_DELETE_FAILED')
    } finally {
      host.release()
    }
  }

  #live(): WorkerHost {
    if (!this.#host) throw closedError(this.name)
    return this.#host
  }
}

/** Whether IndexedDB has the database `name` (false where the browser cannot list databases). */
async function idbHas(name: string): Promise<boolean> {
  try {
    return (await indexedDB.databases()).some((db) => db.name === name)
  } catch {
    return false
  }
}

/**
 * The 'auto' choice of createChunkStore, loaded with this module: OPFS, unless IndexedDB already keeps
 * this torrent (database `idbName`) or OPFS cannot be used here; then `openIdb`.
 */
export async function openAuto(opts: ChunkStoreOptions, idbName: string, openIdb: (opts: ChunkStoreOptions) => Promise<ChunkStore>): Promise<ChunkStore> {
  if (await idbHas(idbName)) return openIdb(opts)
  try {
    return await OpfsChunkStore.open(opts)
  } catch (err) {
    // Another tab holds this torrent's files: a second copy in IndexedDB would split it.
    if (err instanceof StorageError && err.code === 'STORE_LOCKED') throw err
    return openIdb(opts)
  }
}
