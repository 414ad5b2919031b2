/*
 * Everything that exists once the info dictionary is known, composed: the picker, the three download
 * stages (request scheduler → piece assembler + smart ban → store writer), the uploader, reads, readers'
 * priorities and web seeds. The torrent calls the engine's methods only; it never reaches into the parts.
 * A verified piece is handled in exactly one place, #onStored: counted as had, cached for uploads,
 * waiting readers woken, announced to peers, reported to the torrent.
 */
import type { Clock } from '../util/clock.ts'
import { bytesEqual } from '../util/bytes.ts'
import { SwarmstreamError, type ProtocolError, type StorageError } from '../util/errors.ts'
import type { PieceBuffers } from '../util/piece-buffers.ts'
import type { Hasher } from '../util/sha1.ts'
import type { TokenBucket } from '../util/token-bucket.ts'
import { pieceCount } from '../metainfo/layout.ts'
import type { InfoDictionary, TorrentFileEntry } from '../metainfo/types.ts'
import { PiecePicker } from '../picker/index.ts'
import type { ChunkStore } from '../storage/chunk-store.ts'
import type { PeerStats } from '../peer/peer-stats.ts'
import type { BlobSource } from './blob-source.ts'
import type { PieceHandlers } from './dispatch.ts'
import type { BlockSource, PeerRecord } from './peer-record.ts'
import { PieceAssembler, type AssemblerDeps, type BlockAssembler } from './piece-assembler.ts'
import { copyToStore, verifyStored } from './piece-store-sync.ts'
import { PieceReader } from './piece-reader.ts'
import { PieceWaiters } from './piece-waiters.ts'
import { RequestScheduler } from './request-scheduler.ts'
import { SmartBan } from './smart-ban.ts'
import { StoreWriter } from './store-writer.ts'
import { StoredBuffers } from './stored-buffers.ts'
import { StreamPriorities } from './stream-priorities.ts'
import type { PieceAccess } from './torrent-file.ts'
import { Uploader } from './uploader.ts'
import type { V2EngineHooks } from './v2/v2-session.ts'
import type { WebSeedStats } from './web-seed-worker.ts'
import { WebSeeds } from './web-seeds.ts'

export interface PieceEngineDeps {
  info: InfoDictionary
  store: ChunkStore
  /** A seed's own Files, read directly while they are copied into storage. */
  source: BlobSource | null
  clock: Clock
  hasher: Hasher
  random: () => number
  /** Whole pieces kept for uploads (default: CACHE_BYTES worth, at least 8). */
  readCachePieces?: number
  /** Piece buffers lent to the assembler: see TorrentDeps (undefined: a pool of the engine's own when it may). */
  pieceBuffers?: PieceBuffers | null | undefined
  stats: PeerStats
  /** The swarm's admitted peers. */
  peers: () => readonly PeerRecord[]
  uploadLimit: TokenBucket
  downloadLimit: TokenBucket
  downloadRate: () => number
  drop: (peer: PeerRecord, error: ProtocolError) => void
  ban: (id: string, error: ProtocolError) => void
  /** A piece passed its hash and is stored. */
  verified: (index: number) => void
  received: (bytes: number) => void
  uploaded: (bytes: number) => void
  hashFailed: (index: number) => void
  storageFull: (error: StorageError) => void
  fatal: (error: SwarmstreamError) => void
  warn: (error: SwarmstreamError) => void
  /** BitTorrent v2 verification, for a v2 or hybrid torrent (v2/v2-session.ts); absent for v1. */
  v2?: V2EngineHooks | null
}

export class PieceEngine {
  readonly info: InfoDictionary
  readonly store: ChunkStore
  /** What the dispatch table hands piece messages to. */
  readonly handlers: PieceHandlers
  readonly #deps: PieceEngineDeps
  readonly #picker: PiecePicker
  readonly #reader: PieceReader
  readonly #assembler: BlockAssembler
  /** Verified blocks of unfinished pieces, for readers (v2 only). */
  readonly #verifiedBytes: ((index: number, from: number) => Uint8Array | null) | null = null
  readonly #blockWaiters = new PieceWaiters(() => false)
  readonly #writer: StoreWriter
  readonly #scheduler: RequestScheduler
  readonly #uploader: Uploader
  readonly #streams: StreamPriorities
  readonly #waiters: PieceWaiters
  /**
   * Verified pieces whose storage write has not committed yet. They count as had (for peers, progress,
   * `verified`) only once stored, but this page's readers may read them already: a player must not wait
   * for an IndexedDB commit (~0.1 s on a busy disk) to see bytes that passed their hash.
   */
  readonly #unstored = new Map<number, Uint8Array>()
  readonly #buffers: StoredBuffers
  readonly #webSeeds = new WebSeeds()
  #paused = false
  #stopped = false

