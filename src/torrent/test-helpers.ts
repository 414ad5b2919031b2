/**
 * A request scheduler and uploader wired as the piece engine wires them, minus assembly and storage:
 * real swarm, dispatch table and wire codec over in-memory channels on a virtual clock, with scripted
 * remote peers. What the scheduler hands on (new blocks, received bytes) is recorded.
 */
import { toHex } from '../util/bytes.ts'
import { TokenBucket } from '../util/token-bucket.ts'
import { PiecePicker, type PickerGeometry } from '../picker/index.ts'
import { PeerStats } from '../peer/peer-stats.ts'
import { MemoryChunkStore } from '../storage/index.ts'
import { Attacker, type BlockAnswer } from '../test-support/attacker.ts'
import type { MemoryChannel } from '../test-support/memory-channel.ts'
import { syncSha1 } from '../test-support/node-hasher.ts'
import { seededRandom } from '../test-support/swarm-lab.ts'
import { VirtualClock } from '../test-support/virtual-clock.ts'
import { dispatch, type DispatchTargets } from './dispatch.ts'
import { MetadataExchange } from './metadata-exchange.ts'
import type { BlockSource } from './peer-record.ts'
import { PieceReader } from './piece-reader.ts'
import { RequestScheduler } from './request-scheduler.ts'
import { Swarm } from './swarm.ts'
import { Uploader } from './uploader.ts'

export const INFO_HASH = new Uint8Array(20).fill(0x11)
export const peerIdOf = (n: number) => toHex(new Uint8Array(20).fill(n))

export interface Accepted {
  source: BlockSource
  index: number
  begin: number
  length: number
}

export function schedulerHarness(geometry: PickerGeometry, opts: { requestTimeoutMs?: number; uploadLimit?: number } = {}) {
  const clock = new VirtualClock()
  const stats = new PeerStats()
  const picker = new PiecePicker(geometry, seededRandom(7))
  const store = new MemoryChunkStore({ name: 'test', chunkLength: geometry.pieceLength, length: geometry.length })
  const accepted: Accepted[] = []
  let receivedBytes = 0
  const state = { mayRequest: true, reading: false }
  const swarm: Swarm = new Swarm({
    infoHash: INFO_HASH,
    peerId: new Uint8Array(20).fill(0x22),
    clock,
    stats,
    metadataSize: () => undefined,
    dispatch: (peer, message) => dispatch(targets, peer, message),
    joined: (peer) => {
      peer.session.setPieceCount(geometry.numPieces)
      scheduler.onPieces(peer)
    },
    left: (peer) => {
      scheduler.removePeer(peer)
      uploader.freeSlot()
    },
    extendedHandshake: () => undefined,
    drain: (peer) => uploader.onDrain(peer),
  })
  const scheduler = new RequestScheduler({
    picker,
    clock,
    limiter: new TokenBucket(),
    stats,
    peers: () => swarm.peers,
    accept: (source, index, begin, block) => accepted.push({ source, index, begin, length: block.length }),
    mayRequest: () => state.mayRequest,
    drop: (peer, error) => swarm.drop(peer, error),
    received: (bytes) => (receivedBytes += bytes),
    ...(opts.requestTimeoutMs ? { requestTimeoutMs: opts.requestTimeoutMs } : {}),
  })
  const uploader = new Uploader({
    clock,
    limiter: new TokenBucket(opts.uploadLimit ?? Infinity),
    reader: new PieceReader(store, geometry.pieceLength, geometry.numPieces, (i) => picker.pieceSize(i), null),
    stats,
    peers: () => swarm.peers,
    hasPiece: (i) => picker.hasPiece(i),
    haveCount: () => picker.haveCount,
    reading: () => state.reading,
    availability: (i) => picker.availability(i),
    pieceSize: (i) => picker.pieceSize(i),
    numPieces: geometry.numPieces,
    drop: (peer, error) => swarm.drop(peer, error),
    uploaded: () => undefined,
  })
  const metadata = new MetadataExchange({ infoHash: INFO_HASH, hasher: syncSha1, fetched: () => undefined, badPeer: () => undefined })
  const targets: DispatchTargets = { pieces: () => ({ scheduler, uploader }), metadata, stats, downloaded: () => undefined }

  /** A remote peer that has shown nothing yet; `superSeed` and `playing` are the `ss_sup` and `ss_play` of its extension handshake. */
  const join = (n: number, opts: { latencyMs?: number; bytesPerSecond?: number; superSeed?: number; playing?: boolean } = {}): Attacker => {
    const { latencyMs = 10, bytesPerSecond, superSeed, playing } = opts
    const channel = { clock, latencyMs, ...(bytesPerSecond ? { bytesPerSecond } : {}) }
    const ext = { ...(superSeed ? { superSeed } : {}), ...(playing ? { playing } : {}) }
    return new Attacker({ infoHash: toHex(INFO_HASH), peerId: new Uint8Array(20).fill(n), channel, ...ext }, { addPeer: (ch: MemoryChannel) => void swarm.add(ch) })
  }

  /** A remote peer with every piece that unchokes on interest and answers requests with `answer` (default: zeros). */
  const connect = (n: number, answer: BlockAnswer | null = (_i, _b, length) => new Uint8Array(length), latencyMs = 10, bytesPerSecond?: number): Attacker => {
    const remote = join(n, { latencyMs, ...(bytesPerSecond ? { bytesPerSecond } : {}) })
    remote.offerEverything(geometry.numPieces)
    if (answer) remote.serve(answer)
    return remote
  }
  const record = (n: number) => swarm.peers.find((p) => p.id === peerIdOf(n))!
  const requestsOf = (remote: Attacker) => remote.received.filter((m) => m.type === 'request')
  return { clock, stats, picker, store, swarm, scheduler, uploader, accepted, state, join, connect, record, requestsOf, received: () => receivedBytes }
}

/** The harness as a seed: every piece of `bytes` stored and had (or only the first `pieces`: a leecher midway). */
export async function seedHarness(geometry: PickerGeometry, bytes: Uint8Array, opts: { uploadLimit?: number; pieces?: number } = {}) {
  const h = schedulerHarness(geometry, opts)
  for (let i = 0; i < (opts.pieces ?? geometry.numPieces); i++) {
    await h.store.put(i, bytes.subarray(i * geometry.pieceLength, (i + 1) * geometry.pieceLength))
    h.picker.markHave(i)
  }
  return h
}
