import { describe, expect, it } from 'vitest'
import { Bitfield } from '../util/bitfield.ts'
import { bytesEqual } from '../util/bytes.ts'
import { BLOCK_LENGTH } from '../picker/index.ts'
import { patternBytes } from '../test-support/swarm-lab.ts'
import { OWED_BLOCK_MS, RECHOKE_INTERVAL_MS, TRIAL_MS, UNCHOKE_SLOTS } from '../choker/choker.ts'
import { LOW_WATER_MARK } from '../transport/peer-channel.ts'
import { Attacker } from '../test-support/attacker.ts'
import { schedulerHarness, seedHarness } from './test-helpers.ts'
import { LOST_AFTER_MS, PASS_ON_MS } from './super-seed.ts'
import { MAX_QUEUED_REQUESTS_PER_PEER, MAX_REQUESTS_WHILE_CHOKED, MIN_LOW_WATER_MARK, MIN_UPLOAD_BUFFER, UPLOAD_BUFFER_HEADROOM } from './uploader.ts'

const GEOMETRY = { numPieces: 4, pieceLength: 2 * BLOCK_LENGTH, length: 8 * BLOCK_LENGTH }
const data = patternBytes(GEOMETRY.length)
/** Enough pieces for a masking seed to offer each peer its own. */
const big = { numPieces: 64, pieceLength: 2 * BLOCK_LENGTH, length: 128 * BLOCK_LENGTH }

/** The harness as a seed: every piece stored and had (`data` for GEOMETRY, zeros for another geometry). */
const seed = (opts: { uploadLimit?: number } = {}, geometry = GEOMETRY) => seedHarness(geometry, geometry === GEOMETRY ? data : new Uint8Array(geometry.length), opts)

const bitfieldIndexes = (bytes: Uint8Array, n: number) => Array.from({ length: n }, (_, i) => i).filter((i) => new Bitfield(n, bytes).get(i))
const request = (index: number, begin = 0, length = BLOCK_LENGTH) => ({ type: 'request' as const, index, begin, length })

