import { afterEach, describe, expect, it, vi } from 'vitest'
import { Client } from './client.ts'
import { parseTorrentFile } from '../metainfo/torrent-file.ts'
import { MAX_UNKNOWN_MESSAGES } from '../peer/peer-session.ts'
import { Attacker, type AttackerOptions } from '../test-support/attacker.ts'
import { connect, once } from '../test-support/connect.ts'
import type { Torrent } from '../torrent/torrent.ts'
import { MAX_UNREQUESTED_BLOCKS, REQUEST_TIMEOUT_MS } from '../torrent/downloader.ts'
import { MAX_QUEUED_REQUESTS_PER_PEER, MAX_REQUESTS_WHILE_CHOKED } from '../torrent/uploader.ts'
import { toHex } from '../util/bytes.ts'
import { encodeUtMetadata, type WireMessage } from '../wire/index.ts'

const PIECE = 16384
/** 6 pieces: the bitfield is one byte with two spare bits. */
const PIECES = 6

const clients: Client[] = []
afterEach(async () => {
  vi.useRealTimers()
  await Promise.all(clients.splice(0).map((c) => c.destroy()))
})

function client(): Client {
  const c = new Client({ tracker: false, storage: 'memory' })
  clients.push(c)
  return c
}

async function sha256(bytes: Uint8Array): Promise<string> {
  return toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>)))
}

const tick = (ms = 50) => new Promise((resolve) => setTimeout(resolve, ms))

interface Scene {
  data: Uint8Array
  seeder: Torrent
  leecher: Torrent
  /** Warning codes each torrent emitted (a dropped peer's error is one). */
  leecherWarnings: string[]
  seederWarnings: string[]
  attack(target: Torrent, opts?: Partial<AttackerOptions>): Attacker
}

async function scene(opts: { magnet?: boolean; pieces?: number } = {}): Promise<Scene> {
  const data = new Uint8Array((opts.pieces ?? PIECES) * PIECE).map((_, i) => (i * 31 + (i >> 8)) & 0xff)
  const seeder = client().seed(new File([data], 'data.bin'), { pieceLength: PIECE })
  await once(seeder, 'ready')
  const leecher = client().add(opts.magnet ? seeder.magnetURI : seeder.torrentFile!)
  await once(leecher, opts.magnet ? 'infoHash' : 'ready')
  const leecherWarnings: string[] = []
  const seederWarnings: string[] = []
  leecher.on('warning', (w) => leecherWarnings.push(w.code))
  seeder.on('warning', (w) => seederWarnings.push(w.code))
  return {
    data,
    seeder,
    leecher,
    leecherWarnings,
    seederWarnings,
    attack: (target, o = {}) => new Attacker({ infoHash: target.infoHash, ...o }, target),
  }
}

/** Connects the honest seeder (unless already) and checks the leecher ends with exactly the seeded bytes. */
async function completesHonestly(s: Scene, alreadyConnected = false): Promise<void> {
  const done = s.leecher.done ? Promise.resolve() : once(s.leecher, 'done')
  if (!alreadyConnected) connect(s.seeder, s.leecher)
  await done
  const bytes = new Uint8Array(await s.leecher.files[0]!.arrayBuffer())
  expect(await sha256(bytes)).toBe(await sha256(s.data))
}

/** The attacker claims every piece and unchokes whoever is interested. */
function offerEverything(a: Attacker, pieces = PIECES): void {
  const bitfield = new Uint8Array(Math.ceil(pieces / 8))
  for (let i = 0; i < pieces; i++) bitfield[i >> 3] = (bitfield[i >> 3] ?? 0) | (0x80 >> (i & 7))
  a.send({ type: 'bitfield', bitfield })
  a.onMessage((m) => {
    if (m.type === 'interested') a.send({ type: 'unchoke' })
  })
}

/** Gets the attacker unchoked by `target` (a seeder unchokes interested peers while slots are free). */
async function getUnchoked(a: Attacker): Promise<void> {
  a.send({ type: 'interested' })
  await a.waitFor('unchoke')
}

