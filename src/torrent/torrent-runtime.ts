/*
 * A torrent's lifecycle, behind the public Torrent facade. Owns: the swarm (peers), the metadata
 * exchange, the tracker link, the speed meters, the housekeeping timer and — once the info dictionary
 * is known and storage is open — one PieceEngine. The client drives it through TorrentControl.
 * Flow: start(infoHash) → peers arrive (tracker or addPeer) and their messages go through the dispatch
 * table → setMetadata(info) (a .torrent, a seed, or ut_metadata) → the engine is attached and every
 * admitted peer added → pieces verified → 'done'.
 */
import { bytesEqual, toHex } from '../util/bytes.ts'
import { systemClock, type Clock, type TimerId } from '../util/clock.ts'
import { InvalidInputError, StorageError, SwarmstreamError } from '../util/errors.ts'
import { RateEstimator } from '../util/rate.ts'
import { sha1, type Hasher } from '../util/sha1.ts'
import { sha256 } from '../util/sha256.ts'
import { parseInfoDictionary } from '../metainfo/info-dictionary.ts'
import { encodeTorrentFile } from '../metainfo/torrent-file.ts'
import type { InfoDictionary } from '../metainfo/types.ts'
import type { ChunkStore } from '../storage/chunk-store.ts'
import { PeerStats } from '../peer/peer-stats.ts'
import type { PeerChannel } from '../transport/peer-channel.ts'
import type { TrackerStats } from '../tracker/tracker-client.ts'
import type { BlobSource } from './blob-source.ts'
import { dispatch, type DispatchTargets } from './dispatch.ts'
import { IdleAnnouncer, PeerSeeker, shortOfPeers } from './idle-announce.ts'
import { MetadataExchange } from './metadata-exchange.ts'
import { deferredStore } from './deferred-store.ts'
import type { PeerRecord } from './peer-record.ts'
import { PieceEngine } from './piece-engine.ts'
import { ServedPeers } from './share-stats.ts'
import { Swarm, peerInfo, type PeerInfo } from './swarm.ts'
import { TorrentFile } from './torrent-file.ts'
import { attachTracker, type TrackerLike } from './torrent-tracker.ts'
import type { Emit, MetadataOptions, StartOptions, TorrentControl, TorrentDeps } from './torrent-types.ts'
import type { V2Session } from './v2/v2-session.ts'
import { isV2InfoDictionary, loadV2Session } from './v2-link.ts'

/** Housekeeping interval: request timeouts, hot swap of overdue critical blocks, rechoking, refilling pipelines. */
export const TICK_MS = 250

export class TorrentRuntime implements TorrentControl {
  infoHash = ''
  /** BEP 52: the SHA-256 info hash (hex) of a v2 or hybrid torrent; '' for v1. */
  infoHashV2 = ''
  name = ''
  announce: string[]
  urlList: string[] = []
  selectOnly: number[] | null = null
  torrentFile: Uint8Array | null = null
  files: TorrentFile[] = []
  ready = false
  done = false
  destroyed = false
  error: SwarmstreamError | null = null
  hashingProgress = 0
  uploaded = 0
  received = 0
  storageFull = false
  persisted = false
  resumedPieces = 0
  paused = false
  readonly trackers = new Map<string, TrackerStats>()
  readonly clock: Clock
  readonly stats = new PeerStats()
  readonly downRate = new RateEstimator()
  readonly upRate = new RateEstimator()
  /** Peers that were sent blocks, kept as they leave (`peersServed`). */
  readonly served = new ServedPeers()
  swarm: Swarm | null = null
  engine: PieceEngine | null = null

  readonly #deps: TorrentDeps
  readonly #emit: Emit
  readonly #hasher: Hasher
  #metadata: MetadataExchange | null = null
  /**
   * BitTorrent v2 verification (its own module in the build, loaded when a v2 or hybrid torrent starts); null
   * for a v1 torrent, for a magnet link that names only the v1 hash, and until the module is loaded.
   */
  #v2: V2Session | null = null
  #v2Loading: Promise<V2Session> | null = null
  #tracker: TrackerLike | null = null
  #timer: TimerId | null = null
  readonly #idle = new IdleAnnouncer()
  readonly #seeker = new PeerSeeker()
  #store: ChunkStore | null = null
  #settingUp = false
  #initialSelection: readonly boolean[] | null = null

  constructor(deps: TorrentDeps, announce: string[], emit: Emit) {
    this.#deps = deps
    this.#emit = emit
    this.announce = [...new Set(announce)]
    this.clock = deps.clock ?? systemClock
    this.#hasher = deps.hasher ?? sha1
  }

