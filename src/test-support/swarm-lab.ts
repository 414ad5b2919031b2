/**
 * Whole torrents in virtual time, for session tests: real Torrent sessions (built like the client
 * builds them), real wire codec, in-memory channels on a VirtualClock, a synchronous SHA-1 and memory
 * stores. Metadata is made synchronously too, so nothing real-async runs once a test drives the clock.
 */
import { createHash } from 'node:crypto'
import { encode } from '../bencode/index.ts'
import { toHex } from '../util/bytes.ts'
import { TokenBucket } from '../util/token-bucket.ts'
import { formatMagnet } from '../metainfo/magnet.ts'
import { parseInfoDictionary } from '../metainfo/info-dictionary.ts'
import { encodeTorrentFile } from '../metainfo/torrent-file.ts'
import type { InfoDictionary } from '../metainfo/types.ts'
import { MemoryChunkStore, type ChunkStore, type ChunkStoreOptions } from '../storage/index.ts'
import { buildTorrent, type Torrent, type TorrentControl } from '../torrent/torrent.ts'
import type { TorrentDeps } from '../torrent/torrent-types.ts'
import { Attacker, type AttackerOptions } from './attacker.ts'
import { memoryChannelPair, type MemoryChannelOptions } from './memory-channel.ts'
import { syncSha1 } from './node-hasher.ts'
import { VirtualClock } from './virtual-clock.ts'

export interface LabMeta {
  data: Uint8Array
  info: InfoDictionary
  infoHash: Uint8Array
  infoHashHex: string
  torrentFile: Uint8Array
  magnetURI: string
}

/** A single-file torrent of `data`, made synchronously (v1, no trackers). */
export function makeMeta(data: Uint8Array, pieceLength: number, name = 'data.bin'): LabMeta {
  const pieces = new Uint8Array(Math.ceil(data.length / pieceLength) * 20)
  for (let i = 0; i * pieceLength < data.length; i++) {
    pieces.set(createHash('sha1').update(data.subarray(i * pieceLength, (i + 1) * pieceLength)).digest(), i * 20)
  }
  const raw = encode({ length: data.length, name, 'piece length': pieceLength, pieces })
  const info = parseInfoDictionary(raw)
  const infoHash = new Uint8Array(createHash('sha1').update(raw).digest())
  const infoHashHex = toHex(infoHash)
  return { data, info, infoHash, infoHashHex, torrentFile: encodeTorrentFile({ info: raw, announce: [] }), magnetURI: formatMagnet({ infoHashHex, name }) }
}

/** Deterministic test data. */
export function patternBytes(length: number, seed = 1): Uint8Array {
  const out = new Uint8Array(length)
  let x = seed
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) >>> 0
    out[i] = x >>> 24
  }
  return out
}

/** A peer id for lab peers: 20 bytes of `n`. */
export function labPeerId(n: number): Uint8Array {
  return new Uint8Array(20).fill(n)
}

export interface LabTorrentOptions {
  uploadLimit?: number
  downloadLimit?: number
  createStore?: (opts: ChunkStoreOptions) => Promise<ChunkStore>
  createTracker?: TorrentDeps['createTracker']
  peerId?: Uint8Array
}

export interface LabTorrent {
  torrent: Torrent
  control: TorrentControl
  peerIdHex: string
}

export class SwarmLab {
  readonly clock = new VirtualClock()
  readonly #torrents: Torrent[] = []
  #nextId = 1

  /** A torrent built as the client builds one, on the lab's clock and hasher. */
  build(opts: LabTorrentOptions = {}): LabTorrent {
    const peerId = opts.peerId ?? labPeerId(0x40 + this.#nextId++)
    const built = buildTorrent(
      {
        peerId,
        createStore: opts.createStore ?? (async (o) => new MemoryChunkStore(o)),
        createTracker: opts.createTracker ?? null,
        uploadLimit: new TokenBucket(opts.uploadLimit ?? Infinity),
        downloadLimit: new TokenBucket(opts.downloadLimit ?? Infinity),
        clock: this.clock,
        hasher: syncSha1,
        random: seededRandom(this.#nextId),
      },
      [],
    )
    this.#torrents.push(built.torrent)
    return { ...built, peerIdHex: toHex(peerId) }
  }

  /** A seed of `meta` (its pieces already in its memory store). */
  async seeder(meta: LabMeta, opts: LabTorrentOptions = {}): Promise<LabTorrent> {
    const lab = this.build({
      createStore: async (o) => {
        const store = new MemoryChunkStore(o)
        for (let i = 0; i < meta.info.pieceHashes.length; i++) {
          await store.put(i, meta.data.subarray(i * meta.info.pieceLength, (i + 1) * meta.info.pieceLength))
        }
        return store
      },
      ...opts,
    })
    lab.control.start({ infoHash: meta.infoHash, name: meta.info.name })
    await lab.control.setMetadata(meta.info, { haveAll: true })
    return lab
  }

  /** A leecher of `meta`: from its info dictionary, or (`magnet`) from the info hash alone. */
  async leecher(meta: LabMeta, opts: LabTorrentOptions & { magnet?: boolean } = {}): Promise<LabTorrent> {
    const lab = this.build(opts)
    lab.control.start({ infoHash: meta.infoHash, name: meta.info.name })
    if (!opts.magnet) await lab.control.setMetadata(meta.info)
    return lab
  }

  connect(a: Torrent, b: Torrent, opts: Omit<MemoryChannelOptions, 'clock'> = {}): void {
    const [ca, cb] = memoryChannelPair({ ...opts, clock: this.clock })
    a.addPeer(ca)
    b.addPeer(cb)
  }

  /** A scripted (possibly hostile) peer connected to `target` on the lab's clock. */
  attacker(target: Torrent, opts: Partial<AttackerOptions> & { channel?: Omit<MemoryChannelOptions, 'clock'> } = {}): Attacker {
    return new Attacker({ infoHash: target.infoHash, ...opts, channel: { ...opts.channel, clock: this.clock } }, target)
  }

  runUntil(condition: () => boolean, maxMs?: number): Promise<number> {
    return this.clock.runUntil(condition, maxMs)
  }

  /** Runs the clock until `promise` settles; resolves (or rejects) with it. */
  async settle<T>(promise: Promise<T>, maxMs?: number): Promise<T> {
    let settled = false
    const watched = promise.finally(() => (settled = true))
    watched.catch(() => undefined)
    await this.clock.runUntil(() => settled, maxMs)
    return watched
  }

  advance(ms: number): Promise<void> {
    return this.clock.advance(ms)
  }

  async destroy(): Promise<void> {
    await Promise.all(this.#torrents.splice(0).map((t) => t.destroy()))
  }
}

/** A small deterministic PRNG (mulberry32). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
