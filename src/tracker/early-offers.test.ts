import { describe, expect, it } from 'vitest'
import { OFFERS_PER_ANNOUNCE, startOffersEarly, type OfferingTracker } from './early-offers.ts'

/** A stand-in for bittorrent-tracker's WebSocketTracker: its offer generation lives on the prototype and finishes when told. */
class FakeTracker implements OfferingTracker {
  socket: { connected: boolean } = { connected: false }
  peers: object | null = {}
  calls: { numwant: number; finish: () => void }[] = []
  #made = 0
  _generateOffers(numwant: number, cb: (offers: unknown[]) => void): void {
    const batch = Array.from({ length: numwant }, () => `offer-${++this.#made}`)
    this.calls.push({ numwant, finish: () => cb(batch) })
  }
}

const received = () => {
  const got: unknown[][] = []
  return { got, cb: (offers: unknown[]) => got.push(offers) }
}

describe('early WebRTC offers', () => {
  it('starts the offers while the socket connects and hands them to the first announce', () => {
    const tracker = new FakeTracker()
    startOffersEarly([tracker])
    expect(tracker.calls.map((c) => c.numwant)).toEqual([OFFERS_PER_ANNOUNCE])
    tracker.calls[0]!.finish() // gathered before the socket opened
    const first = received()
    tracker._generateOffers(OFFERS_PER_ANNOUNCE, first.cb)
    expect(first.got).toEqual([['offer-1', 'offer-2', 'offer-3', 'offer-4', 'offer-5']])
    expect(tracker.calls).toHaveLength(1)

    const second = received()
    tracker._generateOffers(OFFERS_PER_ANNOUNCE, second.cb)
    expect(tracker.calls).toHaveLength(2) // later announces make fresh offers
    tracker.calls[1]!.finish()
    expect(second.got[0]).toEqual(['offer-6', 'offer-7', 'offer-8', 'offer-9', 'offer-10'])
  })

  it('an announce that comes before the offers are ready gets them when they are', () => {
    const tracker = new FakeTracker()
    startOffersEarly([tracker])
    const first = received()
    tracker._generateOffers(OFFERS_PER_ANNOUNCE, first.cb)
    expect(first.got).toEqual([])
    tracker.calls[0]!.finish()
    expect(first.got).toHaveLength(1)
    expect(tracker.calls).toHaveLength(1)
  })

  it('does not use offers whose peers a reconnect destroyed, nor a batch of another size', () => {
    const reconnected = new FakeTracker()
    startOffersEarly([reconnected])
    reconnected.calls[0]!.finish()
    reconnected.peers = {} // the socket failed: bittorrent-tracker destroyed those peers and starts afresh
    const afterReconnect = received()
    reconnected._generateOffers(OFFERS_PER_ANNOUNCE, afterReconnect.cb)
    expect(reconnected.calls).toHaveLength(2)
    reconnected.calls[1]!.finish()
    expect(afterReconnect.got[0]).toEqual(['offer-6', 'offer-7', 'offer-8', 'offer-9', 'offer-10'])

    const fewer = new FakeTracker()
    startOffersEarly([fewer])
    const two = received()
    fewer._generateOffers(2, two.cb)
    fewer.calls[1]!.finish()
    expect(two.got[0]).toHaveLength(2)
  })

  it('leaves a tracker whose socket is already open (shared with another torrent) alone', () => {
    const tracker = new FakeTracker()
    tracker.socket.connected = true
    startOffersEarly([tracker])
    expect(tracker.calls).toHaveLength(0)
    expect(Object.prototype.hasOwnProperty.call(tracker, '_generateOffers')).toBe(false)
  })
})
