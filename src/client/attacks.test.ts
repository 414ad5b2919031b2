/**
 * The threat list: every attack a hostile peer can make, each against a real torrent session in
 * virtual time (real wire codec over in-memory channels), each ending with the download completing
 * from an honest peer.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { bytesEqual } from '../util/bytes.ts'
import { MAX_UNKNOWN_MESSAGES } from '../peer/peer-session.ts'
import type { Attacker, AttackerOptions } from '../test-support/attacker.ts'
import { SwarmLab, makeMeta, type LabMeta } from '../test-support/swarm-lab.ts'
import type { Torrent } from '../torrent/torrent.ts'
import { MAX_UNREQUESTED_BLOCKS, REQUEST_TIMEOUT_MS } from '../torrent/request-scheduler.ts'
import { MAX_QUEUED_REQUESTS_PER_PEER, MAX_REQUESTS_WHILE_CHOKED } from '../torrent/uploader.ts'
import { encodeUtMetadata, type WireMessage } from '../wire/index.ts'

const PIECE = 16384
/** 6 pieces: the bitfield is one byte with two spare bits. */
const PIECES = 6
const LATENCY = { latencyMs: 5 }

const labs: SwarmLab[] = []
afterEach(async () => {
  await Promise.all(labs.splice(0).map((l) => l.destroy()))
})

interface Scene {
  lab: SwarmLab
  meta: LabMeta
  data: Uint8Array
  seeder: Torrent
  leecher: Torrent
  /** Warning codes each torrent emitted (a dropped peer's error is one). */
  leecherWarnings: string[]
  seederWarnings: string[]
  attack(target: Torrent, opts?: Partial<AttackerOptions>): Attacker
  /** Runs virtual time until the attacker is closed. */
  closed(a: Attacker): Promise<void>
}

async function scene(opts: { magnet?: boolean; pieces?: number } = {}): Promise<Scene> {
  const lab = new SwarmLab()
  labs.push(lab)
  const data = new Uint8Array((opts.pieces ?? PIECES) * PIECE).map((_, i) => (i * 31 + (i >> 8)) & 0xff)
  const meta = makeMeta(data, PIECE)
  const seeder = (await lab.seeder(meta)).torrent
  const leecher = (await lab.leecher(meta, { magnet: opts.magnet ?? false })).torrent
  const leecherWarnings: string[] = []
  const seederWarnings: string[] = []
  leecher.on('warning', (w) => leecherWarnings.push(w.code))
  seeder.on('warning', (w) => seederWarnings.push(w.code))
  return {
    lab,
    meta,
    data,
    seeder,
    leecher,
    leecherWarnings,
    seederWarnings,
    attack: (target, o = {}) => lab.attacker(target, { channel: LATENCY, ...o }),
    closed: async (a) => void (await lab.runUntil(() => a.closed, 120_000)),
  }
}

/** Connects the honest seeder (unless already) and checks the leecher ends with exactly the seeded bytes. */
async function completesHonestly(s: Scene, alreadyConnected = false): Promise<void> {
  if (!alreadyConnected) s.lab.connect(s.seeder, s.leecher, LATENCY)
  await s.lab.runUntil(() => s.leecher.done, 120_000)
  const bytes = new Uint8Array(await s.leecher.files[0]!.arrayBuffer())
  expect(bytesEqual(bytes, s.data)).toBe(true)
}

/** Gets the attacker unchoked by `target` (a seeder unchokes interested peers while slots are free). */
async function getUnchoked(s: Scene, a: Attacker): Promise<void> {
  a.send({ type: 'interested' })
  await s.lab.runUntil(() => a.received.some((m) => m.type === 'unchoke'), 10_000)
}

function requests(count: number, index = 0): WireMessage[] {
  return Array.from({ length: count }, () => ({ type: 'request' as const, index, begin: 0, length: PIECE }))
}

