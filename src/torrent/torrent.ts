import { formatMagnet } from '../metainfo/magnet.ts'
import type { SwarmstreamError } from '../util/errors.ts'
import { TypedEmitter } from '../util/typed-emitter.ts'
import type { PeerStatsSnapshot } from '../peer/peer-stats.ts'
import type { PeerChannel } from '../transport/peer-channel.ts'
import type { TrackerStats } from '../tracker/tracker-client.ts'
import { shareRatio } from './share-stats.ts'
import type { PeerInfo } from './swarm.ts'
import type { TorrentFile } from './torrent-file.ts'
import { TorrentRuntime } from './torrent-runtime.ts'
import type { Emit, TorrentControl, TorrentDeps, TorrentEvents } from './torrent-types.ts'
import type { WebSeedStats } from './web-seed-worker.ts'

export type { TorrentControl, TorrentDeps, TorrentEvents } from './torrent-types.ts'

/**
 * A torrent being downloaded or seeded; the public face follows WebTorrent's Torrent. It reads state
 * and forwards the few actions a user takes; the lifecycle lives in TorrentRuntime, driven by the
 * client through the TorrentControl that `buildTorrent` hands out.
 */
export class Torrent extends TypedEmitter<TorrentEvents> {
  readonly #rt: TorrentRuntime

  /** Not for applications: torrents come from `client.add()` / `client.seed()`. */
  constructor(build: (emit: Emit) => TorrentRuntime) {
    super()
    this.#rt = build((event, ...args) => this.emit(event, ...args))
  }

  get infoHash(): string {
    return this.#rt.infoHash
  }
  /** BEP 52: the SHA-256 info hash (hex) of a v2 or hybrid torrent; '' for a v1 torrent. */
  get infoHashV2(): string {
    return this.#rt.infoHashV2
  }
  get name(): string {
    return this.#rt.name
  }
  get announce(): readonly string[] {
    return this.#rt.announce
  }
  /** BEP 19 web seed URLs. */
  get urlList(): readonly string[] {
    return this.#rt.urlList
  }
  /** BEP 53: file indexes to fetch, from a magnet's `so=`; null = all files. */
  get selectOnly(): readonly number[] | null {
    return this.#rt.selectOnly
  }
  get torrentFile(): Uint8Array | null {
    return this.#rt.torrentFile
  }
  get files(): TorrentFile[] {
    return this.#rt.files
  }
  get ready(): boolean {
    return this.#rt.ready
  }
  get done(): boolean {
    return this.#rt.done
  }
  get destroyed(): boolean {
    return this.#rt.destroyed
  }
  get error(): SwarmstreamError | null {
    return this.#rt.error
  }
  /** 0..1 while a seed is being hashed. */
  get hashingProgress(): number {
    return this.#rt.hashingProgress
  }
  /** Block bytes sent to peers. */
  get uploaded(): number {
    return this.#rt.uploaded
  }
  /** Block bytes received that we asked for (from peers and web seeds), verified or not. */
  get received(): number {
    return this.#rt.received
  }
  /** Paused because storage is full (QUOTA_EXCEEDED); resuming tries again. */
  get storageFull(): boolean {
    return this.#rt.storageFull
  }
  /** A seed's pieces are all in storage (see the `persisted` event). */
  get persisted(): boolean {
    return this.#rt.persisted
  }
  /** Pieces found intact in storage when the torrent was restored after a reload. */
  get resumedPieces(): number {
    return this.#rt.resumedPieces
  }

  get magnetURI(): string {
    const rt = this.#rt
    if (!rt.infoHash) return ''
    const v2 = rt.infoHashV2 ? { infoHashV2Hex: rt.infoHashV2, version: rt.infoHashV2.startsWith(rt.infoHash) ? ('v2' as const) : ('hybrid' as const) } : {}
    return formatMagnet({
      infoHashHex: rt.infoHash,
      ...v2,
      name: rt.name || undefined,
      trackers: rt.announce,
      webSeeds: rt.urlList,
      ...(rt.selectOnly ? { selectOnly: rt.selectOnly } : {}),
    })
  }

