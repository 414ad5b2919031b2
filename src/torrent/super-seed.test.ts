import { describe, expect, it } from 'vitest'
import type { WireMessage } from '../wire/index.ts'
import { LOST_AFTER_MS, MAX_UNPASSED_BYTES, OFFER_MIN_BYTES, PASS_ON_MS, SINK_AFTER, STUCK_AFTER_MS, SuperSeed, UNMASK_AFTER_MS, type MaskedPeer } from './super-seed.ts'
import { N, PIECE, bitfieldIndexes, peer, reclaimedOffers, told } from './super-seed-test-helpers.ts'

describe('SuperSeed', () => {
  it('times how fast the one peer a piece went to passes it on: the first have from a peer we did not send it to', () => {
    const seed = new SuperSeed(N, () => PIECE)
    const [fast, slow, shared, other] = [peer(), peer(), peer(), peer()]
    for (const p of [fast, slow, shared, other]) seed.admit(p, 0)
    expect(seed.passOnMs(fast)).toBeNaN()
    seed.sent(fast, 0, 1000)
    seed.seen(fast, 0, 1010) // its own have times nothing
    seed.seen(other, 0, 1040)
    seed.seen(slow, 0, 1900) // only the first have from another peer counts
    expect(seed.passOnMs(fast)).toBe(40)
    seed.sent(slow, 1, 1000)
    seed.seen(other, 1, 1500)
    expect(seed.passOnMs(slow)).toBe(500)
    // A moving average: a second piece passed on in 140 ms moves 40 a fifth of the way.
    seed.sent(fast, 2, 2000)
    seed.seen(slow, 2, 2140)
    expect(seed.passOnMs(fast)).toBeCloseTo(60)
    // A piece sent to two peers times neither: which one passed it on is unknown.
    seed.sent(shared, 3, 3000)
    seed.sent(other, 3, 3000)
    seed.seen(fast, 3, 3050)
    expect(seed.passOnMs(shared)).toBeNaN()
    expect(seed.passOnMs(other)).toBeNaN()
  })

  it('tells a new peer of one piece no other peer was told of, without handing it out; peers we send to are handed different pieces, lowest first, until every piece went out once', () => {
    const seed = new SuperSeed(N, () => PIECE)
    const peers = [peer(), peer(), peer()]
    const fields = peers.map((p) => seed.admit(p, 0))
    for (const [k, p] of peers.entries()) expect(told(fields[k]!, p)).toEqual([k])
    for (const p of peers) seed.topUp(p, 8 * PIECE)
    const lists = peers.map((p, k) => told(fields[k]!, p))
    const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i)
    expect(lists).toEqual([[0, ...range(3, 10)], [1, ...range(10, 17)], [2, ...range(17, 24)]])
    // The rest (40 pieces) are still handed out once each before any goes out twice.
    const more = peer()
    const field = seed.admit(more, 0)
    seed.topUp(more, 40 * PIECE)
    expect(told(field, more)).toEqual(range(24, 64))
  })

  it('takes back the unsent offers of a peer we choke and hands them out last (it may still ask for them); the choked peer holds none, yet stays told of a piece it lacks', () => {
    const seed = new SuperSeed(N, () => PIECE)
    const choked = peer()
    const chokedField = seed.admit(choked, 0)
    seed.topUp(choked, 4 * PIECE)
    seed.sent(choked, 0, 0)
    seed.reclaim(choked)
    const haves = choked.sent.length
    seed.topUp(choked, 0)
    expect(choked.sent.length).toBe(haves)
    const other = peer()
    const field = seed.admit(other, 0)
    seed.topUp(other, 3 * PIECE)
    expect(told(field, other)).toEqual([4, 5, 6])
    // Once nothing else is left, they go out all the same.
    seed.topUp(other, (N - 1) * PIECE)
    expect(told(field, other).slice(-3)).toEqual([1, 2, 3])
    expect(told(chokedField, choked)).toEqual([0, 1, 2, 3])
  })

  it('hands out first the pieces a peer it was told of already has', () => {
    const { seed, choked } = reclaimedOffers()
    for (const i of [0, 1]) choked.session.pieces!.set(i)
    const other = peer()
    const field = seed.admit(other, 0)
    seed.topUp(other, 4 * PIECE)
    expect(told(field, other)).toEqual([0, 1, 4, 5])
  })

  it('keeps a lone leecher offered the bytes asked for, and offers more as each piece is sent', () => {
    const seed = new SuperSeed(N, () => PIECE)
    const p = peer()
    const first = told(seed.admit(p, 0), p)
    expect(first).toHaveLength(1)
    seed.topUp(p, OFFER_MIN_BYTES)
    const offered = told(new Uint8Array(), p).concat(first)
    expect(offered.length * PIECE).toBeGreaterThanOrEqual(OFFER_MIN_BYTES)
    const haves = p.sent.length
    seed.sent(p, offered[0]!, 0)
    seed.topUp(p, OFFER_MIN_BYTES)
    expect(p.sent.length).toBe(haves + 1)
  })

  it('never offers a piece the peer has', () => {
    const seed = new SuperSeed(N, () => PIECE)
    const has = Array.from({ length: N - 2 }, (_, i) => i)
    const p = peer(has)
    const field = seed.admit(p, 0)
    seed.topUp(p, N * PIECE)
    expect(told(field, p).sort((a, b) => a - b)).toEqual([N - 2, N - 1])
  })

  it('gives a departed peer\'s unsent offers back to the next peers', () => {
    const seed = new SuperSeed(N, () => PIECE)
    const gone = peer()
    const goneField = seed.admit(gone, 0)
    seed.topUp(gone, 4 * PIECE)
    const stays = peer()
    seed.admit(stays, 0)
    seed.topUp(stays, (N - 8) * PIECE)
    gone.session.closed = true
    seed.refresh(0, () => 0, () => true)
    const next = peer()
    const field = seed.admit(next, 0)
    seed.topUp(next, 8 * PIECE)
    expect(told(field, next).sort((a, b) => a - b)).toEqual([...told(goneField, gone), 60, 61, 62, 63].sort((a, b) => a - b))
  })

  it('tells every masked peer everything once every piece has been handed out', () => {
    const seed = new SuperSeed(N, () => PIECE)
    const a = peer()
    const b = peer()
    const fields = [seed.admit(a, 0), seed.admit(b, 0)]
    seed.topUp(a, (N / 2) * PIECE)
    expect(seed.over).toBe(false)
    seed.topUp(b, (N / 2) * PIECE)
    seed.refresh(0, () => 0, () => true)
    expect(seed.over).toBe(true)
    expect(new Set(told(fields[0]!, a)).size).toBe(N)
    expect(new Set(told(fields[1]!, b)).size).toBe(N)
  })

  it('hands out once more a piece sent long ago that few of our peers show (its copies stayed in one corner), but not a fresh one', () => {
    const seed = new SuperSeed(N, () => PIECE)
    const [a, b] = [peer(), peer()]
    seed.admit(a, 0)
    const fieldB = seed.admit(b, 0)
    seed.topUp(a, N * PIECE)
    for (let i = 0; i < N; i++) seed.sent(a, i, i < 60 ? 0 : STUCK_AFTER_MS - 1000)
    // Piece 5 is at one of our peers, the median old piece at eight; 60–63 are fresh and at none.
    const availability = (i: number) => (i === 5 ? 1 : i >= 60 ? 0 : 8)
    seed.refresh(STUCK_AFTER_MS, () => 0, () => true, availability)
    expect(seed.over).toBe(false)
    seed.topUp(b, 4 * PIECE)
    expect(told(fieldB, b)).toEqual([1, 5])
    seed.sent(b, 5, STUCK_AFTER_MS)
    // A piece goes out again at most once: now every piece was, and was passed on.
    seed.refresh(STUCK_AFTER_MS + 1, () => 0, () => true, availability)
    expect(seed.over).toBe(true)
  })

  it('tells a peer every piece once it stays uninterested in its offers (it wants other files)', () => {
    const seed = new SuperSeed(N, () => PIECE)
    const p = peer()
    const field = seed.admit(p, 0)
    p.session.peerInterested = false
    seed.refresh(0, () => 0, () => true)
    seed.refresh(UNMASK_AFTER_MS - 1, () => 0, () => true)
    expect(told(field, p)).toHaveLength(1)
    seed.refresh(UNMASK_AFTER_MS, () => 0, () => true)
    expect(new Set(told(field, p)).size).toBe(N)
  })

  it('hides from a masked peer what it was not told; a piece it asked for anyway and got counts as handed out', () => {
    const seed = new SuperSeed(N, () => PIECE)
    const asker = peer()
    seed.admit(asker, 0)
    expect(seed.hides(asker, 0)).toBe(false)
    expect(seed.hides(asker, 40)).toBe(true)
    expect(seed.hides(peer(), 40)).toBe(false)
    seed.sent(asker, 40, 0)
    const next = peer()
    const field = seed.admit(next, 0)
    seed.topUp(next, N * PIECE)
    expect(told(field, next)).not.toContain(40)
    expect(told(field, next)).toHaveLength(N - 1)
  })

  it('hands a piece out again when the peer it was sent to shows it to nobody within PASS_ON_MS, or leaves first; masks until every piece was passed on', () => {
    const seed = new SuperSeed(N, () => PIECE)
    const [rider, leaver, other] = [peer(), peer(), peer()]
    for (const p of [rider, leaver, other]) seed.admit(p, 0)
    seed.topUp(rider, 2 * PIECE)
    seed.topUp(leaver, 2 * PIECE)
    // Each is sent its offers (2, the other peer's piece to be interested in, waits).
    for (const [p, i] of [[rider, 0], [rider, 3], [leaver, 1], [leaver, 4]] as const) {
      seed.sent(p, i, 0)
      p.session.pieces!.set(i)
    }
    // Piece 3 reached another peer; 0 did not; the leaver goes before 1 and 4 reach anyone.
    const shown = (i: number) => i === 3
    seed.refresh(PASS_ON_MS - 1, () => 0, shown)
    const next = peer()
    const before = seed.admit(next, PASS_ON_MS - 1)
    seed.topUp(next, PIECE)
    // Nothing handed out again yet: a fresh piece (5 and 6 are what rider and leaver are now told of to stay interested).
    expect(told(before, next)).toEqual([7])
    leaver.session.closed = true
    seed.refresh(PASS_ON_MS, () => 0, shown)
    const late = peer()
    const field = seed.admit(late, PASS_ON_MS)
    seed.topUp(late, 4 * PIECE)
    // 2 and 5 wait: peers told of them lack them (and may ask).
    expect(told(field, late)).toEqual([0, 1, 4, 6])
    // Every piece handed out, but the one sent again not yet shown elsewhere: still masking.
    seed.sent(late, 0, PASS_ON_MS)
    seed.topUp(other, N * PIECE)
    seed.refresh(PASS_ON_MS, () => 0, shown)
    expect(seed.over).toBe(false)
    seed.refresh(PASS_ON_MS + 1, () => 0, () => true)
    expect(seed.over).toBe(true)
  })

  it('does not take a copy it sent itself as a piece passed on: a piece sent again stays unpassed while only peers it went to show it', () => {
    const seed = new SuperSeed(N, () => PIECE)
    const [first, second, third] = [peer(), peer(), peer()]
    for (const p of [first, second, third]) seed.admit(p, 0)
    const holders = [first, second, third]
    const shown = (i: number, sentTo: Set<MaskedPeer>) => holders.some((p) => !sentTo.has(p) && p.session.pieces!.get(i))
    seed.sent(first, 0, 0)
    first.session.pieces!.set(0)
    seed.refresh(PASS_ON_MS, () => 0, shown)
    // Handed out again (nobody else showed it), to the second peer: the first one showing it is no sign it spread.
    seed.sent(second, 0, PASS_ON_MS)
    second.session.pieces!.set(0)
    seed.refresh(2 * PASS_ON_MS, () => 0, shown)
    const late = peer()
    const field = seed.admit(late, 2 * PASS_ON_MS)
    seed.topUp(late, PIECE)
    expect(told(field, late)[0]).toBe(0)
    // Once a peer it never went to shows it, it is passed on.
    seed.sent(late, 0, 2 * PASS_ON_MS)
    third.session.pieces!.set(0)
    seed.refresh(2 * PASS_ON_MS + 1, () => 0, shown)
    const after = peer()
    const next = seed.admit(after, 2 * PASS_ON_MS + 1)
    seed.topUp(after, PIECE)
    expect(told(next, after)).not.toContain(0)
  })

  it('takes a masked peer none of whose pieces was ever seen passed on, SINK_AFTER times, for a sink (a free rider); one piece passed on clears it for good', () => {
    const seed = new SuperSeed(N, () => PIECE)
    const [rider, honest, other] = [peer(), peer(), peer()]
    for (const p of [rider, honest, other]) seed.admit(p, 0)
    const passedOn = new Set<number>()
    const shown = (i: number) => passedOn.has(i)
    let t = 0
    for (let k = 0; k < SINK_AFTER; k++) {
      expect(seed.sink(rider)).toBe(false)
      seed.sent(rider, 2 * k, t)
      seed.sent(honest, 2 * k + 1, t)
      // The honest peer's piece loses in time once, then passes on.
      if (k > 0) passedOn.add(2 * k + 1)
      t += PASS_ON_MS
      seed.refresh(t, () => 0, shown)
    }
    expect(seed.sink(rider)).toBe(true)
    expect(seed.sink(honest)).toBe(false)
    // A piece the rider lost, passed on by the peer it went to next: no credit to the rider.
    const shownTo = (i: number, sentTo: Set<MaskedPeer>) => i === 0 && !sentTo.has(other)
    seed.sent(honest, 0, t)
    seed.refresh(t, () => 0, shownTo)
    expect(seed.sink(rider)).toBe(true)
    // Passed on later: no longer a sink, whatever is lost after.
    seed.sent(rider, 40, t)
    passedOn.add(40)
    seed.refresh(t + 1, () => 0, shown)
    expect(seed.sink(rider)).toBe(false)
    for (const i of [41, 42, 43]) seed.sent(rider, i, t + 1)
    seed.refresh(t + 1 + PASS_ON_MS, () => 0, shown)
    expect(seed.sink(rider)).toBe(false)
  })

  it('counts a 64 KiB piece against its peer LOST_AFTER_MS after it was sent (a larger one later), and hands it out again only at PASS_ON_MS', () => {
    const seed = new SuperSeed(N, () => PIECE)
    const [rider, other] = [peer(), peer()]
    for (const p of [rider, other]) seed.admit(p, 0)
    for (let k = 0; k < SINK_AFTER; k++) {
      seed.sent(rider, k, 0)
      rider.session.pieces!.set(k)
    }
    seed.refresh(LOST_AFTER_MS - 1, () => 0, () => false)
    expect(seed.sink(rider)).toBe(false)
    seed.refresh(LOST_AFTER_MS, () => 0, () => false)
    expect(seed.sink(rider)).toBe(true)
    const field = seed.admit(peer(), LOST_AFTER_MS)
    expect(bitfieldIndexes(field)).not.toContain(0)
    seed.refresh(PASS_ON_MS, () => 0, () => false)
    expect(bitfieldIndexes(seed.admit(peer(), PASS_ON_MS))).toEqual([0])
    // A 256 KiB piece takes four times as long to pass on: it is lost only when handed out again.
    const big = new SuperSeed(N, () => 4 * PIECE)
    const slow = peer()
    for (const p of [slow, peer()]) big.admit(p, 0)
    for (let k = 0; k < SINK_AFTER; k++) big.sent(slow, k, 0)
    big.refresh(PASS_ON_MS - 1, () => 0, () => false)
    expect(big.sink(slow)).toBe(false)
    big.refresh(PASS_ON_MS, () => 0, () => false)
    expect(big.sink(slow)).toBe(true)
  })

  it('takes a piece sent again after it was seen passed on for no sign of the peer passing it on: no credit, no timing', () => {
    const seed = new SuperSeed(N, () => PIECE)
    const [first, rider, other] = [peer(), peer(), peer()]
    for (const p of [first, rider, other]) seed.admit(p, 0)
    const holders = new Map<number, MaskedPeer[]>()
    const shown = (i: number, sentTo: Set<MaskedPeer>) => (holders.get(i) ?? []).some((p) => !sentTo.has(p))
    seed.sent(first, 0, 0)
    holders.set(0, [first, other])
    seed.refresh(10, () => 0, shown)
    // Piece 0 goes out again (a stuck piece, or a peer told every piece asked for it): the swarm already shows it.
    seed.sent(rider, 0, 1000)
    seed.seen(other, 0, 1020)
    for (let k = 1; k <= SINK_AFTER; k++) seed.sent(rider, k, 1000)
    seed.refresh(1010, () => 0, shown)
    expect(seed.passOnMs(rider)).toBeNaN()
    seed.refresh(1000 + PASS_ON_MS, () => 0, shown)
    expect(seed.sink(rider)).toBe(true)
  })

  it('never takes an unmasked peer for a sink: a lone leecher has nobody to pass pieces on to', () => {
    const seed = new SuperSeed(N, () => PIECE)
    const lone = peer()
    for (let k = 0; k < SINK_AFTER + 1; k++) {
      seed.sent(lone, k, k * PASS_ON_MS)
      seed.refresh((k + 1) * PASS_ON_MS, () => 0, () => false)
    }
    expect(seed.sink(lone)).toBe(false)
  })

  it('offers a peer no more while it holds MAX_UNPASSED_BYTES that nobody else shows, once any peer passed a piece on; pieces seen passed on make room', () => {
    const seed = new SuperSeed(N, () => PIECE)
    const [slow, fast, other] = [peer(), peer(), peer()]
    const slowField = seed.admit(slow, 0)
    for (const p of [fast, other]) seed.admit(p, 0)
    const haves = (p: { sent: WireMessage[] }) => p.sent.filter((m) => m.type === 'have').length
    const cap = MAX_UNPASSED_BYTES / PIECE
    const sentToSlow: number[] = []
    const sendOffers = (at: number) => {
      for (const i of told(slowField, slow)) {
        if (sentToSlow.includes(i)) continue
        sentToSlow.push(i)
        seed.sent(slow, i, at)
      }
    }
    seed.topUp(slow, cap * PIECE)
    sendOffers(100)
    // Nobody passed a piece on yet (our peers may not reach each other): offered more all the same.
    let before = haves(slow)
    seed.topUp(slow, cap * PIECE)
    expect(haves(slow) - before).toBe(cap)
    sendOffers(200)
    seed.topUp(fast, PIECE)
    seed.sent(fast, 40, 300)
    other.session.pieces!.set(40)
    seed.refresh(400, () => 0, (i, sentTo) => [slow, fast, other].some((p) => !sentTo.has(p) && p.session.pieces!.get(i)))
    before = haves(slow)
    seed.topUp(slow, cap * PIECE)
    expect(haves(slow) - before).toBeLessThanOrEqual(1) // at most a piece to stay interested in, not claimed
    expect(seed.hides(slow, 42)).toBe(true)
    // All but cap − 2 of its pieces show at another peer: room again.
    for (const i of sentToSlow.slice(0, cap + 2)) seed.seen(other, i, 500)
    before = haves(slow)
    seed.topUp(slow, cap * PIECE)
    expect(haves(slow) - before).toBeGreaterThanOrEqual(cap - 1)
  })
})
