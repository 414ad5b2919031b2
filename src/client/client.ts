import type { Clock } from '../util/clock.ts'
import { InvalidInputError, SwarmstreamError } from '../util/errors.ts'
import type { Hasher } from '../util/sha1.ts'
import { TokenBucket } from '../util/token-bucket.ts'
import { TypedEmitter } from '../util/typed-emitter.ts'
import { parseTorrentFile } from '../metainfo/torrent-file.ts'
import type { TorrentVersion } from '../metainfo/types.ts'
import {
  IdbTorrentRegistry,
  MemoryTorrentRegistry,
  createChunkStore,
  type ChunkStore,
  type ChunkStoreKind,
  type ChunkStoreOptions,
  type TorrentRecord,
  type TorrentRegistry,
} from '../storage/index.ts'
import { TorrentTracker, loadTrackerClient } from '../tracker/tracker-client.ts'
import { BlobSource } from '../torrent/blob-source.ts'
import { buildTorrent, type Torrent, type TorrentControl } from '../torrent/torrent.ts'
import type { FileRenderer } from '../torrent/torrent-file.ts'
import type { TrackerFactory } from '../torrent/torrent-tracker.ts'
import { scheduleExactSource } from './exact-source.ts'
import { createPeerId } from './peer-id.ts'
import { checkRtcConfig } from './rtc-config.ts'
import { toSeedFiles, type SeedInput } from './seed-input.ts'
import { resolveTorrentId, type TorrentId } from './torrent-id.ts'

/** The media stack (its own module in the build) loads when something is first played. */
const lazyRenderer: FileRenderer = {
  renderTo: (file, element, opts) => import('../media/index.ts').then((media) => media.renderTo(file, element, opts)),
  appendTo: (file, parent, opts) => import('../media/index.ts').then((media) => media.appendTo(file, parent, opts)),
}

/** Most peer connections over all torrents of one client (each is an RTCPeerConnection). */
export const MAX_PEERS = 150

/** The public WebTorrent trackers (create-torrent's defaults). */
export const DEFAULT_TRACKERS = ['wss://tracker.webtorrent.dev', 'wss://tracker.openwebtorrent.com', 'wss://tracker.btorrent.xyz']

export interface ClientOptions {
  /** Trackers for torrents that bring none (and added to those that do). */
  announce?: string[]
  /**
   * RTCPeerConnection config; the default keeps public STUN servers. Tests pass `{ iceServers: [] }`.
   * Private mode: `{ iceServers: [{ urls: 'turn:…', username, credential }], iceTransportPolicy: 'relay' }`
   * (relay-only without a TURN server is refused with RELAY_WITHOUT_TURN).
   */
  rtcConfig?: RTCConfiguration
  storage?: ChunkStoreKind
  /** false: no trackers at all (peers are connected with `torrent.addPeer`). */
  tracker?: boolean
  /** Upload limit for all torrents, bytes/s (like WebTorrent's throttleUpload); 0 or omitted: unlimited. */
  uploadLimit?: number
  /** Download limit for all torrents, bytes/s; 0 or omitted: unlimited. */
  downloadLimit?: number
  /** Keep the torrent list so torrents come back (and resume from storage) after a reload. */
  persist?: boolean
  /** Advanced (tests, embedding): where the torrent list and the pieces are kept. */
  registry?: TorrentRegistry
  createStore?: (opts: ChunkStoreOptions) => Promise<ChunkStore>
  /** Advanced (tests, simulation): the clock all torrents run on (default: the real one). */
  clock?: Clock
  /** Advanced (tests, simulation): SHA-1 of pieces and metadata (default: WebCrypto). */
  hasher?: Hasher
  /** Advanced (tests, simulation): SHA-256 of BitTorrent v2 blocks (default: WebCrypto). */
  sha256?: Hasher
}

export interface AddOptions {
  announce?: string[]
  /** @internal Restoring after a reload: verify what storage holds before downloading. */
  resume?: boolean
}

export interface SeedOptions extends AddOptions {
  name?: string
  pieceLength?: number
  /**
   * 'v1' (default): the same torrent WebTorrent makes for the same files. 'v2': BitTorrent v2 only (BEP 52,
   * SHA-256 merkle trees, every block verified on arrival; v1-only clients such as WebTorrent cannot join).
   * 'hybrid': both, one swarm: v2 between v2 clients, v1 with WebTorrent.
   */
  version?: TorrentVersion
}

