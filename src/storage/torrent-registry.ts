import { idbError, requestResult } from './idb-errors.ts'

/** What is kept about each torrent so it comes back after a reload. */
export interface TorrentRecord {
  infoHash: string
  /** The .torrent bytes once metadata is known; until then the magnet link. */
  torrentFile?: Uint8Array
  magnetURI: string
  /** Per-file selection (BEP 53); absent = all files. */
  selected?: boolean[]
  /** Whether this client seeded it from local files (for the UI). */
  seeded?: boolean
  addedAt: number
}

export interface TorrentRegistry {
  list(): Promise<TorrentRecord[]>
  put(record: TorrentRecord): Promise<void>
  delete(infoHash: string): Promise<void>
}

const DB_NAME = 'swarmstream-torrents'
const STORE = 'torrents'

/** The torrent list in IndexedDB (pieces live in each torrent's own chunk store). */
export class IdbTorrentRegistry implements TorrentRegistry {
  #db: Promise<IDBDatabase>

  constructor(factory: IDBFactory = globalThis.indexedDB) {
    const req = factory.open(DB_NAME, 1)
    req.onupgradeneeded = () => {
      if (!req.result.objectStoreNames.contains(STORE)) req.result.createObjectStore(STORE, { keyPath: 'infoHash' })
    }
    this.#db = requestResult(req, 'open the torrent list', 'IDB_OPEN_FAILED')
  }

  async list(): Promise<TorrentRecord[]> {
    const db = await this.#db
    const records = await requestResult(db.transaction(STORE, 'readonly').objectStore(STORE).getAll(), 'read the torrent list', 'IDB_READ_FAILED')
    return (records as TorrentRecord[]).sort((a, b) => a.addedAt - b.addedAt)
  }

  put(record: TorrentRecord): Promise<void> {
    return this.#write((store) => store.put(record), 'save the torrent list')
  }

  delete(infoHash: string): Promise<void> {
    return this.#write((store) => store.delete(infoHash), 'update the torrent list')
  }

  async #write(op: (store: IDBObjectStore) => IDBRequest, what: string): Promise<void> {
    const db = await this.#db
    await new Promise<void>((resolve, reject) => {
      let tx: IDBTransaction
      try {
        tx = db.transaction(STORE, 'readwrite')
        op(tx.objectStore(STORE))
      } catch (err) {
        reject(idbError(err, what, 'IDB_WRITE_FAILED'))
        return
      }
      tx.oncomplete = () => resolve()
      tx.onabort = () => reject(idbError(tx.error, what, 'IDB_WRITE_FAILED'))
    })
  }
}

/** In-memory registry (tests, `storage: 'memory'`). */
export class MemoryTorrentRegistry implements TorrentRegistry {
  #records = new Map<string, TorrentRecord>()
  async list(): Promise<TorrentRecord[]> {
    return [...this.#records.values()].sort((a, b) => a.addedAt - b.addedAt)
  }
  async put(record: TorrentRecord): Promise<void> {
    this.#records.set(record.infoHash, structuredClone(record))
  }
  async delete(infoHash: string): Promise<void> {
    this.#records.delete(infoHash)
  }
}
