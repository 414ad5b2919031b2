import type { Clock } from '../util/clock.ts'
import type { SwarmstreamError } from '../util/errors.ts'
import type { PieceBuffers } from '../util/piece-buffers.ts'
import type { Hasher } from '../util/sha1.ts'
import type { TokenBucket } from '../util/token-bucket.ts'
import type { MerkleTree } from '../merkle/index.ts'
import type { InfoDictionary } from '../metainfo/types.ts'
import type { ChunkStore, ChunkStoreOptions } from '../storage/chunk-store.ts'
import type { BlobSource } from './blob-source.ts'
import type { PeerInfo } from './swarm.ts'
import type { FileRenderer } from './torrent-file.ts'
import type { TrackerFactory } from './torrent-tracker.ts'

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

export type Emit = <K extends keyof TorrentEvents>(event: K, ...args: Parameters<TorrentEvents[K]>) => void

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
  /** Default: the real clock. Tests and the swarm simulator pass a virtual one. */
  clock?: Clock
  /** SHA-1 of pieces and metadata; default WebCrypto. */
  hasher?: Hasher
  /** SHA-256 of BitTorrent v2 blocks; default WebCrypto. */
  sha256?: Hasher
  /** Randomness for piece order and optimistic unchokes; default Math.random (the simulator seeds its own). */
  random?: () => number
  /** Whole pieces the upload read cache keeps (default 16 MiB worth); the simulator, whose store shares one copy, keeps none. */
  readCachePieces?: number
  /**
   * Lends the assembler its piece buffers. Default: a pool of the torrent's own when its store
   * `releasesPuts` (v1 only); null: a fresh buffer per piece. The simulator shares one pool among its
   * sessions. See AssemblerDeps for who holds a buffer when.
   */
  pieceBuffers?: PieceBuffers | null
}

export interface StartOptions {
  infoHash: Uint8Array
  /** BEP 52: the 32-byte v2 info hash of a v2 or hybrid torrent (from its magnet link or .torrent). */
  infoHashV2?: Uint8Array
  name?: string
  announce?: string[]
  urlList?: string[]
  /** BEP 53: file indexes to fetch. */
  selectOnly?: number[] | null
}

export interface MetadataOptions {
  /** A seed: pieces are served straight from these Files while they are copied into storage. */
  source?: BlobSource
  haveAll?: boolean
  torrentFile?: Uint8Array
  /** Web seeds that came with this metadata (an xs= .torrent's url-list), added to the torrent's. */
  urlList?: readonly string[]
  /** Restoring after a reload: verify what storage holds before downloading. */
  resume?: boolean
  /** BEP 52 piece layers (hex pieces root → piece hashes) from the .torrent; missing ones come from peers. */
  pieceLayers?: ReadonlyMap<string, Uint8Array[]>
  /** A v2 or hybrid seed: every file's whole merkle tree (hex pieces root → tree), to answer block-hash requests. */
  trees?: ReadonlyMap<string, MerkleTree>
}

/** What the client (and only the client) does to a torrent it built. */
export interface TorrentControl {
  start(opts: StartOptions): void
  setMetadata(info: InfoDictionary, opts?: MetadataOptions): Promise<void>
  /** A restored torrent's saved file selection, applied when the metadata arrives. */
  setInitialSelection(selection: readonly boolean[]): void
  setHashingProgress(fraction: number): void
  /** A problem that does not stop the torrent. */
  warn(error: SwarmstreamError): void
  /** Bad input or fatal storage failure. */
  fail(error: SwarmstreamError): void
}

