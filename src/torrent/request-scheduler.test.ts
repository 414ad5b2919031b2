import { describe, expect, it } from 'vitest'
import { BLOCK_LENGTH, ENDGAME_AFTER_MS } from '../picker/index.ts'
import { SS_MASKING } from '../wire/index.ts'
import { CRITICAL_OVERDUE_FLOOR_MS, SLOW_PEER_PENALTY_MS } from './request-expiry.ts'
import { ASK_MASKING_AFTER_MS, CANCELS_IGNORED_AFTER, MAX_UNREQUESTED_BLOCKS, MIN_PIPELINE, PREEMPT_KEEP } from './request-scheduler.ts'
import { peerIdOf, schedulerHarness } from './test-helpers.ts'

/** 8 pieces of 4 blocks. */
const GEOMETRY = { numPieces: 8, pieceLength: 4 * BLOCK_LENGTH, length: 32 * BLOCK_LENGTH }

describe('RequestScheduler', () => {
  it('says it is interested and fills the pipeline once unchoked', async () => {
    const h = schedulerHarness(GEOMETRY)
    const remote = h.connect(1, null)
    // Its bitfield arrives at 10 ms; our interest reaches it at 20, its unchoke us at 30, our requests it at 40.
    await h.clock.advance(25)
    expect(remote.received.some((m) => m.type === 'interested')).toBe(true)
    expect(h.requestsOf(remote)).toHaveLength(0)
    await h.clock.advance(20)
    expect(h.requestsOf(remote)).toHaveLength(MIN_PIPELINE)
    expect(h.scheduler.requestedPieces().sort()).toEqual([0, 1, 2, 3])
  })

  it('asks for nothing while requests are on hold (paused, stopped, storage congested)', async () => {
    const h = schedulerHarness(GEOMETRY)
    h.state.mayRequest = false
    const remote = h.connect(1, null)
    await h.clock.advance(50)
    expect(h.requestsOf(remote)).toHaveLength(0)
    h.state.mayRequest = true
    h.scheduler.fill(h.record(1))
    expect(h.record(1).download.requests.size).toBe(MIN_PIPELINE)
  })

  it('hands each new block to the assembler with its source, and keeps the pipeline full', async () => {
    const h = schedulerHarness(GEOMETRY)
    h.connect(1)
    await h.clock.advance(1000)
    expect(h.accepted).toHaveLength(32)
    expect(new Set(h.accepted.map((a) => a.source.id))).toEqual(new Set([peerIdOf(1)]))
    expect(h.received()).toBe(GEOMETRY.length)
    expect(h.stats.snapshot().byPeer[peerIdOf(1)]).toMatchObject({ receivedBytes: GEOMETRY.length, discardedBytes: 0 })
  })

  it('tops the pipeline up only once a quarter of it is free, so requests leave several to a message', async () => {
    const h = schedulerHarness(GEOMETRY)
    const remote = h.connect(1, null)
    await h.clock.advance(45)
    const peer = h.record(1)
    const asked = [...peer.download.requests.values()]
    expect(asked).toHaveLength(MIN_PIPELINE)
    const quarter = MIN_PIPELINE / 4
    for (const r of asked.slice(0, quarter - 1)) h.scheduler.onBlock(peer, r.index, r.begin, new Uint8Array(r.length))
    expect(peer.download.requests.size, 'no refill for a few free slots').toBe(MIN_PIPELINE - quarter + 1)
    const last = asked[quarter - 1]!
    h.scheduler.onBlock(peer, last.index, last.begin, new Uint8Array(last.length))
    expect(peer.download.requests.size).toBeGreaterThanOrEqual(MIN_PIPELINE)
    await h.clock.advance(20)
    expect(h.requestsOf(remote).length).toBeGreaterThanOrEqual(MIN_PIPELINE + quarter)
  })

  it('tells a peer it is not interested once it has nothing we need', async () => {
    const h = schedulerHarness(GEOMETRY)
    for (let i = 0; i < GEOMETRY.numPieces; i++) h.picker.markHave(i)
    const remote = h.connect(1, null)
    await h.clock.advance(50)
    expect(remote.received.some((m) => m.type === 'interested')).toBe(false)
  })

  it('says not interested once its last request is answered and it has nothing else we need (it keeps no unchoke slot for us)', async () => {
    const h = schedulerHarness(GEOMETRY)
    for (let i = 1; i < GEOMETRY.numPieces; i++) h.picker.markHave(i)
    const remote = h.connect(1, null)
    await h.clock.advance(45)
    const asked = h.requestsOf(remote)
    expect(asked).toHaveLength(4)
    // Piece 0 was completed from elsewhere meanwhile; this peer's copies still arrive.
    h.picker.markHave(0)
    for (const r of asked) if (r.type === 'request') remote.sendPiece(r.index, r.begin, new Uint8Array(r.length))
    await h.clock.advance(20)
    expect(remote.received.at(-1)?.type).toBe('not-interested')
  })

  it('a have of a piece we already have neither asks for more nor re-sends interest', async () => {
    const h = schedulerHarness(GEOMETRY)
    h.picker.markHave(7)
    const remote = h.connect(1, null)
    await h.clock.advance(45)
    const peer = h.record(1)
    // A few blocks in: room for a few requests, below the batched refill's quarter.
    for (const r of [...peer.download.requests.values()].slice(0, MIN_PIPELINE / 4 - 1)) h.scheduler.onBlock(peer, r.index, r.begin, new Uint8Array(r.length))
    const inFlight = peer.download.requests.size
    expect(inFlight).toBeLessThan(MIN_PIPELINE)
    h.scheduler.onHave(peer, 7)
    expect(peer.download.requests.size).toBe(inFlight)
    expect(remote.received.filter((m) => m.type === 'interested')).toHaveLength(1)
  })

  it('in endgame, cancels the other copy when the first lands; the late copy is counted, not held against the peer', async () => {
    const h = schedulerHarness({ numPieces: 1, pieceLength: BLOCK_LENGTH, length: BLOCK_LENGTH })
    const fast = h.connect(1, null)
    const slow = h.connect(2, null)
    await h.clock.advance(50)
    expect(h.requestsOf(fast).length + h.requestsOf(slow).length).toBe(1)
    // The block is asked for once more only once its request is ENDGAME_AFTER_MS old (the runtime's tick refills).
    await h.clock.advance(ENDGAME_AFTER_MS)
    for (const n of [1, 2]) h.scheduler.fill(h.record(n))
    await h.clock.advance(20)
    expect(h.requestsOf(fast)).toHaveLength(1)
    expect(h.requestsOf(slow)).toHaveLength(1)
    fast.sendPiece(0, 0, new Uint8Array(BLOCK_LENGTH))
    await h.clock.advance(20)
    expect(slow.received.some((m) => m.type === 'cancel')).toBe(true)
    slow.sendPiece(0, 0, new Uint8Array(BLOCK_LENGTH))
    await h.clock.advance(20)
    expect(h.accepted.map((a) => a.source.id)).toEqual([peerIdOf(1)])
    expect(h.stats.lateBlocks).toBe(1)
    expect(h.stats.snapshot().byPeer[peerIdOf(2)]!.discardedBytes).toBe(BLOCK_LENGTH)
    expect(slow.closed).toBe(false)
  })

  it('gives a choking peer’s requests to others, and still takes its late blocks if they are missing', async () => {
    const h = schedulerHarness(GEOMETRY)
    const a = h.connect(1, null)
    await h.clock.advance(50)
    const asked = h.requestsOf(a)
    a.send({ type: 'choke' })
    await h.clock.advance(20)
    expect(h.record(1).download.requests.size).toBe(0)
    const first = asked[0]!
    if (first.type !== 'request') throw new Error('unreachable')
    a.sendPiece(first.index, first.begin, new Uint8Array(first.length))
    await h.clock.advance(20)
    expect(h.accepted).toHaveLength(1)
    expect(h.stats.lateBlocks).toBe(1)
    const b = h.connect(2, null)
    await h.clock.advance(50)
    expect(h.requestsOf(b).length).toBe(MIN_PIPELINE)
  })

  it('drops a peer that pushes more than MAX_UNREQUESTED_BLOCKS blocks nobody asked for', async () => {
    const h = schedulerHarness(GEOMETRY)
    for (let i = 0; i < GEOMETRY.numPieces; i++) h.picker.markHave(i)
    const pusher = h.connect(1, null)
    for (let i = 0; i <= MAX_UNREQUESTED_BLOCKS; i++) pusher.sendPiece(0, 0, new Uint8Array(BLOCK_LENGTH))
    await h.clock.advance(50)
    expect(pusher.closed).toBe(true)
    expect(h.stats.snapshot()).toMatchObject({ unrequestedBlocks: MAX_UNREQUESTED_BLOCKS + 1, protocolErrors: { UNREQUESTED_BLOCKS: 1 } })
    expect(h.stats.discardedBytes).toBe((MAX_UNREQUESTED_BLOCKS + 1) * BLOCK_LENGTH)
    expect(h.accepted).toEqual([])
  })

  it('preempts: a new critical piece cancels the requests queued before it, but the first few', async () => {
    const h = schedulerHarness(GEOMETRY)
    const a = h.connect(1, null)
    await h.clock.advance(50)
    h.picker.setPriorities({ critical: [7], readahead: [] })
    h.scheduler.preempt(new Set([7]))
    await h.clock.advance(20)
    const cancels = a.received.filter((m) => m.type === 'cancel')
    expect(cancels).toHaveLength(MIN_PIPELINE - PREEMPT_KEEP)
    h.scheduler.fill(h.record(1))
    expect([...h.record(1).download.requests.values()].filter((r) => r.index === 7)).toHaveLength(4)
  })

  it('keeps what a peer that answers cancelled requests anyway still owes us within its pipeline, so preemptions do not pile requests up at it', async () => {
    const big = { numPieces: 256, pieceLength: 4 * BLOCK_LENGTH, length: 1024 * BLOCK_LENGTH }
    const h = schedulerHarness(big)
    // Answers every request at 200 KB/s, cancelled or not (what it queued goes out regardless, like WebTorrent behind its limiter).
    const a = h.connect(1, (_i, _b, length) => new Uint8Array(length), 10, 200_000)
    await h.clock.advance(500)
    const backlog = () => h.requestsOf(a).length - h.received() / BLOCK_LENGTH - h.stats.lateBlocks - h.stats.unrequestedBlocks
    const seen: number[] = []
    for (let k = 0; k < 40; k++) {
      h.scheduler.preempt(new Set([255 - k]))
      h.scheduler.fill(h.record(1))
      await h.clock.advance(500)
      seen.push(backlog())
    }
    expect(h.record(1).download.lateAnswers).toBeGreaterThan(CANCELS_IGNORED_AFTER)
    expect(h.stats.unrequestedBlocks).toBe(0)
    // Once it shows it answers cancelled requests, the backlog drains to about a pipeline and stays there;
    // without the rule it grows by most of a pipeline per preemption (600 blocks after 40 here).
    expect(Math.max(...seen.slice(-15))).toBeLessThanOrEqual(3 * MIN_PIPELINE)
  })

  it('asks a seeder that masks its pieces (ss_sup 2) for a critical piece it did not offer once nobody showed it for a while, and only for that; other peers never', async () => {
    const h = schedulerHarness(GEOMETRY)
    h.picker.markHave(0)
    h.picker.setPriorities({ critical: [5], readahead: [6] })
    const join = (n: number, superSeed?: number) => {
      const remote = h.join(n, superSeed ? { superSeed } : {})
      // It shows only piece 0, which we have.
      remote.send({ type: 'bitfield', bitfield: Uint8Array.of(0x80) })
      remote.onMessage((m) => m.type === 'interested' && remote.send({ type: 'unchoke' }))
      return remote
    }
    const masking = join(1, SS_MASKING)
    const understands = join(2, 1)
    await h.clock.advance(50)
    // Not at once: the piece may reach us from the peer the seeder handed it to.
    expect(masking.received.some((m) => m.type === 'interested')).toBe(false)
    await h.clock.advance(ASK_MASKING_AFTER_MS)
    // The engine's tick.
    for (const n of [1, 2]) h.scheduler.fill(h.record(n))
    await h.clock.advance(50)
    expect(masking.received.some((m) => m.type === 'interested')).toBe(true)
    expect(new Set(h.requestsOf(masking).map((m) => m.type === 'request' && m.index))).toEqual(new Set([5]))
    expect(understands.received.some((m) => m.type === 'interested' || m.type === 'request')).toBe(false)
  })

  it('times requests out and drops a peer that answered none of them (silent)', async () => {
    const h = schedulerHarness(GEOMETRY, { requestTimeoutMs: 5000 })
    const silent = h.connect(1, null)
    await h.clock.advance(50)
    h.scheduler.expire()
    expect(silent.closed).toBe(false)
    await h.clock.advance(5000)
    h.scheduler.expire()
    await h.clock.advance(20)
    expect(silent.closed).toBe(true)
    expect(h.stats.snapshot()).toMatchObject({ requestTimeouts: MIN_PIPELINE, silentPeers: 1, protocolErrors: { PEER_SILENT: 1 } })
    expect(h.picker.isPieceComplete(0)).toBe(false)
    expect(h.scheduler.requestedPieces()).toEqual([])
  })

  it('hot swap: takes an overdue critical block back from a slow peer when a faster one has the piece', async () => {
    const h = schedulerHarness(GEOMETRY)
    h.picker.setPriorities({ critical: [0], readahead: [] })
    const slow = h.connect(1, null)
    await h.clock.advance(50)
    expect([...h.record(1).download.requests.values()].some((r) => r.index === 0)).toBe(true)
    const fast = h.connect(2, null)
    await h.clock.advance(50)
    await h.clock.advance(CRITICAL_OVERDUE_FLOOR_MS)
    h.scheduler.expire()
    expect([...h.record(1).download.requests.values()].some((r) => r.index === 0)).toBe(false)
    expect(h.record(1).download.slowUntil).toBe(h.clock.now() + SLOW_PEER_PENALTY_MS)
    h.scheduler.fill(h.record(2))
    expect([...h.record(2).download.requests.values()].filter((r) => r.index === 0).length).toBeGreaterThan(0)
    expect(slow.closed || fast.closed).toBe(false)
  })

  it('claims whole pieces for a web seed and keeps blocks peers delivered meanwhile', async () => {
    const h = schedulerHarness(GEOMETRY)
    const webSeed = { kind: 'web-seed' as const, id: 'https://seed.example/' }
    const blocks = h.scheduler.claimPiece(webSeed)!
    expect(blocks.map((b) => b.begin)).toEqual([0, 1, 2, 3].map((b) => b * BLOCK_LENGTH))
    h.scheduler.onWholePiece(webSeed, blocks, new Uint8Array(GEOMETRY.pieceLength))
    expect(h.accepted.map((a) => [a.source.id, a.index, a.begin / BLOCK_LENGTH])).toEqual([0, 1, 2, 3].map((b) => [webSeed.id, blocks[0]!.index, b]))
    // A claim that failed (the seed answered 404) can be claimed again: nothing else would fetch it without peers.
    const again = h.scheduler.claimPiece(webSeed)!
    h.scheduler.releaseClaim(again)
    expect(h.scheduler.claimPiece(webSeed)![0]!.index).toBe(again[0]!.index)
  })

  it("subtracts a departed peer's availability and frees its requests", async () => {
    const h = schedulerHarness(GEOMETRY)
    const a = h.connect(1, null)
    await h.clock.advance(50)
    expect(h.picker.availability(0)).toBe(1)
    a.disconnect()
    await h.clock.advance(50)
    expect(h.picker.availability(0)).toBe(0)
    expect(h.scheduler.requestedPieces()).toEqual([])
  })
})
