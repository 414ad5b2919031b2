import { bytesEqual } from '../util/bytes.ts'
import { AbortError, SwarmstreamError } from '../util/errors.ts'
import { sha1 } from '../util/sha1.ts'
import type { TokenBucket } from '../util/token-bucket.ts'
import type { InfoDictionary, TorrentFileEntry } from '../metainfo/types.ts'
import { PiecePicker } from '../picker/index.ts'
import type { ChunkStore } from '../storage/chunk-store.ts'
import type { PeerSession } from '../peer/peer-session.ts'
import type { ProtocolError } from '../util/errors.ts'
import type { WireMessage } from '../wire/index.ts'
import type { PeerStats } from '../peer/peer-stats.ts'
import type { BlobSource } from './blob-source.ts'
import { Downloader } from './downloader.ts'
import { PieceReader, SLAB_BYTES } from './piece-reader.ts'
import type { PieceAccess } from './torrent-file.ts'
import { WebSeedWorker } from './web-seed-worker.ts'
import { ReaderSet } from './readers.ts'
import { isWebSeedUrl } from '../webseed/index.ts'
import { Uploader } from './uploader.ts'

interface Waiter {
  resolve: () => void
  reject: (error: unknown) => void
}

export interface PieceEngineDeps {
  info: InfoDictionary
  store: ChunkStore
  source: BlobSource | null
  dropPeer: (peer: PeerSession, error: ProtocolError, ban: boolean) => void
  onUploaded: (bytes: number) => void
  /** Streaming priorities changed: requests should go out now. */
  onPrioritiesChanged: () => void
  downloadRate: () => number
  uploadLimit: TokenBucket
  downloadLimit: TokenBucket
  /** Counters of what peers did (shared with the swarm). */
  stats: PeerStats
}

/** Everything that exists once the info dictionary is known: picker, storage, reads, up- and download. */
export class PieceEngine {
  readonly info: InfoDictionary
  readonly picker: PiecePicker
  readonly store: ChunkStore
  readonly reader: PieceReader
  readonly downloader: Downloader
  readonly uploader: Uploader
  readonly webSeeds: WebSeedWorker[] = []
  readonly readers = new ReaderSet()
  /** Media bitrate in bytes/s when a player knows it; widens read-ahead windows. */
  bitrate = 0
  #deps: PieceEngineDeps
  #waiters = new Map<number, Set<Waiter>>()
  #failure: SwarmstreamError | null = null

  constructor(deps: PieceEngineDeps) {
    const { info, store } = deps
    this.#deps = deps
    this.info = info
    this.store = store
    const numPieces = info.pieceHashes.length
    this.picker = new PiecePicker({ numPieces, pieceLength: info.pieceLength, length: info.length })
    this.reader = new PieceReader(store, info.pieceLength, numPieces, (i) => this.picker.pieceSize(i), deps.source)
    this.downloader = new Downloader({
      picker: this.picker,
      store,
      limiter: deps.downloadLimit,
      stats: deps.stats,
      pieceHashes: info.pieceHashes,
      dropPeer: (peer, error) => deps.dropPeer(peer, error, true),
    })
    this.uploader = new Uploader({
      reader: this.reader,
      limiter: deps.uploadLimit,
      stats: deps.stats,
      hasPiece: (i) => this.picker.have.get(i),
      pieceSize: (i) => this.picker.pieceSize(i),
      numPieces,
      dropPeer: (peer, error) => deps.dropPeer(peer, error, false),
      onUploaded: deps.onUploaded,
    })
    this.downloader.on('verified', (index, data) => {
      this.reader.remember(index, data)
      this.#wake(index)
      if (this.readers.size > 0) this.updatePriorities()
    })
  }

  get numPieces(): number {
    return this.picker.have.length
  }

  /** Verified bytes. */
  get verifiedBytes(): number {
    const { have } = this.picker
    let bytes = have.count * this.info.pieceLength
    if (have.get(this.numPieces - 1)) bytes -= this.info.pieceLength - this.picker.pieceSize(this.numPieces - 1)
    return Math.max(0, bytes)
  }