export interface ClientEvents {
  [event: string]: (...args: never[]) => void
  torrent(torrent: Torrent): void
  error(err: SwarmstreamError): void
}

/** Swarmstream's entry point, shaped like WebTorrent's Client. */
export class Client extends TypedEmitter<ClientEvents> {
  announce: string[]
  readonly peerId = createPeerId()
  #torrents: Torrent[] = []
  #controls = new WeakMap<Torrent, TorrentControl>()
  #clock: Clock | undefined
  #hasher: Hasher | undefined
  #sha256: Hasher | undefined
  #storage: ChunkStoreKind
  #trackerFactory: TrackerFactory | null
  #registry: TorrentRegistry | null
  #createStore: (opts: ChunkStoreOptions) => Promise<ChunkStore>
  /** Resolves once torrents saved by an earlier page load are back in `torrents`. */
  readonly restored: Promise<Torrent[]>
  #upLimit = new TokenBucket()
  #downLimit = new TokenBucket()
  #uploaded = 0
  destroyed = false

  constructor(opts: ClientOptions = {}) {
    super()
    checkRtcConfig(opts.rtcConfig)
    this.announce = opts.announce ?? [...DEFAULT_TRACKERS]
    this.#storage = opts.storage ?? (typeof indexedDB === 'undefined' ? 'memory' : 'auto')
    const storage = this.#storage
    this.#createStore = opts.createStore ?? ((o) => createChunkStore(storage, o))
    this.#clock = opts.clock
    this.#hasher = opts.hasher
    this.#sha256 = opts.sha256
    this.#registry = opts.registry ?? (opts.persist ? (storage === 'memory' ? new MemoryTorrentRegistry() : new IdbTorrentRegistry()) : null)
    this.restored = this.#restore()
    this.#upLimit.setRate(opts.uploadLimit ?? Infinity)
    this.#downLimit.setRate(opts.downloadLimit ?? Infinity)
    const rtcConfig = opts.rtcConfig
    this.#trackerFactory =
      opts.tracker === false ? null : (o) => new TorrentTracker({ ...o, ...(rtcConfig ? { rtcConfig } : {}) })
    // Loads while the first torrent resolves its metadata; a failure shows up as each tracker's warning.
    if (this.#trackerFactory) void loadTrackerClient().catch(() => undefined)
  }

  /** Upload limit in bytes/s (Infinity: none); settable at any time, like WebTorrent's throttleUpload. */
  get uploadLimit(): number {
    return this.#upLimit.rate
  }
  set uploadLimit(bytesPerSecond: number) {
    this.#upLimit.setRate(bytesPerSecond)
  }
  get downloadLimit(): number {
    return this.#downLimit.rate
  }
  set downloadLimit(bytesPerSecond: number) {
    this.#downLimit.setRate(bytesPerSecond)
  }
  /** WebTorrent-style aliases; -1 or 0 means unlimited. */
  throttleUpload(bytesPerSecond: number): void {
    this.uploadLimit = bytesPerSecond
  }
  throttleDownload(bytesPerSecond: number): void {
    this.downloadLimit = bytesPerSecond
  }

  get torrents(): Torrent[] {
    return [...this.#torrents]
  }

  /** Bytes uploaded by all torrents since this client started, including torrents removed since. */
  get uploaded(): number {
    return this.#uploaded
  }
  /** Sums over the torrents, bytes/s (WebTorrent's client.downloadSpeed / uploadSpeed). */
  get downloadSpeed(): number {
    return this.#torrents.reduce((sum, t) => sum + t.downloadSpeed, 0)
  }
  get uploadSpeed(): number {
    return this.#torrents.reduce((sum, t) => sum + t.uploadSpeed, 0)
  }

  get(infoHash: string): Torrent | undefined {
    const hash = infoHash.toLowerCase()
    return this.#torrents.find((t) => t.infoHash === hash)
  }

  /** Starts downloading; returns the torrent at once. Bad input ends in the torrent's and the client's `error`. */
  add(torrentId: TorrentId, opts: AddOptions = {}, onTorrent?: (t: Torrent) => void): Torrent {
    const torrent = this.#create(opts.announce)
    if (onTorrent) torrent.once('ready', () => onTorrent(torrent))
    void this.#load(torrent, torrentId, opts.resume ?? false)
    return torrent
  }

  /**
   * Readies seeding ahead of `seed()`: loads its code and starts the hashing workers (kept 30 s). For a page
   * to call when someone shows they are about to share (opens a file picker, drags files over it).
   */
  prepareSeed(): void {
    import('./create.ts').then((m) => m.warmHashWorkers(), () => undefined)
  }

  /** Seeds files: the magnet link exists as soon as they are hashed; pieces are served from the Files. */
  seed(input: SeedInput, opts: SeedOptions = {}, onSeed?: (t: Torrent) => void): Torrent {
    const torrent = this.#create(opts.announce)
    if (onSeed) torrent.once('ready', () => onSeed(torrent))
    void this.#seed(torrent, input, opts)
    return torrent
  }

  async remove(torrent: Torrent | string, opts: { destroyStore?: boolean } = {}): Promise<void> {
    const t = typeof torrent === 'string' ? this.get(torrent) : torrent
    if (!t) return
    this.#torrents = this.#torrents.filter((x) => x !== t)
    if (t.infoHash) await this.#registry?.delete(t.infoHash).catch(() => undefined)
    await t.destroy(opts)
  }

  async destroy(): Promise<void> {
    if (this.destroyed) return
    this.destroyed = true
    const all = this.#torrents
    this.#torrents = []
    await Promise.all(all.map((t) => t.destroy()))
    this.removeAllListeners()
  }

  #create(extraAnnounce: string[] = []): Torrent {
    const { torrent, control } = buildTorrent(
      {
        peerId: this.peerId,
        createStore: this.#createStore,
        createTracker: this.#trackerFactory,
        uploadLimit: this.#upLimit,
        downloadLimit: this.#downLimit,
        renderer: lazyRenderer,
        canAddPeer: () => this.#torrents.reduce((n, t) => n + t.numPeers, 0) < MAX_PEERS,
        ...(this.#clock ? { clock: this.#clock } : {}),
        ...(this.#hasher ? { hasher: this.#hasher } : {}),
        ...(this.#sha256 ? { sha256: this.#sha256 } : {}),
      },
      [...extraAnnounce, ...this.announce],
    )
    this.#controls.set(torrent, control)
    this.#torrents.push(torrent)
    torrent.on('upload', (bytes) => (this.#uploaded += bytes))
    queueMicrotask(() => this.emit('torrent', torrent))
    if (this.#registry) this.#remember(torrent, this.#registry)
    return torrent
  }

  /** Saves the torrent in the registry as it learns its info hash, metadata and file selection. */
  #remember(torrent: Torrent, registry: TorrentRegistry): void {
    const addedAt = Date.now()
    const save = () => {
      if (!torrent.infoHash || torrent.destroyed || !this.#torrents.includes(torrent)) return
      void registry
        .put({
          infoHash: torrent.infoHash,
          magnetURI: torrent.magnetURI,
          addedAt,
          ...(torrent.torrentFile ? { torrentFile: torrent.torrentFile } : {}),
          ...(torrent.files.length > 0 ? { selected: torrent.files.map((f) => f.selected) } : {}),
        })
        .catch((err: unknown) => this.#control(torrent).warn(err instanceof SwarmstreamError ? err : new SwarmstreamError('REGISTRY', String(err))))
    }
    torrent.on('infoHash', save)
    torrent.on('ready', save)
    torrent.on('selection', save)
  }

  async #restore(): Promise<Torrent[]> {
    if (!this.#registry) return []
    let records: TorrentRecord[]
    try {
      records = await this.#registry.list()
    } catch (err) {
      queueMicrotask(() => this.emit('error', err instanceof SwarmstreamError ? err : new SwarmstreamError('REGISTRY', String(err))))
      return []
    }
    return records.map((record) => {
      const torrent = this.add(record.torrentFile ?? record.magnetURI, { resume: true })
      if (record.selected) this.#control(torrent).setInitialSelection(record.selected)
      return torrent
    })
  }

  async #load(torrent: Torrent, torrentId: TorrentId, resume: boolean): Promise<void> {
    await Promise.resolve() // let the caller attach listeners first
    try {
      const id = resolveTorrentId(torrentId)
      if (id.kind === 'magnet') {
        const { magnet } = id
        if (!this.#claim(torrent, magnet.infoHashHex)) return
        this.#control(torrent).start({
          infoHash: magnet.infoHash,
          ...(magnet.infoHashV2 ? { infoHashV2: magnet.infoHashV2 } : {}),
          ...(magnet.name ? { name: magnet.name } : {}),
          announce: magnet.trackers,
          urlList: magnet.webSeeds,
          selectOnly: magnet.selectOnly ?? null,
        })
        if (magnet.exactSource) this.#fetchExactSource(torrent, magnet.exactSource)
        return
      }
      const bytes = await id.bytes()
      const meta = await parseTorrentFile(bytes)
      if (!this.#claim(torrent, meta.infoHashHex)) return
      const control = this.#control(torrent)
      control.start({ infoHash: meta.infoHash, ...(meta.infoHashV2 ? { infoHashV2: meta.infoHashV2 } : {}), name: meta.info.name, announce: meta.announce, urlList: meta.urlList })
      await control.setMetadata(meta.info, { torrentFile: bytes, resume, pieceLayers: meta.pieceLayers })
    } catch (err) {
      this.#reject(torrent, err)
    }
  }

  /** xs=: the magnet's .torrent URL, asked when peers have not given the metadata (see exact-source.ts). */
  #fetchExactSource(torrent: Torrent, url: string): void {
    scheduleExactSource(
      url,
      {
        infoHash: torrent.infoHash,
        get ready() {
          return torrent.ready
        },
        get destroyed() {
          return torrent.destroyed
        },
        onSettled: (listener) => {
          torrent.once('metadata', listener)
          torrent.once('close', listener)
        },
        warn: (error) => this.#control(torrent).warn(error),
        useTorrentFile: (meta, bytes) => this.#control(torrent).setMetadata(meta.info, { torrentFile: bytes, urlList: meta.urlList }),
      },
      { immediate: this.#trackerFactory === null || torrent.announce.length === 0 },
    )
  }

  async #seed(torrent: Torrent, input: SeedInput, opts: SeedOptions): Promise<void> {
    await Promise.resolve()
    try {
      const control = this.#control(torrent)
      const files = toSeedFiles(input)
      const { createFromFiles } = await import('./create.ts')
      const { metainfo, torrentFile, files: ordered, trees } = await createFromFiles(files, {
        ...(opts.name ? { name: opts.name } : {}),
        ...(opts.pieceLength ? { pieceLength: opts.pieceLength } : {}),
        ...(opts.version ? { version: opts.version } : {}),
        announce: [...torrent.announce],
        createdBy: 'Swarmstream',
        onProgress: (hashed) => {
          control.setHashingProgress(metainfoTotal(files) === 0 ? 1 : hashed / metainfoTotal(files))
        },
      })
      control.setHashingProgress(1)
      if (!this.#claim(torrent, metainfo.infoHashHex)) return
      // Pad files (v2 and hybrid layouts) have no Blob: their bytes read as zeros.
      const real = metainfo.info.files.filter((entry) => !entry.padding)
      const source = new BlobSource(real.map((entry, i) => ({ blob: ordered[i]!.blob, offset: entry.offset })))
      control.start({ infoHash: metainfo.infoHash, ...(metainfo.infoHashV2 ? { infoHashV2: metainfo.infoHashV2 } : {}), name: metainfo.info.name })
      await control.setMetadata(metainfo.info, { source, haveAll: true, torrentFile, pieceLayers: metainfo.pieceLayers, trees })
    } catch (err) {
      this.#reject(torrent, err)
    }
  }

  #control(torrent: Torrent): TorrentControl {
    return this.#controls.get(torrent)!
  }

  /** A second add of the same torrent is an error on the new one; the running one is untouched. */
  #claim(torrent: Torrent, infoHashHex: string): boolean {
    const existing = this.get(infoHashHex)
    if (!existing || existing === torrent) return true
    this.#reject(torrent, new InvalidInputError('DUPLICATE_TORRENT', `That torrent (${existing.name || infoHashHex}) is already in the list.`))
    return false
  }

  #reject(torrent: Torrent, err: unknown): void {
    const error = err instanceof SwarmstreamError ? err : new SwarmstreamError('UNEXPECTED', String((err as Error)?.message ?? err))
    this.#torrents = this.#torrents.filter((t) => t !== torrent)
    this.#control(torrent).fail(error)
    this.emit('error', error)
    void torrent.destroy()
  }
}

function metainfoTotal(files: { length: number }[]): number {
  return files.reduce((sum, f) => sum + f.length, 0)
}
