/*
 * The Torrent facade (WebTorrent's public shape) and its lifecycle.
 * Owns: the swarm (peers), the metadata exchange, the tracker link, the speed meters, and — once the
 * info dictionary is known — one PieceEngine (picker, storage, downloader, uploader, readers, web seeds).
 * Flow: client → _start(infoHash) → peers arrive (tracker or addPeer) → _setMetadata(info) (from a
 * .torrent, a seed, or ut_metadata) → swarm events are routed to the engine → 'verified' → 'done'.
 * Policy lives in the engine and below; this file only wires events and exposes state.
 */
import { toHex } from '../util/bytes.ts'
import { StorageError, SwarmstreamError, type ProtocolError } from '../util/errors.ts'
import { RateEstimator } from '../util/rate.ts'
import type { TokenBucket } from '../util/token-bucket.ts'
import { TypedEmitter } from '../util/typed-emitter.ts'
import { formatMagnet } from '../metainfo/magnet.ts'
import { parseInfoDictionary } from '../metainfo/info-dictionary.ts'
import { encodeTorrentFile } from '../metainfo/torrent-file.ts'
import type { InfoDictionary } from '../metainfo/types.ts'
import type { ChunkStore, ChunkStoreOptions } from '../storage/chunk-store.ts'
import type { PeerSession } from '../peer/peer-session.ts'
import type { PeerStatsSnapshot } from '../peer/peer-stats.ts'
import type { PeerChannel } from '../transport/peer-channel.ts'
import type { TrackerStats } from '../tracker/tracker-client.ts'
import type { WireMessage } from '../wire/index.ts'
import type { BlobSource } from './blob-source.ts'
import { MetadataExchange, UT_METADATA } from './metadata-exchange.ts'
import { PieceEngine } from './piece-engine.ts'
import { ServedPeers, shareRatio } from './share-stats.ts'
import { Swarm, peerInfo, type PeerInfo } from './swarm.ts'
import { TorrentFile, type FileRenderer } from './torrent-file.ts'
import type { WebSeedStats } from './web-seed-worker.ts'
import { attachTracker, type TrackerLike, type TrackerFactory } from './torrent-tracker.ts'

/** Housekeeping interval: request timeouts, hot swap of overdue critical blocks, refilling pipelines. */
const TICK_MS = 250

export interface TorrentEvents {
  [event: string]: (...args: never[]) => void
  infoHash(): void
  metadata(): void
  ready(): void
  download(bytes: number): void
  upload(bytes: number): void
  wire(peer: PeerInfo): void
  done(): void
  /** A seed's pieces are all copied from its files into storage (it can seed after a reload). */
  persisted(): void
  paused(): void
  resumed(): void
  /** Files were selected or deselected. */
  selection(): void
  /** A piece passed its hash check and is stored. */
  verified(index: number): void
  warning(err: SwarmstreamError): void
  error(err: SwarmstreamError): void
  close(): void
}

export interface TorrentDeps {
  peerId: Uint8Array
  createStore: (opts: ChunkStoreOptions) => Promise<ChunkStore>
  /** null: no tracker (tests connect peers with `addPeer`). */
  createTracker: TrackerFactory | null
  /** Plays files (media layer); null in builds without playback. */
  renderer?: FileRenderer | null
  /** Client-wide connection limit: false when no more peers may be added. */
  canAddPeer?: () => boolean
  /** Client-wide bandwidth limits. */
  uploadLimit: TokenBucket
  downloadLimit: TokenBucket
}

/** A torrent being downloaded or seeded; the public face follows WebTorrent's Torrent. */
export class Torrent extends TypedEmitter<TorrentEvents> {
  infoHash = ''
  name = ''
  announce: string[]
  urlList: string[] = []
  /** @internal A restored torrent's saved file selection. */
  _initialSelection: boolean[] | null = null
  /** Paused because storage is full (QUOTA_EXCEEDED); resuming tries again. */
  storageFull = false
  /** A seed's pieces are all in storage (see the `persisted` event). */
  persisted = false
  /** Pieces found intact in storage when the torrent was restored after a reload. */
  resumedPieces = 0
  /** BEP 53: file indexes to fetch, from a magnet's `so=`; null = all files. */
  selectOnly: number[] | null = null
  torrentFile: Uint8Array | null = null
  files: TorrentFile[] = []
  ready = false
  done = false
  destroyed = false
  error: SwarmstreamError | null = null
  /** 0..1 while a seed is being hashed. */
  hashingProgress = 0
  uploaded = 0
  received = 0
  trackers = new Map<string, TrackerStats>()

