/**
 * One simulated browser: a host with an uplink, a downlink and an access latency, running one real
 * Torrent session (built as the client builds one) on the simulator's clock, tracker and stand-ins.
 */
import { toHex } from '../util/bytes.ts'
import type { PieceBuffers } from '../util/piece-buffers.ts'
import { TokenBucket } from '../util/token-bucket.ts'
import { MemoryChunkStore, type ChunkStore } from '../storage/index.ts'
import { BLOCK_LENGTH } from '../picker/index.ts'
import { buildTorrent, type Torrent, type TorrentControl } from '../torrent/torrent.ts'
import type { SimClock } from './sim-clock.ts'
import { pieceOf, type SimContent } from './content.ts'
import { Link } from './link.ts'
import { Player, type PlayerConfig } from './player.ts'
import type { Rng } from './random.ts'
import { SharedStore } from './shared-store.ts'
import type { Endpoint } from './sim-channel.ts'
import type { SimTrackerServer, TrackerHost } from './sim-tracker.ts'

/** The 5-byte `unchoke` message. */
const UNCHOKE = [0, 0, 0, 1, 1]

export interface PeerSpec {
  role: 'seeder' | 'leecher'
  /** Peer class for the figures, e.g. '4 MB/s'. */
  cls: string
  upBytesPerSecond: number
  downBytesPerSecond: number
  latencyMs: number
  joinAtMs: number
  /** The session's own upload limit (the client's `uploadLimit`), bytes/s. */
  uploadLimit?: number
  /** Never unchokes anyone, so it never uploads. */
  freeRider?: boolean
  /** Leave once done, this long after done, or once this fraction of the pieces is verified; stay when absent. */
  leave?: 'done' | { afterDoneMs: number } | { atProgress: number }
  /** Join from the info hash alone and fetch the metadata from peers (BEP 9). */
  magnet?: boolean
  /** Play the torrent's first file through a streaming reader. */
  viewer?: PlayerConfig
}

export interface WasteStats {
  receivedBytes: number
  discardedBytes: number
}

export interface PeerEvents {
  verified(peer: SimPeer, index: number): void
  done(peer: SimPeer): void
  left(peer: SimPeer, bitfield: Uint8Array | null): void
}

export interface PeerWorld {
  clock: SimClock
  content: SimContent
  tracker: SimTrackerServer
  /** 'shared': stand-in store over the shared bytes; 'memory': real copies (tests check them with SHA-1). */
  store: 'shared' | 'memory'
  readCachePieces: number | undefined
  /** Piece buffers for the sessions (see Simulation.buffers and TorrentDeps.pieceBuffers). */
  buffers: PieceBuffers | null | undefined
  events: PeerEvents
}

export class SimPeer implements TrackerHost {
  readonly endpoint: Endpoint
  readonly label: string
  readonly peerId: Uint8Array
  readonly sendFilter: ((data: Uint8Array) => boolean) | null
  /** A seeder: how often it sent each block (up to 255), and when every block had gone out at least once. */
  blocksSent: Uint8Array | null = null
  firstCopyOutAt: number | null = null
  torrent: Torrent | null = null
  control: TorrentControl | null = null
  store: ChunkStore | null = null
  player: Player | null = null
  joinedAt: number | null = null
  readyAt: number | null = null
  doneAt: number | null = null
  at95: number | null = null
  leftAt: number | null = null
  uploaded = 0
  received = 0
  readonly random: () => number
  #finalStats: WasteStats | null = null

  constructor(
    readonly index: number,
    readonly spec: PeerSpec,
    readonly world: PeerWorld,
    rng: Rng,
  ) {
    const { clock } = world
    this.endpoint = { up: new Link(clock, spec.upBytesPerSecond), down: new Link(clock, spec.downBytesPerSecond), latencyMs: spec.latencyMs }
    this.label = `${spec.role}-${index}`
    this.peerId = new Uint8Array([...new TextEncoder().encode('-SS0010-'), ...rng.bytes(12)])
    if (spec.freeRider) this.sendFilter = (data) => !(data.length === 5 && UNCHOKE.every((b, i) => data[i] === b))
    else if (spec.role === 'seeder') {
      const { pieceLength } = world.content.info
      const perPiece = Math.ceil(pieceLength / BLOCK_LENGTH)
      const sent = (this.blocksSent = new Uint8Array(Math.ceil(world.content.info.length / BLOCK_LENGTH)))
      let distinct = 0
      this.sendFilter = (data) => {
        // A piece message's header (length, id 7, index, begin) goes out alone, before its block.
        if (data.length === 13 && data[4] === 7) {
          const view = new DataView(data.buffer, data.byteOffset)
          const block = view.getUint32(5) * perPiece + view.getUint32(9) / BLOCK_LENGTH
          if (sent[block]! < 255) sent[block]!++
          if (sent[block] === 1 && ++distinct === sent.length) this.firstCopyOutAt = world.clock.now()
        }
        return true
      }
    } else this.sendFilter = null
    this.random = rng.fn
  }