  constructor(deps: PieceEngineDeps) {
    const { info, store, clock, stats, peers } = deps
    this.#deps = deps
    this.info = info
    this.store = store
    const numPieces = pieceCount(info)
    const picker = (this.#picker = new PiecePicker({ numPieces, pieceLength: info.pieceLength, length: info.length }, deps.random))
    this.#buffers = new StoredBuffers(deps.pieceBuffers, info.pieceLength, !!deps.v2)
    this.#reader = new PieceReader(store, info.pieceLength, numPieces, (i) => picker.pieceSize(i), deps.source, deps.readCachePieces)
    this.#waiters = new PieceWaiters((i) => picker.hasPiece(i) || this.#unstored.has(i))
    this.#writer = new StoreWriter({
      store,
      stored: (index, data) => {
        this.#unstored.delete(index)
        this.#onStored(index, data)
      },
      writeFailed: (index) => {
        this.#unstored.delete(index)
        picker.failed(index)
      },
      quotaFull: deps.storageFull,
      fatal: deps.fatal,
    })
    const assemblerDeps: AssemblerDeps = {
      picker,
      hasher: deps.hasher,
      pieceHashes: info.pieceHashes,
      stats,
      smartBan: new SmartBan(deps.hasher),
      pieceBuffers: this.#buffers.lent ?? undefined,
      passed: (index, data) => this.#onPassed(index, data),
      failed: deps.hashFailed,
      offence: (source, error) => this.#onOffence(source, error),
    }
    if (deps.v2) {
      const merkle = deps.v2.assembler(assemblerDeps, (checkPiece) => new PieceAssembler({ ...assemblerDeps, checkPiece }), (index) => this.#blockWaiters.wake(index))
      this.#assembler = merkle
      this.#verifiedBytes = (index, from) => merkle.verifiedBytes(index, from)
    } else this.#assembler = new PieceAssembler(assemblerDeps)
    this.#scheduler = new RequestScheduler({
      picker,
      clock,
      limiter: deps.downloadLimit,
      stats,
      peers,
      accept: (source, index, begin, block) => this.#assembler.add(source, index, begin, block),
      ...(deps.v2 ? { requesting: deps.v2.requesting } : {}),
      mayRequest: () => !this.#paused && !this.#stopped && !this.#writer.stopped && !this.#writer.congested,
      drop: deps.drop,
      received: deps.received,
    })
    this.#uploader = new Uploader({
      clock,
      random: deps.random,
      limiter: deps.uploadLimit,
      reader: this.#reader,
      stats,
      peers,
      hasPiece: (i) => picker.hasPiece(i),
      haveCount: () => picker.haveCount,
      reading: () => this.#streams.reading,
      availability: (i) => picker.availability(i),
      pieceSize: (i) => picker.pieceSize(i),
      numPieces,
      drop: deps.drop,
      uploaded: deps.uploaded,
    })
    this.handlers = { scheduler: this.#scheduler, uploader: this.#uploader }
    this.#streams = new StreamPriorities({
      info,
      picker,
      clock,
      downloadRate: deps.downloadRate,
      shown: (i) => this.#shown(i),
      playingChanged: () => peers().forEach((p) => p.session.playingChanged()),
      preempt: (critical) => this.#scheduler.preempt(critical),
      refill: () => {
        for (const peer of peers()) {
          this.#scheduler.updateInterest(peer)
          this.#scheduler.fill(peer)
        }
      },
    })
    this.#streams.expectPlayer(info.files.map(() => true))
  }

  get playing(): boolean {
    return this.#streams.playing
  }

  get numPieces(): number {
    return this.#picker.numPieces
  }

  hasPiece(index: number): boolean {
    return this.#picker.hasPiece(index)
  }

  /** A copy of the verified-piece bitfield. */
  haveBitfield(): Uint8Array {
    return this.#picker.haveBitfield()
  }

  /** Every wanted piece is verified. */
  get complete(): boolean {
    return this.#picker.complete
  }

  /** Verified bytes. */
  get verifiedBytes(): number {
    const picker = this.#picker
    const last = this.numPieces - 1
    let bytes = picker.haveCount * this.info.pieceLength
    if (picker.hasPiece(last)) bytes -= this.info.pieceLength - picker.pieceSize(last)
    return Math.max(0, bytes)
  }

  /** Pieces with blocks in flight (for piece maps). */
  requestedPieces(): number[] {
    return this.#scheduler.requestedPieces()
  }

  webSeedStats(): WebSeedStats[] {
    return this.#webSeeds.stats()
  }

  /** A peer was admitted (or metadata arrived while it was connected). */
  addPeer(peer: PeerRecord): void {
    const { session } = peer
    session.setPieceCount(this.numPieces)
    if (session.closed) return
    const all = this.#picker.haveCount === this.numPieces
    if (this.#picker.haveCount > 0) session.send({ type: 'bitfield', bitfield: this.#uploader.bitfield(peer, all) ?? this.#picker.haveBitfield() })
    this.#scheduler.onPieces(peer)
    if (session.peerInterested) this.#uploader.onInterested(peer)
  }

  /** A peer left. One we dropped (`error`) or banned loses its unverified blocks at once. */
  removePeer(peer: PeerRecord, error: SwarmstreamError | null): void {
    this.#scheduler.removePeer(peer)
    this.#uploader.freeSlot()
    if (error) this.#assembler.discard(peer)
    for (const other of this.#deps.peers()) this.#scheduler.fill(other)
  }

  drain(peer: PeerRecord): void {
    this.#uploader.onDrain(peer)
  }

  /** Housekeeping: request timeouts and hot swap, rechoking, refilling pipelines, closing links between seeders. */
  tick(done: boolean): void {
    this.#scheduler.expire()
    this.#uploader.rechoke(done)
    for (const peer of this.#deps.peers()) {
      if (done && this.#picker.haveCount === this.numPieces && peer.session.pieces?.complete) peer.session.close('both are seeding')
      else this.#scheduler.fill(peer)
    }
  }

  /** Pausing cancels requests in flight and chokes everyone; resuming starts both again. */
  setPaused(paused: boolean): void {
    this.#paused = paused
    if (paused) this.#scheduler.cancelAll()
    this.#uploader.setPaused(paused)
    if (paused) return
    for (const peer of this.#deps.peers()) {
      this.#scheduler.fill(peer)
      if (peer.session.peerInterested) this.#uploader.onInterested(peer)
    }
  }

  /** Marks which files are wanted (BEP 53 `so=`, file.select/deselect); a piece shared with a wanted file stays wanted. */
  setSelection(selected: readonly boolean[]): void {
    const pl = this.info.pieceLength
    const wanted = new Uint8Array(this.numPieces)
    this.info.files.forEach((file, f) => {
      if (!selected[f] || file.length === 0) return
      const last = Math.floor((file.offset + file.length - 1) / pl)
      for (let i = Math.floor(file.offset / pl); i <= last; i++) wanted[i] = 1
    })
    this.#picker.setWanted((i) => wanted[i] === 1)
    this.#streams.expectPlayer(selected)
  }

  /** What a TorrentFile reads through. */
  access(onSelect: (file: TorrentFileEntry, selected: boolean) => void): PieceAccess {
    return {
      pieceLength: this.info.pieceLength,
      hasPiece: (i) => this.#picker.hasPiece(i),
      shown: (i) => this.#shown(i),
      waitForPiece: (i, signal) => this.#waiters.wait(i, signal),
      readPiece: (i) => this.#readStored(i),
      ...(this.#verifiedBytes ? { readVerified: (i: number, from: number, signal?: AbortSignal) => this.#readVerified(i, from, signal) } : {}),
      select: onSelect,
      openReader: () => this.#streams.open(),
      moveReader: (id, piece, last) => this.#streams.move(id, piece, last),
      closeReader: (id) => this.#streams.close(id),
      played: () => this.#streams.played(),
    }
  }

  /**
   * Starts pulling pieces from the torrent's HTTP web seeds (BEP 19), alongside peers. The web seed code
   * is a module of its own in the build, loaded only by torrents that have web seeds.
   */
  startWebSeeds(urls: readonly string[], done: () => boolean): void {
    const { clock, warn } = this.#deps
    this.#webSeeds.start(urls, (m, url) => new m.WebSeedWorker(url, this.info, this.#scheduler, clock, done, warn), warn)
  }

  /** After a reload: pieces found intact in storage count as had (see verifyStored). Returns how many. */
  async resume(stopped: () => boolean): Promise<number> {
    const check = this.#deps.v2?.checkPiece ?? (async (i: number, data: Uint8Array) => bytesEqual(await this.#deps.hasher(data), this.info.pieceHashes[i]!))
    const kept = await verifyStored(this.store, this.info, check, stopped)
    for (const index of kept) this.#picker.markHave(index)
    return kept.length
  }

  /** A seed: every piece is had (served from its Files until they are copied into storage). */
  markAllHave(): void {
    for (let i = 0; i < this.numPieces; i++) this.#picker.markHave(i)
  }

  /**
   * Copies a seed's pieces from its Files into storage, so it can later seed without them. Then serves
   * from the store if that is the cheaper read (OPFS: measured in the bench), else from the Files still.
   */
  async persist(source: BlobSource, stopped: () => boolean): Promise<void> {
    await copyToStore(source, this.store, this.info, stopped)
    if (this.store.fastReads && !stopped()) this.#reader.stopReadingSource()
  }

  /** Stops all work and rejects every waiting reader. */
  stop(error: SwarmstreamError): void {
    this.#stopped = true
    this.#streams.stop()
    this.#webSeeds.stop()
    this.#assembler.stop()
    this.#writer.stop()
    this.fail(error)
  }

  /** A stored piece's bytes (for answering v2 hash requests). */
  readPiece(index: number): Promise<Uint8Array | null> {
    return this.#reader.readPiece(index)
  }

  /** Rejects every waiting reader (the torrent failed or was destroyed). */
  fail(error: SwarmstreamError): void {
    this.#waiters.fail(error)
    this.#blockWaiters.fail(error)
  }

  async #readStored(index: number): Promise<Uint8Array> {
    const unstored = this.#unstored.get(index)
    if (unstored) return this.#buffers.forReader(unstored)
    const piece = await this.#reader.readPiece(index)
    if (!piece) throw new SwarmstreamError('PIECE_MISSING', `Piece ${index} is not in storage any more`)
    return piece
  }

  /** Verified bytes of piece `index` from `from` on: from storage, or (v2) the blocks verified so far. */
  async #readVerified(index: number, from: number, signal?: AbortSignal): Promise<Uint8Array> {
    for (;;) {
      if (this.#picker.hasPiece(index) || this.#unstored.has(index)) return (await this.#readStored(index)).subarray(from)
      const part = this.#verifiedBytes?.(index, from)
      if (part) return part
      // Woken by each newly verified block of the piece, and when the whole piece passes.
      await this.#blockWaiters.wait(index, signal)
    }
  }

  /** We have the piece, a connected peer has shown it, or a web seed serves it. */
  #shown(index: number): boolean {
    return this.#picker.hasPiece(index) || this.#picker.availability(index) > 0 || this.#webSeeds.serving
  }

  /** A piece passed its hash: readers of this page may have it now; it is had once stored. */
  #onPassed(index: number, data: Uint8Array): void {
    if (this.#stopped) return
    this.#unstored.set(index, data)
    this.#waiters.wake(index)
    this.#blockWaiters.wake(index)
    void this.#writer.write(index, data)
  }

  #onStored(index: number, data: Uint8Array): void {
    this.#picker.markHave(index)
    // Worth caching while some peer lacks the piece (it may ask for it next).
    const wanted = (): boolean => this.#reader.caches && this.#deps.peers().some((p) => !p.session.pieces?.get(index))
    if (this.#buffers.stored(data, this.store.releasesPuts === true, wanted, this.#picker.haveCount === this.numPieces)) this.#reader.remember(index, data)
    this.#deps.v2?.stored(index)
    this.#waiters.wake(index)
    this.#blockWaiters.wake(index)
    if (this.#streams.active) this.#streams.update()
    this.#scheduler.onStored(index)
    this.#deps.verified(index)
  }

  #onOffence(source: BlockSource, error: ProtocolError): void {
    if (source.kind === 'peer') return this.#deps.ban(source.id, error)
    this.#webSeeds.hashFailed(source.id)
  }
}
