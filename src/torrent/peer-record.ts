import type { MetadataAssembler } from '../wire/index.ts'
import type { BlockRequest } from '../picker/index.ts'
import type { PeerChannel } from '../transport/peer-channel.ts'
import { PeerSession, type PeerSessionOptions, type PeerSessionSink } from '../peer/peer-session.ts'
import { BlockLatency } from './block-latency.ts'
import { LateBlocks } from './late-blocks.ts'
import type { PeerHashes } from './v2/peer-hashes.ts'

/** Where block data came from, for provenance and smart ban: a peer (by peer id, hex) or a web seed (by URL). */
export interface BlockSource {
  readonly kind: 'peer' | 'web-seed'
  readonly id: string
}

export interface InFlight extends BlockRequest {
  sentAt: number
}

/** A block's key within a torrent: piece index and block number in one integer. */
export function blockKey(index: number, begin: number): number {
  return index * 0x100000 + begin / 16384
}

/** The request scheduler's state for one peer. */
export class DownloadState {
  /** Requests in flight, by block key. */
  readonly requests = new Map<number, InFlight>()
  /** Requests we cancelled (or lost to a choke) whose blocks may still arrive. */
  readonly late = new LateBlocks()
  readonly latency = new BlockLatency()
  /** Blocks it sent that we never asked for. */
  unrequested = 0
  /** Cancelled requests it answered anyway. */
  lateAnswers = 0
  /** When it last delivered a block we asked for. */
  lastBlockAt = -Infinity
  /** It let a critical block go overdue: no critical work until then. */
  slowUntil = 0
}

export interface QueuedRequest {
  index: number
  begin: number
  length: number
}

/** The uploader's state for one peer. */
export class UploadState {
  queue: QueuedRequest[] = []
  /** A serve loop is running for this peer. */
  serving = false
  /** Requests it sent while choked, since we last choked it. */
  whileChoked = 0
  /** When the uploader first saw it (NaN: not yet). */
  since = NaN
  /** When we first unchoked it (Infinity: never). */
  unchokedAt = Infinity
  /** It had pieces we wanted TRIAL_MS after our first unchoke and had sent us none (until it sends one). */
  failed = false
  /** An owing peer is sent its next block no sooner than this. */
  nextAt = 0
  /** The low-water mark we last set on its channel (0: none yet). */
  lowWaterMark = 0
}

/**
 * One peer of a torrent as the swarm holds it: the session plus the per-peer state of each concern
 * (request scheduler, uploader, metadata fetch). The swarm creates and drops records; the concerns
 * only read the swarm's list and their own slot here.
 */
export class PeerRecord implements BlockSource {
  readonly kind = 'peer'
  readonly session: PeerSession
  readonly download = new DownloadState()
  readonly upload = new UploadState()
  /** BEP 52 hash requests in flight to and from this peer (set by the v2 hash exchange on first use). */
  hashes: PeerHashes | null = null
  /** Our copy of the info dictionary being fetched from this peer (BEP 9), if any. */
  metadata: MetadataAssembler | null = null

  constructor(channel: PeerChannel, opts: PeerSessionOptions, sinkFor: (record: PeerRecord) => PeerSessionSink) {
    this.session = new PeerSession(channel, opts, sinkFor(this))
  }

  /** The peer id, hex ('' before the handshake). */
  get id(): string {
    return this.session.remotePeerId
  }
}