  get peerIdHex(): string {
    return toHex(this.peerId)
  }

  get present(): boolean {
    return this.joinedAt !== null && this.leftAt === null
  }

  /** Starts the session: a seeder with every piece, a leecher from the torrent file or a magnet link. */
  async join(): Promise<void> {
    const { clock, content, tracker } = this.world
    this.joinedAt = clock.now()
    const { torrent, control } = buildTorrent(
      {
        peerId: this.peerId,
        createStore: async (opts) => (this.store = this.#makeStore(opts)),
        createTracker: tracker.factory(this),
        uploadLimit: new TokenBucket(this.spec.uploadLimit ?? Infinity),
        downloadLimit: new TokenBucket(Infinity),
        clock,
        hasher: content.hasher,
        random: this.random,
        readCachePieces: this.world.readCachePieces,
        pieceBuffers: this.world.buffers,
      },
      [],
    )
    this.torrent = torrent
    this.control = control
    torrent.on('verified', (index) => this.#onVerified(index))
    torrent.on('done', () => this.#onDone())
    torrent.on('ready', () => this.#onReady())
    control.start({ infoHash: content.infoHash, name: content.info.name })
    if (this.spec.role === 'seeder') await control.setMetadata(content.info, { haveAll: true })
    else if (!this.spec.magnet) await control.setMetadata(content.info)
  }

  /** Closes the session (its connections drop) and records what it did. */
  async leave(): Promise<void> {
    const torrent = this.torrent
    if (!torrent || this.leftAt !== null) return
    this.leftAt = this.world.clock.now()
    this.uploaded = torrent.uploaded
    this.received = torrent.received
    const bitfield = torrent.bitfield
    this.#finalStats = this.stats
    this.player?.stop()
    this.world.events.left(this, bitfield)
    await torrent.destroy()
  }

  /** Bytes uploaded and received so far (final once it left). */
  totals(): { uploaded: number; received: number } {
    const t = this.torrent
    if (!t || this.leftAt !== null) return { uploaded: this.uploaded, received: this.received }
    return { uploaded: t.uploaded, received: t.received }
  }

  /** Block bytes received from peers (every piece message) and how many of them were thrown away. */
  get stats(): WasteStats | null {
    if (this.#finalStats) return this.#finalStats
    const snap = this.torrent?.stats
    if (!snap) return null
    let receivedBytes = 0
    for (const c of Object.values(snap.byPeer)) receivedBytes += c.receivedBytes
    return { receivedBytes, discardedBytes: snap.discardedBytes }
  }

  #makeStore(opts: { name: string; chunkLength: number; length: number }): ChunkStore {
    const { content } = this.world
    if (this.world.store === 'shared') {
      const store = new SharedStore(opts, content)
      return this.spec.role === 'seeder' ? store.fill() : store
    }
    const store = new MemoryChunkStore(opts)
    if (this.spec.role === 'seeder') for (let i = 0; i < content.info.pieceHashes.length; i++) void store.put(i, pieceOf(content, i))
    return store
  }

  #onReady(): void {
    this.readyAt = this.world.clock.now()
    const cfg = this.spec.viewer
    const file = this.torrent?.files[0]
    if (!cfg || !file) return
    this.player = new Player(this.world.clock, file, cfg)
    void this.player.play()
  }

  #onVerified(index: number): void {
    this.world.events.verified(this, index)
    const t = this.torrent!
    const progress = t.progress
    if (this.at95 === null && progress >= 0.95) this.at95 = this.world.clock.now()
    const leave = this.spec.leave
    if (leave && leave !== 'done' && 'atProgress' in leave && progress >= leave.atProgress) void this.leave()
  }

  #onDone(): void {
    if (this.doneAt !== null) return
    this.doneAt = this.world.clock.now()
    if (this.at95 === null) this.at95 = this.doneAt
    this.world.events.done(this)
    const leave = this.spec.leave
    if (this.spec.role !== 'leecher' || !leave) return
    if (leave === 'done') void this.leave()
    else if ('afterDoneMs' in leave) this.world.clock.setTimeout(() => void this.leave(), leave.afterDoneMs)
  }
}
