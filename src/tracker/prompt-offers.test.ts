import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { UDP_SETTLE_MS, offerAtOnce, promptPeers, sendOnUdpCandidates, udpKindsToWaitFor, type GatheringPeer } from './prompt-offers.ts'

type Candidate = { type: string; protocol: string } | null

/** A stand-in for simple-peer's Peer: an RTCPeerConnection that fires what it is told, and emitted events. */
class FakePeer implements GatheringPeer {
  emitted: string[] = []
  offers = 0
  _iceComplete = false
  readonly #listeners: ((event: { candidate: Candidate }) => void)[] = []
  readonly _pc = { addEventListener: (_type: 'icecandidate', fn: (event: { candidate: Candidate }) => void) => void this.#listeners.push(fn) }

  constructor(
    readonly config: RTCConfiguration = { iceServers: [] },
    readonly initiator = true,
  ) {
    // simple-peer: the constructor queues the negotiation, which defers the offer to a timer.
    queueMicrotask(() => setTimeout(() => this._createOffer(), 0))
  }

  _createOffer(): void {
    this.offers++
  }

  emit(event: string): void {
    this.emitted.push(event)
  }

  candidate(candidate: Candidate): void {
    if (candidate === null && !this._iceComplete) {
      this._iceComplete = true // simple-peer's own end of gathering
      this.emit('_iceComplete')
    }
    for (const fn of this.#listeners) fn({ candidate })
  }
}

describe('which UDP candidates are worth waiting for', () => {
  it('host alone without servers, srflx with STUN, relay with TURN, only relay under a relay policy', () => {
    expect([...udpKindsToWaitFor({ iceServers: [] })]).toEqual(['host'])
    expect([...udpKindsToWaitFor()]).toEqual(['host'])
    expect(udpKindsToWaitFor({ iceServers: [{ urls: ['stun:stun.example:3478'] }] })).toEqual(new Set(['host', 'srflx']))
    const both = { iceServers: [{ urls: 'stun:a.example' }, { urls: ['turns:b.example:443'], username: 'u', credential: 'c' }] }
    expect(udpKindsToWaitFor(both)).toEqual(new Set(['host', 'srflx', 'relay']))
    expect(udpKindsToWaitFor({ ...both, iceTransportPolicy: 'relay' })).toEqual(new Set(['relay']))
  })
})

describe('sending a description on its UDP candidates', () => {
  beforeEach(() => void vi.useFakeTimers())
  afterEach(() => void vi.useRealTimers())

  it('completes once a host UDP candidate settled, without waiting for TCP ones', () => {
    const peer = new FakePeer()
    sendOnUdpCandidates(peer)
    peer.candidate({ type: 'host', protocol: 'tcp' })
    vi.advanceTimersByTime(UDP_SETTLE_MS * 5)
    expect(peer.emitted).toEqual([])
    peer.candidate({ type: 'host', protocol: 'udp' })
    vi.advanceTimersByTime(UDP_SETTLE_MS - 1)
    expect(peer.emitted).toEqual([])
    peer.candidate({ type: 'host', protocol: 'udp' }) // another network's: wait for it to settle too
    vi.advanceTimersByTime(UDP_SETTLE_MS - 1)
    expect(peer.emitted).toEqual([])
    vi.advanceTimersByTime(1)
    expect(peer.emitted).toEqual(['_iceComplete'])
    expect(peer._iceComplete).toBe(true)
    peer.candidate(null) // gathering ends later: simple-peer's own check keeps it to one
    expect(peer.emitted).toEqual(['_iceComplete'])
  })

  it('with a STUN server, waits for the reflexive candidate; if it never comes, gathering ends as before', () => {
    const stun = { iceServers: [{ urls: 'stun:stun.example' }] }
    const reached = new FakePeer(stun)
    sendOnUdpCandidates(reached)
    reached.candidate({ type: 'host', protocol: 'udp' })
    vi.advanceTimersByTime(UDP_SETTLE_MS * 5)
    expect(reached.emitted).toEqual([])
    reached.candidate({ type: 'srflx', protocol: 'udp' })
    vi.advanceTimersByTime(UDP_SETTLE_MS)
    expect(reached.emitted).toEqual(['_iceComplete'])

    const unreachable = new FakePeer(stun)
    sendOnUdpCandidates(unreachable)
    unreachable.candidate({ type: 'host', protocol: 'udp' })
    unreachable.candidate({ type: 'host', protocol: 'tcp' })
    unreachable.candidate(null)
    vi.advanceTimersByTime(UDP_SETTLE_MS * 5)
    expect(unreachable.emitted).toEqual(['_iceComplete'])
  })

  it('does not complete twice when gathering ended while settling', () => {
    const peer = new FakePeer()
    sendOnUdpCandidates(peer)
    peer.candidate({ type: 'host', protocol: 'udp' })
    peer.candidate(null)
    vi.advanceTimersByTime(UDP_SETTLE_MS)
    expect(peer.emitted).toEqual(['_iceComplete'])
  })
})

describe('making the first offer at once', () => {
  it('offers in a microtask, swallows the deferred call once, and lets later negotiations through', async () => {
    const peer = new FakePeer()
    offerAtOnce(peer)
    expect(peer.offers).toBe(0)
    await Promise.resolve()
    await Promise.resolve()
    expect(peer.offers).toBe(1)
    await new Promise((resolve) => setTimeout(resolve, 5)) // simple-peer's timer fired and was swallowed
    expect(peer.offers).toBe(1)
    peer._createOffer() // a renegotiation
    expect(peer.offers).toBe(2)
  })

  it('leaves answering peers alone', async () => {
    const peer = new FakePeer({ iceServers: [] }, false)
    offerAtOnce(peer)
    await new Promise((resolve) => setTimeout(resolve, 5))
    expect(peer.offers).toBe(1) // only the fake's own deferred call
  })

  it('applies to every peer a tracker makes from then on', async () => {
    const made: FakePeer[] = []
    const tracker = { _createPeer: (opts?: object) => (made.push(new FakePeer({ iceServers: [] }, (opts as { initiator?: boolean } | undefined)?.initiator ?? false)), made.at(-1)) }
    promptPeers([tracker])
    tracker._createPeer({ initiator: true })
    await Promise.resolve()
    await Promise.resolve()
    expect(made[0]!.offers).toBe(1)
    vi.useFakeTimers()
    try {
      made[0]!.candidate({ type: 'host', protocol: 'udp' })
      vi.advanceTimersByTime(UDP_SETTLE_MS)
      expect(made[0]!.emitted).toEqual(['_iceComplete'])
    } finally {
      vi.useRealTimers()
    }
  })
})
