import { describe, expect, it } from 'vitest'
import { TrackerStatus, watchTrackers, type TrackerHooks, type WatchedTracker } from './tracker-status.ts'

const URL_A = 'wss://a.example'
const INFO = 'I'.repeat(20)
const ME = 'M'.repeat(20)

describe('TrackerStatus', () => {
  it('goes connecting → connected → failing → connected, saying when the state changed', () => {
    const s = new TrackerStatus(URL_A)
    expect(s.snapshot()).toEqual({ url: URL_A, status: 'connecting', lastAnnounce: null, peers: 0, seeders: 0, leechers: 0 })
    expect(s.connected()).toBe(true)
    expect(s.connected()).toBe(false)
    expect(s.failed('down')).toBe(true)
    expect(s.failed('still down')).toBe(false)
    expect(s.snapshot()).toMatchObject({ status: 'failing', error: 'still down' })
    s.announced(1234, { seeders: 3, leechers: 1 })
    expect(s.snapshot()).toEqual({ url: URL_A, status: 'connected', lastAnnounce: 1234, peers: 0, seeders: 3, leechers: 1 })
  })

  it('keeps the last counts when an answer has none, and counts peers', () => {
    const s = new TrackerStatus(URL_A)
    s.announced(1, { seeders: 2, leechers: 5 })
    s.announced(2, {})
    s.peerConnected()
    s.peerConnected()
    expect(s.snapshot()).toMatchObject({ lastAnnounce: 2, seeders: 2, leechers: 5, peers: 2 })
  })
})

/** A stand-in for bittorrent-tracker's WebSocketTracker: records what its own handlers saw. */
function fakeTracker(url: string, connected = false) {
  const seen: string[] = []
  const tracker: WatchedTracker = {
    announceUrl: url,
    socket: { connected },
    _onSocketConnect: () => seen.push('connect'),
    _onSocketError: (err) => seen.push(`error ${(err as Error).message}`),
    _onSocketClose: () => seen.push('close'),
    _onSocketData: () => seen.push('data'),
    _onAnnounceResponse: () => seen.push('reply'),
  }
  return { tracker, seen }
}

function recordingHooks() {
  const events: string[] = []
  const within: { url: string; muted: boolean }[] = []
  const hooks: TrackerHooks = {
    infoHashBinary: INFO,
    peerIdBinary: ME,
    connected: (url) => events.push(`connected ${url}`),
    failed: (url, reason) => events.push(`failed ${url}: ${reason}`),
    announced: (url, c) => events.push(`announced ${url} ${c.seeders}/${c.leechers}`),
    within: (url, muted, fn) => {
      within.push({ url, muted })
      fn()
    },
  }
  return { hooks, events, within }
}

describe('watchTrackers', () => {
  it('attributes socket events to the tracker, mutes the client warnings they cause, and still runs the originals', () => {
    const { tracker, seen } = fakeTracker(URL_A)
    const { hooks, events, within } = recordingHooks()
    watchTrackers([tracker], hooks)
    tracker._onSocketConnect!()
    tracker._onSocketError!(new Error(`Error connecting to ${URL_A}`))
    tracker._onSocketClose!()
    expect(seen).toEqual(['connect', `error Error connecting to ${URL_A}`, 'close'])
    expect(events).toEqual([
      `connected ${URL_A}`,
      `failed ${URL_A}: could not connect (the server is down, the address is wrong, or a firewall blocks it)`,
      `failed ${URL_A}: the tracker closed the connection`,
    ])
    expect(within).toEqual([
      { url: URL_A, muted: false },
      { url: URL_A, muted: true },
      { url: URL_A, muted: true },
    ])
  })

  it('counts announce answers for this torrent only, and reads a failure reason', () => {
    const { tracker, seen } = fakeTracker(URL_A)
    const { hooks, events, within } = recordingHooks()
    watchTrackers([tracker], hooks)
    tracker._onAnnounceResponse!({ info_hash: 'X'.repeat(20), complete: 9, incomplete: 9 }) // another torrent on a shared socket
    tracker._onAnnounceResponse!({ info_hash: INFO, peer_id: ME, offer: {} }) // our own offer, echoed
    tracker._onAnnounceResponse!({ info_hash: INFO, interval: 120, complete: 4, incomplete: 2 })
    tracker._onAnnounceResponse!({ info_hash: INFO, peer_id: 'P'.repeat(20), offer: {} })
    tracker._onAnnounceResponse!({ info_hash: INFO, 'failure reason': 'torrent not allowed' })
    tracker._onAnnounceResponse!('garbage')
    expect(seen).toHaveLength(6)
    expect(events).toEqual([`announced ${URL_A} 4/2`, `connected ${URL_A}`, `failed ${URL_A}: the tracker refused the announce: torrent not allowed`])
    expect(within.map((w) => w.muted)).toEqual([false, false, false, false, true, false])
  })

  it('sees a socket another torrent already opened as connected', () => {
    const { hooks, events } = recordingHooks()
    watchTrackers([fakeTracker(URL_A, true).tracker, fakeTracker('wss://b.example').tracker], hooks)
    expect(events).toEqual([`connected ${URL_A}`])
  })
})