function requests(count: number, index = 0): WireMessage[] {
  return Array.from({ length: count }, () => ({ type: 'request' as const, index, begin: 0, length: PIECE }))
}

describe('hostile peers: the peer is dropped and the download completes from honest peers', () => {
  it('pieces with wrong data: dropped and banned for the torrent', async () => {
    const s = await scene()
    const liar = s.attack(s.leecher, { peerId: new Uint8Array(20).fill(1) })
    offerEverything(liar)
    liar.onMessage((m) => {
      if (m.type === 'request') liar.sendPiece(m.index, m.begin, new Uint8Array(m.length).fill(0xee))
    })
    await liar.whenClosed()
    expect(s.leecherWarnings).toContain('BAD_PIECE_DATA')
    expect(s.leecher.stats!.protocolErrors['BAD_PIECE_DATA']).toBeGreaterThan(0)
    expect(s.leecherWarnings.filter((c) => c === 'HASH_FAILED').length).toBeGreaterThanOrEqual(3)
    expect(s.leecher.downloaded).toBe(0)

    const again = s.attack(s.leecher, { peerId: new Uint8Array(20).fill(1) })
    await again.whenClosed()
    expect(s.leecher.numPeers).toBe(0)
    await completesHonestly(s)
  })

  it('blocks never requested: dropped after MAX_UNREQUESTED_BLOCKS, nothing stored', async () => {
    const s = await scene()
    const pusher = s.attack(s.leecher)
    pusher.send({ type: 'bitfield', bitfield: new Uint8Array([0xfc]) })
    // Choked by it, we request nothing; every block it pushes is unrequested.
    for (let i = 0; i <= MAX_UNREQUESTED_BLOCKS; i++) pusher.sendPiece(i % PIECES, 0, s.data.subarray(0, PIECE))
    await pusher.whenClosed()
    expect(s.leecherWarnings).toContain('UNREQUESTED_BLOCKS')
    expect(s.leecher.stats!.protocolErrors['UNREQUESTED_BLOCKS']).toBeGreaterThan(0)
    expect(s.leecher.downloaded).toBe(0)
    await completesHonestly(s)
  })

  it('blocks for requests we cancelled (pause) are a normal race, not an attack', async () => {
    // More blocks in flight than MAX_UNREQUESTED_BLOCKS, so counting them as unrequested would drop the peer.
    const s = await scene({ pieces: 24 })
    const slow = s.attack(s.leecher)
    offerEverything(slow, 24)
    await slow.waitFor('request')
    await tick()
    expect(slow.received.filter((m) => m.type === 'request').length).toBeGreaterThan(MAX_UNREQUESTED_BLOCKS)
    s.leecher.pause()
    await slow.waitFor('cancel')
    // Answers every request only after our cancels reached it.
    for (const m of slow.received) if (m.type === 'request') slow.sendPiece(m.index, m.begin, s.data.subarray(m.index * PIECE + m.begin, m.index * PIECE + m.begin + m.length))
    await tick(100)
    expect(slow.closed).toBe(false)
    expect(s.leecherWarnings).not.toContain('UNREQUESTED_BLOCKS')
    s.leecher.resume()
    await completesHonestly(s)
  })

  it('ut_metadata with the wrong info dictionary: dropped', async () => {
    const s = await scene({ magnet: true })
    const other = client().seed(new File([new Uint8Array(123).fill(1)], 'fake.bin'), { pieceLength: PIECE })
    await once(other, 'ready')
    const fake = (await parseTorrentFile(other.torrentFile!)).info.raw
    const liar = s.attack(s.leecher, { metadataSize: fake.length })
    liar.onMessage((m) => {
      if (m.type === 'extended' && m.id === 3) liar.sendMetadataMessage(encodeUtMetadata({ msgType: 'data', piece: 0, totalSize: fake.length, data: fake }))
    })
    await liar.whenClosed()
    expect(s.leecherWarnings).toContain('METADATA_HASH_MISMATCH')
    expect(s.leecher.stats!.protocolErrors['METADATA_HASH_MISMATCH']).toBeGreaterThan(0)
    expect(s.leecher.ready).toBe(false)
    await completesHonestly(s)
  })

  it('ut_metadata with a total size other than announced: dropped', async () => {
    const s = await scene({ magnet: true })
    const real = (await parseTorrentFile(s.seeder.torrentFile!)).info.raw
    const liar = s.attack(s.leecher, { metadataSize: real.length })
    liar.onMessage((m) => {
      if (m.type === 'extended' && m.id === 3) liar.sendMetadataMessage(encodeUtMetadata({ msgType: 'data', piece: 0, totalSize: real.length + 1, data: real }))
    })
    await liar.whenClosed()
    expect(s.leecherWarnings).toContain('BAD_METADATA')
    expect(s.leecher.stats!.protocolErrors['BAD_METADATA']).toBeGreaterThan(0)
    await completesHonestly(s)
  })

  it('ut_metadata with an enormous size: dropped before anything is allocated', async () => {
    const s = await scene({ magnet: true })
    const liar = s.attack(s.leecher, { metadataSize: 2 ** 40 })
    await liar.whenClosed()
    expect(s.leecherWarnings).toContain('BAD_METADATA_SIZE')
    expect(s.leecher.stats!.protocolErrors['BAD_METADATA_SIZE']).toBeGreaterThan(0)
    expect(liar.received.some((m) => m.type === 'extended' && m.id === 3)).toBe(false)
    await completesHonestly(s)
  })

  it('a length prefix of 2^31: dropped as soon as the 4 bytes are in', async () => {
    const s = await scene()
    const a = s.attack(s.leecher)
    a.sendRaw(new Uint8Array([0x80, 0, 0, 0, 7]))
    await a.whenClosed()
    expect(s.leecherWarnings).toContain('MESSAGE_TOO_LARGE')
    expect(s.leecher.stats!.protocolErrors['MESSAGE_TOO_LARGE']).toBeGreaterThan(0)
    await completesHonestly(s)
  })

  it('unknown message ids: a few are ignored, a flood gets the peer dropped', async () => {
    const s = await scene()
    const a = s.attack(s.leecher)
    a.send({ type: 'unknown', id: 99, payload: new Uint8Array(3) })
    a.send({ type: 'extended', id: 42, payload: new Uint8Array(3) })
    await tick()
    expect(a.closed).toBe(false)
    a.sendBurst(Array.from({ length: MAX_UNKNOWN_MESSAGES }, () => ({ type: 'unknown' as const, id: 200, payload: new Uint8Array(1) })))
    await a.whenClosed()
    expect(s.leecherWarnings).toContain('UNKNOWN_MESSAGE_FLOOD')
    expect(s.leecher.stats!.protocolErrors['UNKNOWN_MESSAGE_FLOOD']).toBeGreaterThan(0)
    await completesHonestly(s)
  })

  it('a bitfield of the wrong length: dropped', async () => {
    const s = await scene()
    const a = s.attack(s.leecher)
    a.send({ type: 'bitfield', bitfield: new Uint8Array([0xfc, 0]) })
    await a.whenClosed()
    expect(s.leecherWarnings).toContain('BAD_BITFIELD')
    expect(s.leecher.stats!.protocolErrors['BAD_BITFIELD']).toBeGreaterThan(0)
    await completesHonestly(s)
  })

  it('a bitfield with spare bits set: dropped', async () => {
    const s = await scene()
    const a = s.attack(s.leecher)
    a.send({ type: 'bitfield', bitfield: new Uint8Array([0xff]) })
    await a.whenClosed()
    expect(s.leecherWarnings).toContain('BAD_BITFIELD')
    expect(s.leecher.stats!.protocolErrors['BAD_BITFIELD']).toBeGreaterThan(0)
    await completesHonestly(s)
  })

  it('a bad bitfield sent before the metadata: dropped once the metadata arrives, the torrent unharmed', async () => {
    const s = await scene({ magnet: true })
    const a = s.attack(s.leecher)
    a.send({ type: 'bitfield', bitfield: new Uint8Array([0xff, 0xff]) })
    a.send({ type: 'have', index: 3 })
    await tick()
    expect(a.closed).toBe(false)
    await completesHonestly(s)
    await a.whenClosed()
    expect(s.leecherWarnings).toContain('BAD_BITFIELD')
    expect(s.leecher.stats!.protocolErrors['BAD_BITFIELD']).toBeGreaterThan(0)
  })

  it('have with an out-of-range index: dropped', async () => {
    const s = await scene()
    const a = s.attack(s.leecher)
    a.send({ type: 'have', index: PIECES })
    await a.whenClosed()
    expect(s.leecherWarnings).toContain('BAD_HAVE')
    expect(s.leecher.stats!.protocolErrors['BAD_HAVE']).toBeGreaterThan(0)
    await completesHonestly(s)
  })

  it('100,000 requests in a burst: the seeder drops the peer at its queue limit and keeps serving', async () => {
    const s = await scene()
    const a = s.attack(s.seeder)
    await getUnchoked(a)
    a.sendBurst(requests(100_000))
    await a.whenClosed()
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
    await tick()
    expect(a.closed).toBe(false)
    expect(a.received.some((m) => m.type === 'piece')).toBe(false)
    a.sendBurst(requests(MAX_REQUESTS_WHILE_CHOKED))
    await a.whenClosed()
    expect(s.seederWarnings).toContain('REQUEST_FLOOD')
    expect(s.seeder.stats!.protocolErrors['REQUEST_FLOOD']).toBeGreaterThan(0)
    await completesHonestly(s)
  })

  it('a request larger than 128 KiB: dropped', async () => {
    const s = await scene()
    const a = s.attack(s.seeder)
    await getUnchoked(a)
    a.send({ type: 'request', index: 0, begin: 0, length: 128 * 1024 + 1 })
    await a.whenClosed()
    expect(s.seederWarnings).toContain('BAD_REQUEST')
    expect(s.seeder.stats!.protocolErrors['BAD_REQUEST']).toBeGreaterThan(0)
    await completesHonestly(s)
  })

  it('a request past the end of the torrent: dropped', async () => {
    const s = await scene()
    const a = s.attack(s.seeder)
    await getUnchoked(a)
    a.send({ type: 'request', index: PIECES - 1, begin: PIECE / 2, length: PIECE })
    await a.whenClosed()
    expect(s.seederWarnings).toContain('BAD_REQUEST')
    expect(s.seeder.stats!.protocolErrors['BAD_REQUEST']).toBeGreaterThan(0)
    await completesHonestly(s)
  })

  it('disconnect in the middle of a block: its requests go to the honest peer', async () => {
    const s = await scene()
    const a = s.attack(s.leecher)
    offerEverything(a)
    const request = await a.waitFor('request')
    await tick()
    const header = new Uint8Array([0, 0, 0x40, 0x09, 7, 0, 0, 0, request.index, 0, 0, 0, 0])
    a.sendRaw(header)
    a.sendRaw(s.data.subarray(0, 5000))
    await tick()
    a.disconnect()
    await tick()
    expect(s.leecher.numPeers).toBe(0)
    expect(s.leecher.requestedPieces()).toEqual([])
    await completesHonestly(s)
  })

  it('goes silent after unchoking: its requests are released after the timeout and the peer is dropped', async () => {
    const s = await scene()
    const a = s.attack(s.leecher)
    offerEverything(a)
    // Time is faked only for `performance.now()`, which request ages are measured with; timers stay real.
    vi.useFakeTimers({ toFake: ['performance'] })
    await a.waitFor('request')
    const keepAlive = setInterval(() => a.send({ type: 'keep-alive' }), 50)
    try {
      await tick(100)
      expect(a.closed).toBe(false)
      vi.advanceTimersByTime(REQUEST_TIMEOUT_MS + 1000)
      await a.whenClosed()
    } finally {
      clearInterval(keepAlive)
    }
    expect(s.leecherWarnings).toContain('PEER_SILENT')
    expect(s.leecher.stats!.protocolErrors['PEER_SILENT']).toBeGreaterThan(0)
    expect(s.leecher.requestedPieces()).toEqual([])
    await completesHonestly(s)
  })
})