  waitForPiece(index: number, signal?: AbortSignal): Promise<void> {
    if (this.picker.have.get(index)) return Promise.resolve()
    if (this.#failure) return Promise.reject(this.#failure)
    return new Promise((resolve, reject) => {
      let set = this.#waiters.get(index)
      if (!set) this.#waiters.set(index, (set = new Set()))
      const waiter: Waiter = {
        resolve: () => {
          signal?.removeEventListener('abort', onAbort)
          resolve()
        },
        reject,
      }
      const onAbort = () => {
        set.delete(waiter)
        reject(new AbortError())
      }
      set.add(waiter)
      signal?.addEventListener('abort', onAbort, { once: true })
    })
  }

  /** Rejects every waiter, e.g. when the torrent is destroyed or storage failed. */
  fail(error: SwarmstreamError): void {
    this.#failure = error
    const waiters = this.#waiters
    this.#waiters = new Map()
    for (const set of waiters.values()) for (const w of set) w.reject(error)
  }

  /** Housekeeping: request timeouts and hot swap, rechoking, refilling pipelines, closing useless links. */
  tick(peers: readonly PeerSession[], done: boolean): void {
    this.downloader.expire()
    this.uploader.rechoke(performance.now(), done)
    for (const peer of peers) {
      // Two seeders have nothing to trade.
      if (done && this.picker.have.complete && peer.pieces?.complete) peer.close('both are seeding')
      else this.downloader.fill(peer)
    }
  }

  /** Pausing cancels requests in flight and chokes everyone; resuming starts both again. */
  setPaused(paused: boolean, peers: readonly PeerSession[]): void {
    this.downloader.paused = paused
    if (paused) this.downloader.cancelAll()
    this.uploader.setPaused(paused)
    if (paused) return
    for (const peer of peers) {
      this.downloader.fill(peer)
      if (peer.peerInterested) this.uploader.onInterested(peer)
    }
  }

  /** Tells every peer about a new piece, and drops interest where nothing is left to get. */
  announceHave(index: number, peers: readonly PeerSession[]): void {
    for (const peer of peers) {
      if (!peer.pieces) continue
      peer.send({ type: 'have', index })
      this.downloader.updateInterest(peer)
    }
  }

  /** Marks which files are wanted (BEP 53 `so=`, file.select/deselect); a piece shared with a wanted file stays wanted. */
  setSelection(selected: readonly boolean[], peers: readonly PeerSession[] = []): void {
    const { wanted } = this.picker
    const pl = this.info.pieceLength
    for (let i = 0; i < this.numPieces; i++) wanted.set(i, false)
    this.info.files.forEach((file, f) => {
      if (!selected[f] || file.length === 0) return
      const last = Math.floor((file.offset + file.length - 1) / pl)
      for (let i = Math.floor(file.offset / pl); i <= last; i++) wanted.set(i, true)
    })
    for (const peer of peers) {
      this.downloader.updateInterest(peer)
      this.downloader.fill(peer)
    }
  }

  /** What a TorrentFile reads through. */
  access(onSelect: (file: TorrentFileEntry, selected: boolean) => void): PieceAccess {
    return {
      pieceLength: this.info.pieceLength,
      hasPiece: (i) => this.picker.have.get(i),
      waitForPiece: (i, signal) => this.waitForPiece(i, signal),
      readPiece: async (i) => {
        const piece = await this.reader.readPiece(i)
        if (!piece) throw new SwarmstreamError('PIECE_MISSING', `Piece ${i} is not in storage any more`)
        return piece
      },
      select: onSelect,
      openReader: () => this.readers.open(),
      moveReader: (id, piece, last) => {
        this.readers.move(id, piece, last)
        this.updatePriorities()
      },
      closeReader: (id) => {
        this.readers.close(id)
        this.updatePriorities()
      },
    }
  }

  /** Recomputes streaming priorities from the readers and asks for requests to go out. */
  updatePriorities(): void {
    const has = (i: number) => this.picker.have.get(i)
    const before = new Set(this.picker.priorities.critical)
    const next = this.readers.priorities(has, this.info.pieceLength, this.#deps.downloadRate(), this.bitrate)
    this.picker.setPriorities(next)
    const fresh = next.critical.filter((i) => !before.has(i))
    if (fresh.length > 0) this.downloader.preempt(new Set(next.critical))
    this.#deps.onPrioritiesChanged()
  }

  /** A peer joined (or metadata arrived while it was connected). Returns true the first time. */
  addPeer(peer: PeerSession): boolean {
    const fresh = !peer.pieces
    peer.setPieceCount(this.numPieces)
    if (fresh) {
      this.downloader.addPeer(peer)
      this.uploader.addPeer(peer)
      if (this.picker.have.count > 0) peer.send({ type: 'bitfield', bitfield: this.picker.have.bytes.slice() })
      if (peer.pieces && peer.pieces.count > 0) this.picker.addAvailability(peer.pieces, 1)
    }
    this.downloader.updateInterest(peer)
    if (peer.peerInterested) this.uploader.onInterested(peer)
    this.downloader.fill(peer)
    return fresh
  }

  removePeer(peer: PeerSession, others: readonly PeerSession[]): void {
    if (!peer.pieces) return
    this.picker.addAvailability(peer.pieces, -1)
    this.downloader.removePeer(peer)
    this.uploader.removePeer(peer)
    for (const other of others) this.downloader.fill(other)
  }

  /** Routes a peer's message to the downloader or the uploader. */
  onMessage(peer: PeerSession, message: WireMessage): void {
    if (!peer.pieces) return
    const { downloader, uploader, picker } = this
    switch (message.type) {
      case 'bitfield':
      case 'have-all':
        picker.addAvailability(peer.pieces, 1)
        downloader.updateInterest(peer)
        return downloader.fill(peer)
      case 'have':
        picker.addHaveAvailability(message.index)
        downloader.updateInterest(peer)
        return downloader.fill(peer)
      case 'unchoke':
        return downloader.fill(peer)
      case 'choke':
        return downloader.onChoke(peer)
      case 'interested':
        return uploader.onInterested(peer)
      case 'not-interested':
        return uploader.onNotInterested(peer)
      case 'request':
        return uploader.onRequest(peer, message.index, message.begin, message.length)
      case 'cancel':
        return uploader.onCancel(peer, message.index, message.begin, message.length)
      case 'piece':
        downloader.onPiece(peer, message.index, message.begin, message.block)
        return downloader.fill(peer)
      case 'reject':
        downloader.onReject(peer, message.index, message.begin)
        return downloader.fill(peer)
    }
  }

  /** Starts pulling pieces from the torrent's HTTP web seeds (BEP 19), alongside peers. */
  startWebSeeds(urls: readonly string[], done: () => boolean): void {
    for (const url of urls) {
      if (!isWebSeedUrl(url) || this.webSeeds.some((w) => w.url === url)) continue
      const worker = new WebSeedWorker(url, this.info, this.downloader, done)
      this.webSeeds.push(worker)
      worker.start()
    }
  }

  stop(error: SwarmstreamError): void {
    for (const w of this.webSeeds) w.stop()
    this.downloader.stop()
    this.fail(error)
  }

  /**
   * After a reload: every piece found in storage is hashed again before it counts as had, so a
   * write cut short (or any damage) is fetched again and never served. Returns the pieces kept.
   */
  async resume(stopped: () => boolean): Promise<number> {
    let kept = 0
    for (const index of await this.store.keys()) {
      if (stopped()) break
      if (index >= this.numPieces) continue
      const data = await this.store.get(index).catch(() => null)
      if (!data || data.length !== this.picker.pieceSize(index)) continue
      if (!bytesEqual(await sha1(data), this.info.pieceHashes[index]!)) continue
      this.picker.verified(index)
      kept++
    }
    return kept
  }

  /** Copies a seed's pieces from its Files into storage, a slab at a time, so it can later seed without them. */
  async persist(source: BlobSource, stopped: () => boolean): Promise<void> {
    const stored = new Set(await this.store.keys())
    const pl = this.info.pieceLength
    const perSlab = Math.max(1, Math.floor(SLAB_BYTES / pl))
    for (let first = 0; first < this.numPieces && !stopped(); first += perSlab) {
      const last = Math.min(this.numPieces - 1, first + perSlab - 1)
      let missing = false
      for (let i = first; i <= last; i++) if (!stored.has(i)) missing = true
      if (!missing) continue
      const slab = await source.read(first * pl, last * pl + this.picker.pieceSize(last) - first * pl)
      if (stopped()) return
      const puts: Promise<void>[] = []
      for (let i = first; i <= last; i++) {
        const offset = (i - first) * pl
        if (!stored.has(i)) puts.push(this.store.put(i, slab.subarray(offset, offset + this.picker.pieceSize(i))))
      }
      await Promise.all(puts)
    }
  }

  #wake(index: number): void {
    const set = this.#waiters.get(index)
    if (!set) return
    this.#waiters.delete(index)
    for (const w of set) w.resolve()
  }
}