  get length(): number {
    return this.#rt.engine?.info.length ?? 0
  }
  get pieceLength(): number {
    return this.#rt.engine?.info.pieceLength ?? 0
  }
  get numPieces(): number {
    return this.#rt.engine?.numPieces ?? 0
  }
  /** Verified bytes. */
  get downloaded(): number {
    return this.#rt.engine?.verifiedBytes ?? 0
  }
  get progress(): number {
    if (!this.#rt.engine) return 0
    return this.length === 0 ? 1 : this.downloaded / this.length
  }
  /** 0 the moment the download is done or paused (and ~1 s after bytes stop arriving, see RateEstimator). */
  get downloadSpeed(): number {
    return this.done || this.paused ? 0 : this.#rt.downRate.rate(this.#rt.clock.now())
  }
  get uploadSpeed(): number {
    return this.paused ? 0 : this.#rt.upRate.rate(this.#rt.clock.now())
  }
  get numPeers(): number {
    return this.#rt.swarm?.peers.length ?? 0
  }
  /** Connected peers with their rates, for the UI and tests. */
  get peers(): PeerInfo[] {
    return this.#rt.peers()
  }
  /** Uploaded ÷ received bytes, or ÷ length when nothing was received (a seeder), as WebTorrent reports it. */
  get ratio(): number {
    return shareRatio(this.uploaded, this.received, this.length)
  }
  /** Distinct peers that were sent at least one block so far (connected now or gone). */
  get peersServed(): number {
    return this.#rt.served.count((this.#rt.swarm?.peers ?? []).map((p) => p.session))
  }
  /** Milliseconds until done at the current speed; Infinity while nothing arrives, 0 when done. */
  get timeRemaining(): number {
    if (this.done) return 0
    const speed = this.downloadSpeed
    return speed > 0 ? ((this.length - this.downloaded) / speed) * 1000 : Infinity
  }
  /** What peers did: drops, bans, hash failures, thrown-away bytes (also per peer), protocol errors by code. */
  get stats(): PeerStatsSnapshot | null {
    return this.#rt.swarm ? this.#rt.stats.snapshot() : null
  }
  /** Seeders and leechers as each tracker last reported them. */
  get trackerStats(): TrackerStats[] {
    return [...this.#rt.trackers.values()]
  }
  /** HTTP web seeds (BEP 19) and what they delivered. */
  get webSeeds(): WebSeedStats[] {
    return this.#rt.engine?.webSeedStats() ?? []
  }
  /** Verified pieces, BEP 3 bit order (a copy, for piece maps); null before metadata. */
  get bitfield(): Uint8Array | null {
    return this.#rt.engine?.haveBitfield() ?? null
  }

  hasPiece(index: number): boolean {
    return this.#rt.engine?.hasPiece(index) ?? false
  }

  /** Pieces with blocks in flight right now (for piece maps). */
  requestedPieces(): number[] {
    return this.#rt.engine?.requestedPieces() ?? []
  }

  /** Whether the torrent is paused (no requests, no uploads; connections stay). */
  get paused(): boolean {
    return this.#rt.paused
  }

  pause(): void {
    this.#rt.pause()
  }

  resume(): void {
    this.#rt.resume()
  }

  /** Connects a peer over an already-open channel (trackers do this; tests too). */
  addPeer(channel: PeerChannel): void {
    this.#rt.addPeer(channel)
  }

  async destroy(opts: { destroyStore?: boolean } = {}): Promise<void> {
    if (this.#rt.destroyed) return
    await this.#rt.destroy(opts)
    this.removeAllListeners()
  }
}

/** Builds a torrent and the control its owner (the client) drives it with. */
export function buildTorrent(deps: TorrentDeps, announce: string[]): { torrent: Torrent; control: TorrentControl } {
  const made: { runtime?: TorrentRuntime } = {}
  const torrent = new Torrent((emit) => (made.runtime = new TorrentRuntime(deps, announce, emit)))
  return { torrent, control: made.runtime! }
}