describe('Uploader', () => {
  it('unchokes an interested peer while a slot is free and serves its requests in order', async () => {
    const h = await seed()
    const leecher = h.connect(1, null)
    leecher.send({ type: 'interested' })
    await h.clock.advance(30)
    expect(leecher.received.some((m) => m.type === 'unchoke')).toBe(true)
    leecher.send(request(2, BLOCK_LENGTH))
    leecher.send(request(0))
    await h.clock.advance(30)
    const pieces = leecher.received.filter((m) => m.type === 'piece')
    expect(pieces.map((m) => m.type === 'piece' && [m.index, m.begin])).toEqual([
      [2, BLOCK_LENGTH],
      [0, 0],
    ])
    const first = pieces[0]!
    expect(first.type === 'piece' && bytesEqual(first.block, data.subarray(5 * BLOCK_LENGTH, 6 * BLOCK_LENGTH))).toBe(true)
  })

  it(`keeps ${UNCHOKE_SLOTS} + 1 slots: the next interested peer waits`, async () => {
    const h = await seed()
    const peers = Array.from({ length: UNCHOKE_SLOTS + 2 }, (_, i) => h.connect(10 + i, null))
    for (const p of peers) p.send({ type: 'interested' })
    await h.clock.advance(30)
    const unchoked = peers.filter((p) => p.received.some((m) => m.type === 'unchoke'))
    expect(unchoked).toHaveLength(UNCHOKE_SLOTS + 1)
  })

  it('gives the slot of an unchoked peer that leaves to a waiting peer at once', async () => {
    const h = await seed()
    const peers = Array.from({ length: UNCHOKE_SLOTS + 2 }, (_, i) => h.connect(10 + i, null))
    for (const p of peers) p.send({ type: 'interested' })
    await h.clock.advance(30)
    const unchoked = (p: (typeof peers)[number]) => p.received.some((m) => m.type === 'unchoke')
    const waiting = peers.find((p) => !unchoked(p))!
    peers.find(unchoked)!.disconnect()
    await h.clock.advance(30)
    expect(unchoked(waiting)).toBe(true)
  })

  it('keeps a slow peer\'s channel queue short, so what we send it next is not stuck behind seconds of blocks', async () => {
    const h = await seed({}, big)
    const slow = 200_000
    const leecher = h.connect(1, null, 10, slow)
    leecher.send({ type: 'interested' })
    await h.clock.advance(30)
    for (let i = 0; i < big.numPieces; i++) for (const begin of [0, BLOCK_LENGTH]) leecher.send(request(i, begin))
    let most = 0
    for (let t = 0; t < 5000; t += 50) {
      await h.clock.advance(50)
      most = Math.max(most, h.record(1).session.channel.bufferedAmount)
    }
    // The channel's low-water mark follows the flow down to MIN_LOW_WATER_MARK, and the queue with it.
    expect(h.record(1).upload.lowWaterMark).toBe(MIN_LOW_WATER_MARK)
    expect(most).toBeGreaterThan(MIN_LOW_WATER_MARK)
    expect(most).toBeLessThanOrEqual(MIN_LOW_WATER_MARK + UPLOAD_BUFFER_HEADROOM + BLOCK_LENGTH + 64)
    // A have or request sent now waits at most a quarter of a second behind those blocks.
    expect(most / slow).toBeLessThanOrEqual(0.25)
    // It still gets its blocks at the channel's full rate.
    const got = leecher.received.filter((m) => m.type === 'piece').length * BLOCK_LENGTH
    expect(got).toBeGreaterThan(0.8 * slow * 5)
  })

  it('keeps the full low-water mark on a fast flow, and a queue above it', async () => {
    const big = { numPieces: 768, pieceLength: 2 * BLOCK_LENGTH, length: 1536 * BLOCK_LENGTH }
    const h = await seed({}, big)
    const fast = 20_000_000
    const leecher = h.connect(1, null, 10, fast)
    leecher.send({ type: 'interested' })
    await h.clock.advance(30)
    leecher.sendBurst(Array.from({ length: big.numPieces }, (_, i) => [request(i), request(i, BLOCK_LENGTH)]).flat())
    let most = 0
    for (let t = 0; t < 1000; t += 10) {
      await h.clock.advance(10)
      most = Math.max(most, h.record(1).session.channel.bufferedAmount)
    }
    expect(h.record(1).upload.lowWaterMark).toBe(LOW_WATER_MARK)
    expect(most).toBeGreaterThanOrEqual(MIN_UPLOAD_BUFFER)
    const got = leecher.received.filter((m) => m.type === 'piece').length * BLOCK_LENGTH
    expect(got).toBeGreaterThan(0.8 * fast * 0.9)
  })

  it('seeding, masks what it has (super-seeding) from a peer while another still lacks pieces; never from a lone leecher, nor beside peers that have everything', async () => {
    const h = await seed({ uploadLimit: 1_000_000 })
    // A finished viewer that lingers (it has every piece).
    h.connect(1, null)
    h.join(2)
    await h.clock.advance(30)
    expect(h.uploader.bitfield(h.record(2), true)).toBeNull()
    h.join(3)
    await h.clock.advance(30)
    expect(h.uploader.bitfield(h.record(3), true)).not.toBeNull()
    expect(h.uploader.bitfield(h.record(3), false)).toBeNull()
  })

  it('seeding, masks the next crowd too: once the peers that lacked pieces are gone, super-seeding starts over', async () => {
    const h = await seed()
    const [a, b] = [h.join(1), h.join(2)]
    await h.clock.advance(30)
    const told = bitfieldIndexes(h.uploader.bitfield(h.record(1), true)!, GEOMETRY.numPieces)
    expect(h.uploader.bitfield(h.record(2), true)).not.toBeNull()
    h.uploader.rechoke(true)
    a.send({ type: 'interested' })
    await h.clock.advance(30)
    for (const m of a.received) if (m.type === 'have') told.push(m.index)
    expect(new Set(told).size).toBe(GEOMETRY.numPieces)
    a.sendBurst(told.flatMap((index) => [request(index), request(index, BLOCK_LENGTH)]))
    await h.clock.advance(200)
    // b shows every piece a was sent: each was passed on, and the round is over.
    for (const index of told) b.send({ type: 'have', index })
    await h.clock.advance(30)
    h.uploader.rechoke(true)
    a.disconnect()
    b.disconnect()
    await h.clock.advance(30)
    h.join(3)
    h.join(4)
    await h.clock.advance(30)
    expect(h.uploader.bitfield(h.record(3), true)).not.toBeNull()
    expect(h.uploader.bitfield(h.record(4), true)).not.toBeNull()
  })

  it('seeding without a cap, masks too; serves a piece it did not offer only to a peer that said it asks only for what it needs now (ss_sup)', async () => {
    const h = await seed({}, big)
    const asks = h.join(1, { superSeed: 1 })
    const plain = h.join(2)
    await h.clock.advance(30)
    const told = new Map([asks, plain].map((p, k) => [p, bitfieldIndexes(h.uploader.bitfield(h.record(k + 1), true)!, big.numPieces)]))
    expect(h.record(1).session.masking).toBe(true)
    for (const p of [asks, plain]) p.send({ type: 'interested' })
    await h.clock.advance(30)
    for (const p of [asks, plain]) for (const m of p.received) if (m.type === 'have') told.get(p)!.push(m.index)
    const notTold = (p: Attacker) => Array.from({ length: big.numPieces }, (_, i) => i).find((i) => !told.get(p)!.includes(i))!
    const [a, b] = [notTold(asks), notTold(plain)]
    asks.send(request(a))
    plain.send(request(b))
    await h.clock.advance(100)
    const served = (p: Attacker, i: number) => p.received.some((m) => m.type === 'piece' && m.index === i)
    expect(served(asks, a)).toBe(true)
    expect(served(plain, b)).toBe(false)
    expect(h.stats.ignoredRequests).toBe(1)
  })

  const servedOrder = (p: Attacker) => p.received.flatMap((m) => (m.type === 'piece' ? [m.index] : []))

  it('downloading, serves first the queued request for the piece fewest of our peers have, ties in request order', async () => {
    const h = schedulerHarness(GEOMETRY)
    for (let i = 0; i < GEOMETRY.numPieces; i++) {
      await h.store.put(i, data.subarray(i * GEOMETRY.pieceLength, (i + 1) * GEOMETRY.pieceLength))
      h.picker.markHave(i)
    }
    const [a, b, leecher] = [h.join(2), h.join(3), h.join(1)]
    await h.clock.advance(30)
    for (const p of [a, b]) p.send({ type: 'have', index: 0 })
    b.send({ type: 'have', index: 1 })
    leecher.send({ type: 'interested' })
    await h.clock.advance(30)
    expect(h.picker.availability(0)).toBe(2)
    leecher.sendBurst(([[3, 0], [0, 0], [0, BLOCK_LENGTH], [1, 0], [2, 0], [2, BLOCK_LENGTH]] as const).map(([index, begin]) => request(index, begin)))
    await h.clock.advance(100)
    // Piece 3 was being read when the rest arrived; then by how many peers have each: 2 (none), 1 (one), 0 (two).
    expect(servedOrder(leecher)).toEqual([3, 2, 2, 1, 0, 0])
  })

  it('seeding, keeps the request order of a peer it does not mask (a viewer asks for its playhead first)', async () => {
    const h = await seed()
    h.uploader.rechoke(true)
    const [a, b, leecher] = [h.join(2), h.join(3), h.join(1)]
    await h.clock.advance(30)
    for (const p of [a, b]) p.send({ type: 'have', index: 0 })
    leecher.send({ type: 'interested' })
    await h.clock.advance(30)
    expect(h.picker.availability(0)).toBe(2)
    leecher.sendBurst([3, 0, 2].map((index) => request(index)))
    await h.clock.advance(100)
    expect(servedOrder(leecher)).toEqual([3, 0, 2])
  })

  it('seeding, serves a peer it masks first what it asked for without being told of it (its playhead, ss_sup)', async () => {
    const h = await seed({}, big)
    const viewer = h.join(1, { superSeed: 1 })
    h.join(2)
    await h.clock.advance(30)
    const told = bitfieldIndexes(h.uploader.bitfield(h.record(1), true)!, big.numPieces)
    h.uploader.bitfield(h.record(2), true)
    h.uploader.rechoke(true)
    viewer.send({ type: 'interested' })
    await h.clock.advance(30)
    for (const m of viewer.received) if (m.type === 'have') told.push(m.index)
    const offered = told.slice(0, 2)
    const hidden = Array.from({ length: big.numPieces }, (_, i) => i).find((i) => !told.includes(i))!
    viewer.sendBurst([...offered, hidden].map((index) => request(index)))
    await h.clock.advance(100)
    expect(servedOrder(viewer)).toEqual([offered[0], hidden, offered[1]])
  })

  /** A masking seed with peer 1 (the rider) unchoked and `count` more peers; the rider takes every piece it was offered, and nobody else ever shows one. */
  async function riderTakesOffers(count: number) {
    const h = await seed({}, big)
    const rider = h.join(1)
    const others = Array.from({ length: count }, (_, k) => h.join(k + 2))
    await h.clock.advance(30)
    const told = bitfieldIndexes(h.uploader.bitfield(h.record(1), true)!, big.numPieces)
    for (let n = 2; n <= count + 1; n++) h.uploader.bitfield(h.record(n), true)
    h.uploader.rechoke(true)
    rider.send({ type: 'interested' })
    await h.clock.advance(30)
    expect(h.record(1).session.amChoking).toBe(false)
    for (const m of rider.received) if (m.type === 'have') told.push(m.index)
    rider.sendBurst(told.flatMap((index) => [request(index), request(index, BLOCK_LENGTH)]))
    await h.clock.advance(500)
    return { h, others }
  }

  it('seeding, ranks a masked peer that never passes our pieces on after the others and gives it no free slot', async () => {
    const { h, others } = await riderTakesOffers(5)
    for (const p of others) p.send({ type: 'interested' })
    await h.clock.advance(PASS_ON_MS + RECHOKE_INTERVAL_MS)
    h.uploader.rechoke(true)
    await h.clock.advance(30)
    expect(h.record(1).session.amChoking).toBe(true)
    expect(others.every((_, k) => !h.record(k + 2).session.amChoking)).toBe(true)
    // A slot that frees up goes to nobody rather than to it.
    others[0]!.disconnect()
    await h.clock.advance(30)
    expect(h.record(1).session.amChoking).toBe(true)
  })

  it('seeding, takes a masked peer\'s slot for a waiting peer as soon as it is found a sink, not at the next rechoke', async () => {
    const { h, others } = await riderTakesOffers(6)
    for (const p of others) p.send({ type: 'interested' })
    await h.clock.advance(30)
    const waiting = () => others.filter((_, k) => h.record(k + 2).session.amChoking).length
    expect(waiting()).toBe(2)
    h.uploader.rechoke(true)
    expect(h.record(1).session.amChoking).toBe(false)
    // Its pieces are lost LOST_AFTER_MS after they were sent, well before the next rechoke.
    await h.clock.advance(LOST_AFTER_MS)
    expect(LOST_AFTER_MS + 600).toBeLessThan(RECHOKE_INTERVAL_MS)
    h.uploader.rechoke(true)
    await h.clock.advance(30)
    expect(h.record(1).session.amChoking).toBe(true)
    expect(waiting()).toBe(1)
  })

  it('downloading, unchokes on interest a peer never tried, but not again once it had pieces we want and sent us none TRIAL_MS after', async () => {
    const h = schedulerHarness(big)
    const rider = h.connect(1, null)
    await h.clock.advance(30)
    const unchokes = () => rider.received.filter((m) => m.type === 'unchoke').length
    rider.send({ type: 'interested' })
    await h.clock.advance(30)
    expect(h.record(1).session.amInterested).toBe(true)
    expect(unchokes()).toBe(1)
    await h.clock.advance(TRIAL_MS)
    h.uploader.rechoke(false)
    rider.send({ type: 'not-interested' })
    await h.clock.advance(30)
    expect(h.record(1).session.amChoking).toBe(true)
    rider.send({ type: 'interested' })
    await h.clock.advance(30)
    expect(unchokes()).toBe(1)
  })

  it('downloading, sends a peer that has pieces we want and sent us none TRIAL_MS after we unchoked it at most a block per OWED_BLOCK_MS', async () => {
    const h = schedulerHarness(big)
    for (let i = 0; i < 16; i++) {
      await h.store.put(i, new Uint8Array(big.pieceLength))
      h.picker.markHave(i)
    }
    const rider = h.connect(1, null)
    await h.clock.advance(30)
    rider.send({ type: 'interested' })
    await h.clock.advance(30)
    expect(h.record(1).session.amInterested && !h.record(1).session.amChoking).toBe(true)
    const blocks = () => rider.received.filter((m) => m.type === 'piece').length
    const ask = (from: number) => {
      for (let i = from; i < from + 8; i++) for (const begin of [0, BLOCK_LENGTH]) rider.send(request(i, begin))
    }
    // On trial: served at once.
    ask(0)
    await h.clock.advance(100)
    expect(blocks()).toBe(16)
    await h.clock.advance(TRIAL_MS)
    ask(8)
    for (let t = 0; t < 1000; t += 250) {
      h.uploader.rechoke(false)
      await h.clock.advance(250)
    }
    // A trickle (the optimistic slot has nobody else to go to), not what it asks for.
    expect(blocks() - 16).toBeGreaterThan(0)
    expect(blocks() - 16).toBeLessThanOrEqual(1000 / OWED_BLOCK_MS + 1)
  })

  it('ignores requests while choked, and drops a peer that floods them', async () => {
    const h = await seed()
    const rude = h.connect(1, null)
    rude.sendBurst([request(0), request(1)])
    await h.clock.advance(30)
    expect(h.stats.ignoredRequests).toBe(2)
    expect(rude.received.some((m) => m.type === 'piece')).toBe(false)
    rude.sendBurst(Array.from({ length: MAX_REQUESTS_WHILE_CHOKED }, () => request(0)))
    await h.clock.advance(30)
    expect(rude.closed).toBe(true)
    expect(h.stats.protocolErrors.get('REQUEST_FLOOD')).toBe(1)
  })

  it('drops a peer whose queue overflows, and one asking for bytes past a piece', async () => {
    const h = await seed()
    const flood = h.connect(1, null)
    const bad = h.connect(2, null)
    for (const p of [flood, bad]) p.send({ type: 'interested' })
    await h.clock.advance(30)
    flood.sendBurst(Array.from({ length: MAX_QUEUED_REQUESTS_PER_PEER + 10 }, () => request(0)))
    bad.send(request(3, BLOCK_LENGTH, BLOCK_LENGTH + 1))
    await h.clock.advance(30)
    expect(flood.closed && bad.closed).toBe(true)
    expect(Object.fromEntries(h.stats.protocolErrors)).toEqual({ REQUEST_FLOOD: 1, BAD_REQUEST: 1 })
  })

  it('drops a cancelled request from the queue', async () => {
    const h = await seed({ uploadLimit: BLOCK_LENGTH })
    const leecher = h.connect(1, null)
    leecher.send({ type: 'interested' })
    await h.clock.advance(30)
    leecher.sendBurst([request(0), request(1), request(2)])
    leecher.send({ type: 'cancel', index: 2, begin: 0, length: BLOCK_LENGTH })
    await h.clock.advance(10_000)
    expect(leecher.received.filter((m) => m.type === 'piece').map((m) => m.type === 'piece' && m.index)).toEqual([0, 1])
  })

  it('rechokes by tit-for-tat at its own pace and chokes everyone while paused', async () => {
    const h = await seed()
    const peers = [h.connect(1, null), h.connect(2, null)]
    for (const p of peers) p.send({ type: 'interested' })
    await h.clock.advance(30)
    h.uploader.rechoke(true)
    h.uploader.setPaused(true)
    await h.clock.advance(30)
    expect(peers.every((p) => p.received.some((m) => m.type === 'choke'))).toBe(true)
    expect(h.swarm.peers.every((p) => p.session.amChoking)).toBe(true)
    h.uploader.rechoke(true)
    expect(h.swarm.peers.every((p) => p.session.amChoking)).toBe(true)
    h.uploader.setPaused(false)
    await h.clock.advance(RECHOKE_INTERVAL_MS)
    h.uploader.rechoke(true)
    expect(h.swarm.peers.every((p) => !p.session.amChoking)).toBe(true)
  })
})