  start(opts: StartOptions): void {
    if (this.destroyed || this.swarm) return
    const { infoHash, infoHashV2 } = opts
    this.infoHash = toHex(infoHash)
    if (infoHashV2) {
      this.infoHashV2 = toHex(infoHashV2)
      this.#v2Loading = this.#loadV2()
    }
    if (opts.name && !this.name) this.name = opts.name
    if (opts.announce) this.announce = [...new Set([...opts.announce, ...this.announce])]
    if (opts.urlList) this.urlList = opts.urlList
    if (opts.selectOnly) this.selectOnly = opts.selectOnly
    const metadata = (this.#metadata = new MetadataExchange({
      infoHash,
      hasher: this.#hasher,
      ...(infoHashV2 ? { verify: (bytes: Uint8Array) => isV2InfoDictionary(bytes, infoHash, infoHashV2, this.#hasher) } : {}),
      fetched: (raw) => void this.#onMetadataFetched(raw),
      badPeer: (peer, error, lied) => (lied ? this.swarm?.ban(peer.id, error) : this.swarm?.drop(peer, error)),
    }))
    const targets: DispatchTargets = {
      pieces: () => this.engine?.handlers ?? null,
      metadata,
      hashes: () => this.#v2,
      stats: this.stats,
      downloaded: (bytes) => this.#emit('download', bytes),
    }
    this.swarm = new Swarm({
      infoHash,
      ...(infoHashV2 ? { v2InfoHash: infoHashV2.subarray(0, 20) } : {}),
      peerId: this.#deps.peerId,
      clock: this.clock,
      stats: this.stats,
      metadataSize: () => metadata.metadata?.length,
      playing: () => this.engine?.playing ?? false,
      dispatch: (peer, message) => dispatch(targets, peer, message),
      joined: (peer) => {
        this.#v2?.peerJoined(peer)
        this.#addToEngine(peer)
      },
      left: (peer, _reason, error) => {
        this.#v2?.peerLeft(peer)
        this.served.left(peer.session)
        this.engine?.removePeer(peer, error)
        if (error) this.#emit('warning', error)
      },
      extendedHandshake: (peer) => metadata.onExtendedHandshake(peer),
      drain: (peer) => this.engine?.drain(peer),
    })
    this.#timer = this.clock.setInterval(() => this.#tick(), TICK_MS)
    this.#emit('infoHash')
    this.#startTracker(infoHash)
  }

  async setMetadata(info: InfoDictionary, opts: MetadataOptions = {}): Promise<void> {
    if (this.destroyed || this.engine || this.#settingUp || !this.swarm) return
    this.#settingUp = true
    if (info.version === 'v2' && !this.#v2Loading) {
      return this.fail(new InvalidInputError('V2_HASH_UNKNOWN', 'This BitTorrent v2 torrent was added without its v2 info hash; add it with its .torrent file or a magnet link with xt=urn:btmh:….'))
    }
    // v2 and hybrid: every file's piece layer must be known (from the .torrent, or fetched from peers) first.
    // A hybrid torrent added by its v1 hash alone stays a v1 torrent.
    let v2: V2Session | null = null
    if (info.version !== 'v1' && this.#v2Loading) {
      try {
        v2 = await this.#v2Loading
        await v2.prepare(info, opts.pieceLayers ?? new Map(), opts.trees)
      } catch (err) {
        return this.fail(err instanceof SwarmstreamError ? err : new SwarmstreamError('V2_UNAVAILABLE', `BitTorrent v2 support could not be loaded: ${String(err)}`))
      }
      if (this.destroyed) return
    }
    // The torrent starts while its storage opens (see deferred-store.ts); a store that cannot open fails it.
    const storeOpts = { name: this.infoHash, chunkLength: info.pieceLength, length: info.length }
    const opening = new Promise<ChunkStore>((resolve) => resolve(this.#deps.createStore(storeOpts)))
    opening.catch((err: unknown) => this.fail(err instanceof SwarmstreamError ? err : new SwarmstreamError('STORAGE_OPEN_FAILED', `Could not open storage: ${String(err)}`)))
    const store: ChunkStore = deferredStore(opening, storeOpts)
    this.#store = store
    this.name = info.name
    if (opts.urlList) this.urlList = [...new Set([...this.urlList, ...opts.urlList])]
    this.torrentFile =
      opts.torrentFile ?? encodeTorrentFile({ info: info.raw, announce: this.announce, urlList: this.urlList, ...(v2?.store ? { pieceLayers: v2.store.pieceLayers() } : {}) })
    this.#metadata?.setMetadata(info.raw)
    for (const peer of this.swarm?.peers ?? []) peer.metadata = null
    const engine = this.#createEngine(info, store, opts.source ?? null, v2)
    if (opts.haveAll) engine.markAllHave()
    else if (opts.resume) {
      this.resumedPieces = await engine.resume(() => this.destroyed)
      if (this.destroyed) return
    }
    this.engine = engine
    if (this.paused) engine.setPaused(true)
    const access = engine.access(() => this.#applySelection())
    this.files = info.files.map((entry) => new TorrentFile(entry, access, this.#deps.renderer ?? null))
    const selection = this.#initialSelection ?? (this.selectOnly ? this.files.map((_, i) => this.selectOnly!.includes(i)) : null)
    if (selection) this.files.forEach((f, i) => (selection[i] === false ? f.deselect() : f.select()))
    for (const peer of this.swarm?.peers ?? []) this.#addToEngine(peer)
    this.#emit('metadata')
    this.ready = true
    this.#emit('ready')
    if (engine.complete) this.#onDone()
    else engine.startWebSeeds(this.urlList, () => this.done || this.destroyed)
    if (opts.source) this.#persist(engine, opts.source)
  }

  setInitialSelection(selection: readonly boolean[]): void {
    this.#initialSelection = selection
  }

  setHashingProgress(fraction: number): void {
    this.hashingProgress = fraction
  }

  warn(error: SwarmstreamError): void {
    this.#emit('warning', error)
  }

  fail(error: SwarmstreamError): void {
    if (this.error) return
    this.error = error
    this.engine?.fail(error)
    this.#emit('error', error)
  }

  /** Connects a peer over an already-open channel (trackers do this; tests too). */
  addPeer(channel: PeerChannel): void {
    if (!this.swarm) return channel.close('torrent has no info hash yet')
    if (this.#deps.canAddPeer && !this.#deps.canAddPeer()) return channel.close('too many peers in this client')
    this.swarm.add(channel)
  }

  /** Pausing cancels requests and chokes everyone; connections stay. */
  pause(): void {
    if (this.paused || this.destroyed) return
    this.paused = true
    this.engine?.setPaused(true)
    this.#emit('paused')
  }

  resume(): void {
    if (!this.paused || this.destroyed) return
    this.paused = false
    this.storageFull = false
    this.engine?.setPaused(false)
    this.#emit('resumed')
  }

  peers(): PeerInfo[] {
    const now = this.clock.now()
    return (this.swarm?.peers ?? []).map((p) => peerInfo(p, now))
  }

  async destroy(opts: { destroyStore?: boolean } = {}): Promise<void> {
    if (this.destroyed) return
    this.destroyed = true
    this.clock.clearInterval(this.#timer)
    this.#tracker?.destroy()
    this.swarm?.destroy()
    this.engine?.stop(new SwarmstreamError('TORRENT_DESTROYED', 'The torrent was removed'))
    const store = this.#store
    if (store) await (opts.destroyStore ? store.destroy() : store.close()).catch(() => undefined)
    this.#emit('close')
  }

  #createEngine(info: InfoDictionary, store: ChunkStore, source: BlobSource | null, v2: V2Session | null): PieceEngine {
    const swarm = this.swarm!
    const v1Check = info.version === 'hybrid' ? async (i: number, data: Uint8Array) => bytesEqual(await this.#hasher(data), info.pieceHashes[i]!) : null
    return new PieceEngine({
      v2: v2 ? v2.hooks(v1Check) : null,
      info,
      store,
      source,
      clock: this.clock,
      hasher: this.#hasher,
      random: this.#deps.random ?? Math.random,
      readCachePieces: this.#deps.readCachePieces,
      pieceBuffers: this.#deps.pieceBuffers,
      stats: this.stats,
      peers: () => swarm.peers,
      uploadLimit: this.#deps.uploadLimit,
      downloadLimit: this.#deps.downloadLimit,
      downloadRate: () => this.downRate.rate(this.clock.now()),
      drop: (peer, error) => swarm.drop(peer, error),
      ban: (id, error) => swarm.ban(id, error),
      verified: (index) => this.#onVerified(index),
      received: (bytes) => {
        this.received += bytes
        this.downRate.add(bytes, this.clock.now())
      },
      uploaded: (bytes) => {
        this.uploaded += bytes
        this.upRate.add(bytes, this.clock.now())
        this.#emit('upload', bytes)
      },
      hashFailed: (index) => this.#emit('warning', new SwarmstreamError('HASH_FAILED', `Piece ${index} failed verification and will be fetched again`)),
      storageFull: (error) => this.#onStorageFull(error),
      fatal: (error) => this.fail(error),
      warn: (error) => this.#emit('warning', error),
    })
  }

  #tick(): void {
    this.#v2?.tick()
    const engine = this.engine
    if (!engine) return
    engine.tick(this.done)
    const peers = this.swarm?.peers ?? []
    const now = this.clock.now()
    const idle = !this.paused && (this.done ? !peers.some((p) => p.session.peerInterested) : !peers.some((p) => p.session.amInterested))
    const seek = this.#seeker.due(!this.paused && shortOfPeers(peers, this.trackers.values(), this.done, this.#seeker.countsAge(now)), this.#introduced(), now, this.done)
    if (this.#idle.due(idle, now) || seek) this.#tracker?.update?.()
  }

  #introduced(): number {
    let n = 0
    for (const t of this.trackers.values()) n += t.peers
    return n
  }

  #addToEngine(peer: PeerRecord): void {
    const engine = this.engine
    if (!engine) return
    engine.addPeer(peer)
    if (!peer.session.closed) this.#emit('wire', peerInfo(peer, this.clock.now()))
  }

  #startTracker(infoHash: Uint8Array): void {
    if (!this.#deps.createTracker) return
    this.#tracker = attachTracker(this.#deps.createTracker, {
      infoHash,
      peerId: this.#deps.peerId,
      announce: this.announce,
      stats: () => ({ uploaded: this.uploaded, downloaded: this.engine?.verifiedBytes ?? 0, left: this.engine ? this.engine.info.length - this.engine.verifiedBytes : 1 << 30 }),
      refuse: (id) => this.swarm?.isRefused(id) ?? false,
      onPeer: (channel) => this.addPeer(channel),
      onUpdate: (stats) => {
        if (stats.lastAnnounce !== (this.trackers.get(stats.url)?.lastAnnounce ?? null)) this.#seeker.countsArrived(this.clock.now())
        this.trackers.set(stats.url, stats)
      },
      onWarning: (err) => this.#emit('warning', err),
    })
  }

  async #onMetadataFetched(raw: Uint8Array): Promise<void> {
    try {
      await this.setMetadata(parseInfoDictionary(raw))
    } catch (err) {
      this.fail(err instanceof SwarmstreamError ? err : new SwarmstreamError('BAD_METADATA', String(err)))
    }
  }

  /** Loads the v2 module; once it is here, hash messages are answered and peers already admitted are counted. */
  async #loadV2(): Promise<V2Session> {
    const v2 = await loadV2Session({
      clock: this.clock,
      stats: this.stats,
      peers: () => this.swarm?.peers ?? [],
      sha256: this.#deps.sha256 ?? sha256,
      hasPiece: (i) => this.engine?.hasPiece(i) ?? false,
      readPiece: (i) => this.engine?.readPiece(i) ?? Promise.resolve(null),
      liar: (peer, error) => this.swarm?.ban(peer.id, error),
      fail: (error) => this.fail(error),
    })
    this.#v2 = v2
    for (const peer of this.swarm?.peers ?? []) v2.peerJoined(peer)
    return v2
  }

  #persist(engine: PieceEngine, source: BlobSource): void {
    engine.persist(source, () => this.destroyed).then(
      () => {
        this.persisted = !this.destroyed
        if (this.persisted) this.#emit('persisted')
      },
      (err: unknown) =>
        this.#emit('warning', new SwarmstreamError('PERSIST_FAILED', `Seeding continues from the original files, but they could not be copied to storage: ${(err as Error).message}`)),
    )
  }

  #applySelection(): void {
    const engine = this.engine
    if (!engine || this.files.length === 0) return
    engine.setSelection(this.files.map((f) => f.selected))
    this.#emit('selection')
    if (!this.done && engine.complete) this.#onDone()
  }

  #onVerified(index: number): void {
    this.#emit('verified', index)
    if (!this.done && this.engine?.complete) this.#onDone()
  }

  #onDone(): void {
    this.done = true
    this.#tracker?.complete()
    this.#emit('done')
  }

  #onStorageFull(error: StorageError): void {
    if (this.storageFull) return
    this.storageFull = true
    this.pause()
    this.#emit('warning', new StorageError('QUOTA_EXCEEDED', `${error.message} The torrent is paused; resume it once there is room.`))
  }
}