describe('hostile peers: the peer is dropped and the download completes from honest peers', () => {
  it('pieces with wrong data: banned for the torrent at once', async () => {
    const s = await scene()
    const liar = s.attack(s.leecher, { peerId: new Uint8Array(20).fill(1) })
    liar.offerEverything(PIECES)
    liar.serve((_i, _b, length) => new Uint8Array(length).fill(0xee))
    await s.closed(liar)
    expect(s.leecherWarnings).toContain('BAD_PIECE_DATA')
    expect(s.leecher.stats!.protocolErrors['BAD_PIECE_DATA']).toBeGreaterThan(0)
    expect(s.leecherWarnings).toContain('HASH_FAILED')
    expect(s.leecher.stats!.bannedPeers).toEqual(['01'.repeat(20)])
    expect(s.leecher.downloaded).toBe(0)

    const again = s.attack(s.leecher, { peerId: new Uint8Array(20).fill(1) })
    await s.closed(again)
    expect(s.leecher.numPeers).toBe(0)
    await completesHonestly(s)
  })

  it('blocks never requested: dropped after MAX_UNREQUESTED_BLOCKS, nothing stored', async () => {
    const s = await scene()
    const pusher = s.attack(s.leecher)
    pusher.send({ type: 'bitfield', bitfield: new Uint8Array([0xfc]) })
    // Choked by it, we request nothing; every block it pushes is unrequested.
    for (let i = 0; i <= MAX_UNREQUESTED_BLOCKS; i++) pusher.sendPiece(i % PIECES, 0, s.data.subarray(0, PIECE))
    await s.closed(pusher)
    expect(s.leecherWarnings).toContain('UNREQUESTED_BLOCKS')
    expect(s.leecher.stats!.protocolErrors['UNREQUESTED_BLOCKS']).toBeGreaterThan(0)
    expect(s.leecher.stats!.unrequestedBlocks).toBe(MAX_UNREQUESTED_BLOCKS + 1)
    expect(s.leecher.downloaded).toBe(0)
    await completesHonestly(s)
  })

  it('blocks for requests we cancelled (pause) are a normal race, not an attack', async () => {
    // More blocks in flight than MAX_UNREQUESTED_BLOCKS, so counting them as unrequested would drop the peer.
    const s = await scene({ pieces: 24 })
    const slow = s.attack(s.leecher)
    slow.offerEverything(24)
    await s.lab.advance(50)
    expect(slow.received.filter((m) => m.type === 'request').length).toBeGreaterThan(MAX_UNREQUESTED_BLOCKS)
    s.leecher.pause()
    await s.lab.runUntil(() => slow.received.some((m) => m.type === 'cancel'), 1000)
    // Answers every request only after our cancels reached it.
    for (const m of slow.received) {
      if (m.type === 'request') slow.sendPiece(m.index, m.begin, s.data.subarray(m.index * PIECE + m.begin, m.index * PIECE + m.begin + m.length))
    }
    await s.lab.advance(100)
    expect(slow.closed).toBe(false)
    expect(s.leecherWarnings).not.toContain('UNREQUESTED_BLOCKS')
    expect(s.leecher.stats!.lateBlocks).toBeGreaterThan(MAX_UNREQUESTED_BLOCKS)
    s.leecher.resume()
    await completesHonestly(s)
  })

  it('ut_metadata with the wrong info dictionary: dropped and banned', async () => {
    const s = await scene({ magnet: true })
    const fake = makeMeta(new Uint8Array(123).fill(1), PIECE, 'fake.bin').info.raw
    const liar = s.attack(s.leecher, { metadataSize: fake.length })
    liar.onMessage((m) => {
      if (m.type === 'extended' && m.id === 3) liar.sendMetadataMessage(encodeUtMetadata({ msgType: 'data', piece: 0, totalSize: fake.length, data: fake }))
    })
    await s.closed(liar)
    expect(s.leecherWarnings).toContain('METADATA_HASH_MISMATCH')
    expect(s.leecher.stats!.protocolErrors['METADATA_HASH_MISMATCH']).toBeGreaterThan(0)
    expect(s.leecher.stats!.banned).toBe(1)
    expect(s.leecher.ready).toBe(false)
    await completesHonestly(s)
  })

  it('ut_metadata with a total size other than announced: dropped', async () => {
    const s = await scene({ magnet: true })
    const real = s.meta.info.raw
    const liar = s.attack(s.leecher, { metadataSize: real.length })
    liar.onMessage((m) => {
      if (m.type === 'extended' && m.id === 3) liar.sendMetadataMessage(encodeUtMetadata({ msgType: 'data', piece: 0, totalSize: real.length + 1, data: real }))
    })
    await s.closed(liar)
    expect(s.leecherWarnings).toContain('BAD_METADATA')
    expect(s.leecher.stats!.protocolErrors['BAD_METADATA']).toBeGreaterThan(0)
    await completesHonestly(s)
  })

  it('ut_metadata with an enormous size: dropped before anything is allocated', async () => {
    const s = await scene({ magnet: true })
    const liar = s.attack(s.leecher, { metadataSize: 2 ** 40 })
    await s.closed(liar)
    expect(s.leecherWarnings).toContain('BAD_METADATA_SIZE')
    expect(s.leecher.stats!.protocolErrors['BAD_METADATA_SIZE']).toBeGreaterThan(0)
    expect(liar.received.some((m) => m.type === 'extended' && m.id === 3)).toBe(false)
    await completesHonestly(s)
  })

  it('a length prefix of 2^31: dropped as soon as the 4 bytes are in', async () => {
    const s = await scene()
    const a = s.attack(s.leecher)
    a.sendRaw(new Uint8Array([0x80, 0, 0, 0, 7]))
    await s.closed(a)
    expect(s.leecherWarnings).toContain('MESSAGE_TOO_LARGE')
    expect(s.leecher.stats!.protocolErrors['MESSAGE_TOO_LARGE']).toBeGreaterThan(0)
    await completesHonestly(s)
  })

  it('unknown message ids: a few are ignored, a flood gets the peer dropped', async () => {
    const s = await scene()
    const a = s.attack(s.leecher)
    a.send({ type: 'unknown', id: 99, payload: new Uint8Array(3) })
    a.send({ type: 'extended', id: 42, payload: new Uint8Array(3) })
    await s.lab.advance(50)
    expect(a.closed).toBe(false)
    expect(s.leecher.stats!.unknownMessages).toBe(2)
    a.sendBurst(Array.from({ length: MAX_UNKNOWN_MESSAGES }, () => ({ type: 'unknown' as const, id: 200, payload: new Uint8Array(1) })))
    await s.closed(a)
    expect(s.leecherWarnings).toContain('UNKNOWN_MESSAGE_FLOOD')
    expect(s.leecher.stats!.protocolErrors['UNKNOWN_MESSAGE_FLOOD']).toBeGreaterThan(0)
    await completesHonestly(s)
  })

  it('a bitfield of the wrong length: dropped', async () => {
    const s = await scene()
    const a = s.attack(s.leecher)
    a.send({ type: 'bitfield', bitfield: new Uint8Array([0xfc, 0]) })
    await s.closed(a)
    expect(s.leecherWarnings).toContain('BAD_BITFIELD')
    expect(s.leecher.stats!.protocolErrors['BAD_BITFIELD']).toBeGreaterThan(0)
    await completesHonestly(s)
  })

  it('a bitfield with spare bits set: dropped', async () => {
    const s = await scene()
    const a = s.attack(s.leecher)
    a.send({ type: 'bitfield', bitfield: new Uint8Array([0xff]) })
    await s.closed(a)
    expect(s.leecherWarnings).toContain('BAD_BITFIELD')
    expect(s.leecher.stats!.protocolErrors['BAD_BITFIELD']).toBeGreaterThan(0)
    await completesHonestly(s)
  })

  it('a bad bitfield sent before the metadata: dropped once the metadata arrives, the torrent unharmed', async () => {
    const s = await scene({ magnet: true })
    const a = s.attack(s.leecher)
    a.send({ type: 'bitfield', bitfield: new Uint8Array([0xff, 0xff]) })
    a.send({ type: 'have', index: 3 })
    await s.lab.advance(50)
    expect(a.closed).toBe(false)
    await completesHonestly(s)
    await s.closed(a)
    expect(s.leecherWarnings).toContain('BAD_BITFIELD')
    expect(s.leecher.stats!.protocolErrors['BAD_BITFIELD']).toBeGreaterThan(0)
  })

  it('have with an out-of-range index: dropped', async () => {
    const s = await scene()
    const a = s.attack(s.leecher)
    a.send({ type: 'have', index: PIECES })
    await s.closed(a)
    expect(s.leecherWarnings).toContain('BAD_HAVE')
    expect(s.leecher.stats!.protocolErrors['BAD_HAVE']).toBeGreaterThan(0)
    await completesHonestly(s)
  })

  it('100,000 requests in a burst: the seeder drops the peer at its queue limit and keeps serving', async () => {
    const s = await scene()
    const a = s.attack(s.seeder)
    await getUnchoked(s, a)
    a.sendBurst(requests(100_000))
    await s.closed(a)
    expect(s.seederWarnings).toContain('REQUEST_FLOOD')
    expect(s.seeder.stats!.protocolErrors['REQUEST_FLOOD']).toBeGreaterThan(0)
    // Served blocks are bounded by the queue, not by the burst.
    expect(a.received.filter((m) => m.type === 'piece').length).toBeLessThanOrEqual(MAX_QUEUED_REQUESTS_PER_PEER)
    await completesHonestly(s)
  })

  it('requests while choked: ignored, and a flood of them gets the peer dropped', async () => {
    const s = await scene()
    const a = s.attack(s.seeder)
    a.sendBurst(requests(10))
    await s.lab.advance(50)
    expect(a.closed).toBe(false)
    expect(a.received.some((m) => m.type === 'piece')).toBe(false)
    expect(s.seeder.stats!.ignoredRequests).toBe(10)
    a.sendBurst(requests(MAX_REQUESTS_WHILE_CHOKED))
    await s.closed(a)
    expect(s.seederWarnings).toContain('REQUEST_FLOOD')
    expect(s.seeder.stats!.protocolErrors['REQUEST_FLOOD']).toBeGreaterThan(0)
    await completesHonestly(s)
  })

  it('a request larger than 128 KiB: dropped', async () => {
    const s = await scene()
    const a = s.attack(s.seeder)
    await getUnchoked(s, a)
    a.send({ type: 'request', index: 0, begin: 0, length: 128 * 1024 + 1 })
    await s.closed(a)
    expect(s.seederWarnings).toContain('BAD_REQUEST')
    expect(s.seeder.stats!.protocolErrors['BAD_REQUEST']).toBeGreaterThan(0)
    await completesHonestly(s)
  })

  it('a request past the end of the torrent: dropped', async () => {
    const s = await scene()
    const a = s.attack(s.seeder)
    await getUnchoked(s, a)
    a.send({ type: 'request', index: PIECES - 1, begin: PIECE / 2, length: PIECE })
    await s.closed(a)
    expect(s.seederWarnings).toContain('BAD_REQUEST')
    expect(s.seeder.stats!.protocolErrors['BAD_REQUEST']).toBeGreaterThan(0)
    await completesHonestly(s)
  })

  it('disconnect in the middle of a block: its requests go to the honest peer', async () => {
    const s = await scene()
    const a = s.attack(s.leecher)
    a.offerEverything(PIECES)
    await s.lab.runUntil(() => a.received.some((m) => m.type === 'request'), 1000)
    const request = a.received.find((m) => m.type === 'request')!
    if (request.type !== 'request') throw new Error('unreachable')
    const header = new Uint8Array([0, 0, 0x40, 0x09, 7, 0, 0, 0, request.index, 0, 0, 0, 0])
    a.sendRaw(header)
    a.sendRaw(s.data.subarray(0, 5000))
    await s.lab.advance(50)
    expect(s.leecher.requestedPieces().length).toBeGreaterThan(0)
    a.disconnect()
    await s.lab.advance(50)
    expect(s.leecher.numPeers).toBe(0)
    expect(s.leecher.requestedPieces()).toEqual([])
    await completesHonestly(s)
  })

  it('goes silent after unchoking: its requests are released after the timeout and the peer is dropped', async () => {
    const s = await scene()
    const a = s.attack(s.leecher)
    a.offerEverything(PIECES)
    // Alive (keep-alives), but it answers no request.
    const keepAlive = s.lab.clock.setInterval(() => a.send({ type: 'keep-alive' }), 5000)
    await s.lab.runUntil(() => a.received.some((m) => m.type === 'request'), 1000)
    await s.lab.advance(REQUEST_TIMEOUT_MS - 1000)
    expect(a.closed).toBe(false)
    await s.lab.advance(2000)
    s.lab.clock.clearInterval(keepAlive)
    await s.closed(a)
    expect(s.leecherWarnings).toContain('PEER_SILENT')
    expect(s.leecher.stats!.protocolErrors['PEER_SILENT']).toBeGreaterThan(0)
    expect(s.leecher.stats!.silentPeers).toBe(1)
    expect(s.leecher.requestedPieces()).toEqual([])
    await completesHonestly(s)
  })
})