  #deps: TorrentDeps
  #infoHashBytes: Uint8Array | null = null
  #swarm: Swarm | null = null
  #metadata: MetadataExchange | null = null
  #engine: PieceEngine | null = null
  #tracker: TrackerLike | null = null
  #downRate = new RateEstimator()
  #upRate = new RateEstimator()
  #served = new ServedPeers()
  #timer: ReturnType<typeof setInterval> | null = null
  #settingUp = false
  #paused = false

  constructor(deps: TorrentDeps, announce: string[]) {
    super()
    this.#deps = deps
    this.announce = [...new Set(announce)]
  }

  get magnetURI(): string {
    if (!this.infoHash) return ''
    return formatMagnet({
      infoHashHex: this.infoHash,
      name: this.name || undefined,
      trackers: this.announce,
      webSeeds: this.urlList,
      ...(this.selectOnly ? { selectOnly: this.selectOnly } : {}),
    })
  }

  get length(): number {
    return this.#engine?.info.length ?? 0
  }
  get pieceLength(): number {
    return this.#engine?.info.pieceLength ?? 0
  }
  get numPieces(): number {
    return this.#engine?.numPieces ?? 0
  }
  get downloaded(): number {
    return this.#engine?.verifiedBytes ?? 0
  }
  get progress(): number {
    const length = this.length
    if (!this.#engine) return 0
    return length === 0 ? 1 : this.downloaded / length
  }
  /** 0 the moment the download is done or paused (and ~1 s after bytes stop arriving, see RateEstimator). */
  get downloadSpeed(): number {
    return this.done || this.#paused ? 0 : this.#downRate.rate(performance.now())
  }
  get uploadSpeed(): number {
    return this.#paused ? 0 : this.#upRate.rate(performance.now())
  }
  get numPeers(): number {
    return this.#swarm?.active.length ?? 0
  }
  /** Connected peers with their rates, for the UI and tests. */
  get peers(): PeerInfo[] {
    const now = performance.now()
    return (this.#swarm?.active ?? []).map((p) => peerInfo(p, now))
  }
  /** Uploaded ÷ received bytes, or ÷ length when nothing was received (a seeder), as WebTorrent reports it. */
  get ratio(): number {
    return shareRatio(this.uploaded, this.received, this.length)
  }
  /** Distinct peers that were sent at least one block so far (connected now or gone). */
  get peersServed(): number {
    return this.#served.count(this.#swarm?.active ?? [])
  }
  /** Milliseconds until done at the current speed; Infinity while nothing arrives, 0 when done. */
  get timeRemaining(): number {
    if (this.done) return 0
    const speed = this.downloadSpeed
    return speed > 0 ? ((this.length - this.downloaded) / speed) * 1000 : Infinity
  }
  /** What peers did: drops, bans, hash failures, unrequested and late blocks, protocol errors by code. */
  get stats(): PeerStatsSnapshot | null {
    return this.#swarm?.stats.snapshot() ?? null
  }

  /** Whether the torrent is paused (no requests, no uploads; connections stay). */
  get paused(): boolean {
    return this.#paused
  }

  pause(): void {
    if (this.#paused || this.destroyed) return
    this.#paused = true
    this.#applyPause()
    this.emit('paused')
  }

  resume(): void {
    if (!this.#paused || this.destroyed) return
    this.#paused = false
    this.storageFull = false
    this.#applyPause()
    this.emit('resumed')
  }

  /** Pieces with blocks in flight right now (for piece maps). */
  requestedPieces(): number[] {
    return this.#engine?.downloader.requestedPieces() ?? []
  }

  /** Seeders and leechers as each tracker last reported them. */
  get trackerStats(): TrackerStats[] {
    return [...this.trackers.values()]
  }
  /** HTTP web seeds (BEP 19) and what they delivered. */
  get webSeeds(): WebSeedStats[] {
    return this.#engine?.webSeeds.map((w) => w.stats) ?? []
  }
  /** Verified-piece bitfield (for piece maps); null before metadata. */
  get bitfield(): Uint8Array | null {
    return this.#engine?.picker.have.bytes ?? null
  }

  hasPiece(index: number): boolean {
    return this.#engine?.picker.have.get(index) ?? false
  }

  /** Connects a peer over an already-open channel (trackers do this; tests too). */
  addPeer(channel: PeerChannel): void {
    if (!this.#swarm) return channel.close('torrent has no info hash yet')
    if (this.#deps.canAddPeer && !this.#deps.canAddPeer()) return channel.close('too many peers in this client')
    this.#swarm.add(channel)
  }

  /** @internal Called by the client once the info hash is known. */
  _start(infoHash: Uint8Array, name?: string): void {
    if (this.destroyed) return
    this.#infoHashBytes = infoHash
    this.infoHash = toHex(infoHash)
    if (name && !this.name) this.name = name
    const swarm = new Swarm(infoHash, this.#deps.peerId, () => this.#metadata?.metadata?.length)
    this.#swarm = swarm
    this.#metadata = new MetadataExchange(
      infoHash,
      (raw) => this.#onMetadataFetched(raw),
      (peer, error) => swarm.drop(peer, error, true),
    )
    swarm.on('joined', (peer) => this.#onJoined(peer))
    swarm.on('extended-handshake', (peer) => this.#metadata?.onExtendedHandshake(peer))
    swarm.on('message', (peer, message) => this.#onMessage(peer, message))
    swarm.on('drain', (peer) => this.#engine?.uploader.onDrain(peer))
    swarm.on('left', (peer, _reason, error) => {
      this.#served.left(peer)
      this.#onLeft(peer)
      if (error) this.emit('warning', error)
    })
    this.#timer = setInterval(() => this.#tick(), TICK_MS)
    this.emit('infoHash')
    if (this.#deps.createTracker) {
      this.#tracker = attachTracker(this.#deps.createTracker, {
        infoHash,
        peerId: this.#deps.peerId,
        announce: this.announce,
        stats: () => ({ uploaded: this.uploaded, downloaded: this.downloaded, left: this.#engine ? this.length - this.downloaded : 1 << 30 }),
        onPeer: (channel) => this.addPeer(channel),
        onUpdate: (stats) => this.trackers.set(stats.url, stats),
        onWarning: (err) => this.emit('warning', err),
      })
    }
  }

  /** @internal Called with a verified info dictionary; `source` serves a seed straight from its Files. */
  async _setMetadata(
    info: InfoDictionary,
    opts: { source?: BlobSource; haveAll?: boolean; torrentFile?: Uint8Array; resume?: boolean },
  ): Promise<void> {
    if (this.destroyed || this.#engine || this.#settingUp) return
    this.#settingUp = true
    let store: ChunkStore
    try {
      store = await this.#deps.createStore({ name: this.infoHash, chunkLength: info.pieceLength, length: info.length })
    } catch (err) {
      this.#fail(err instanceof SwarmstreamError ? err : new SwarmstreamError('STORAGE_OPEN_FAILED', `Could not open storage: ${String(err)}`))
      return
    }
    if (this.destroyed) return void store.close()
    this.name = info.name
    this.torrentFile = opts.torrentFile ?? encodeTorrentFile({ info: info.raw, announce: this.announce, urlList: this.urlList })
    const engine = new PieceEngine({
      info,
      store,
      source: opts.source ?? null,
      dropPeer: (peer, error, ban) => this.#swarm?.drop(peer, error, ban),
      downloadRate: () => this.downloadSpeed,
      uploadLimit: this.#deps.uploadLimit,
      downloadLimit: this.#deps.downloadLimit,
      stats: this.#swarm!.stats,
      onPrioritiesChanged: () => {
        for (const peer of this.#swarm?.active ?? []) {
          engine.downloader.updateInterest(peer)
          engine.downloader.fill(peer)
        }
      },
      onUploaded: (bytes) => {
        this.uploaded += bytes
        this.#upRate.add(bytes, performance.now())
        this.emit('upload', bytes)
      },
    })
    this.#engine = engine
    this.#metadata?.setMetadata(info.raw)
    if (opts.haveAll) for (let i = 0; i < engine.numPieces; i++) engine.picker.verified(i)
    else if (opts.resume) {
      this.resumedPieces = await engine.resume(() => this.destroyed)
      if (this.destroyed) return
    }
    engine.downloader.on('received', (bytes) => {
      this.received += bytes
      this.#downRate.add(bytes, performance.now())
    })
    engine.downloader.on('verified', (index) => this.#onVerified(index))
    if (this.#paused) this.#applyPause()
    engine.downloader.on('hash-failed', (index) =>
      this.emit('warning', new SwarmstreamError('HASH_FAILED', `Piece ${index} failed verification and will be fetched again`)),
    )
    engine.downloader.on('fatal', (error) => this.#fail(error))
    engine.downloader.on('storage-full', (error) => {
      if (this.storageFull) return
      this.storageFull = true
      this.pause()
      this.emit('warning', new StorageError('QUOTA_EXCEEDED', `${error.message} The torrent is paused; resume it once there is room.`))
    })
    const access = engine.access(() => this.#applySelection())
    this.files = info.files.map((entry) => new TorrentFile(entry, access, this.#deps.renderer ?? null))
    const selection = this._initialSelection ?? (this.selectOnly ? this.files.map((_, i) => this.selectOnly!.includes(i)) : null)
    if (selection) this.files.forEach((f, i) => (selection[i] === false ? f.deselect() : f.select()))
    for (const peer of this.#swarm?.active ?? []) this.#onJoined(peer)
    this.emit('metadata')
    this.ready = true
    this.emit('ready')
    if (engine.picker.complete) this.#onDone()
    else engine.startWebSeeds(this.urlList, () => this.done || this.destroyed)
    if (opts.source) {
      engine.persist(opts.source, () => this.destroyed).then(() => {
        this.persisted = !this.destroyed
        if (this.persisted) this.emit('persisted')
      }, (err: unknown) =>
        this.emit('warning', new SwarmstreamError('PERSIST_FAILED', `Seeding continues from the original files, but they could not be copied to storage: ${(err as Error).message}`)),
      )
    }
  }

  async destroy(opts: { destroyStore?: boolean } = {}): Promise<void> {
    if (this.destroyed) return
    this.destroyed = true
    if (this.#timer) clearInterval(this.#timer)
    this.#tracker?.destroy()
    this.#swarm?.destroy()
    const engine = this.#engine
    if (engine) {
      engine.stop(new SwarmstreamError('TORRENT_DESTROYED', 'The torrent was removed'))
      await (opts.destroyStore ? engine.store.destroy() : engine.store.close()).catch(() => undefined)
    }
    this.emit('close')
    this.removeAllListeners()
  }

  /** @internal A problem that does not stop the torrent. */
  _warn(error: SwarmstreamError): void {
    this.emit('warning', error)
  }

  /** @internal Bad input or fatal storage failure. */
  _fail(error: SwarmstreamError): void {
    this.#fail(error)
  }

  async #onMetadataFetched(raw: Uint8Array): Promise<void> {
    try {
      await this._setMetadata(parseInfoDictionary(raw), {})
    } catch (err) {
      this.#fail(err instanceof SwarmstreamError ? err : new SwarmstreamError('BAD_METADATA', String(err)))
    }
  }

  #applyPause(): void {
    this.#engine?.setPaused(this.#paused, this.#swarm?.active ?? [])
  }

  #applySelection(): void {
    const engine = this.#engine
    if (!engine || this.files.length === 0) return
    engine.setSelection(this.files.map((f) => f.selected), this.#swarm?.active ?? [])
    this.emit('selection')
    if (!this.done && engine.picker.complete) this.#onDone()
  }

  #onJoined(peer: PeerSession): void {
    if (this.#engine?.addPeer(peer)) this.emit('wire', peerInfo(peer, performance.now()))
  }

  #onLeft(peer: PeerSession): void {
    this.#metadata?.onPeerGone(peer)
    this.#engine?.removePeer(peer, this.#swarm?.active ?? [])
  }

  #onMessage(peer: PeerSession, message: WireMessage): void {
    if (message.type === 'extended') {
      if (message.id === this.#swarm?.extensionId) this.#metadata?.onMessage(peer, message.payload)
      return
    }
    this.#engine?.onMessage(peer, message)
    if (message.type === 'piece') this.emit('download', message.block.length)
  }

  #onVerified(index: number): void {
    const engine = this.#engine!
    this.emit('verified', index)
    engine.announceHave(index, this.#swarm?.active ?? [])
    if (!this.done && engine.picker.complete) this.#onDone()
  }

  #onDone(): void {
    this.done = true
    this.#tracker?.complete()
    this.emit('done')
  }

  #tick(): void {
    this.#engine?.tick(this.#swarm?.active ?? [], this.done)
  }

  #fail(error: SwarmstreamError): void {
    if (this.error) return
    this.error = error
    this.#engine?.fail(error)
    this.emit('error', error)
  }
}

export { UT_METADATA }
export type { ProtocolError }
