import { describe, expect, it } from 'vitest'
import type { UiTrackerStats, UiWebSeedStats } from './ports.ts'
import { isSourceWarning, noSourceMessage, noSourceWorks, sourceNotice, trackerLine, webSeedLine } from './sources.ts'

const HASH = 'ab'.repeat(20)
const tracker = (url: string, status: UiTrackerStats['status'], extra: Partial<UiTrackerStats> = {}): UiTrackerStats => ({
  url,
  status,
  lastAnnounce: null,
  peers: 0,
  seeders: 0,
  leechers: 0,
  ...(status === 'failing' ? { error: 'could not connect' } : {}),
  ...extra,
})
const seed = (status: UiWebSeedStats['status'], extra: Partial<UiWebSeedStats> = {}): UiWebSeedStats => ({
  url: 'http://127.0.0.1:1/f.bin',
  downloaded: 0,
  failures: 0,
  demoted: status === 'demoted',
  status,
  ...extra,
})
function torrent(over: { trackers?: UiTrackerStats[]; webSeeds?: UiWebSeedStats[]; numPeers?: number; done?: boolean; paused?: boolean }) {
  return { name: 'movie', infoHash: HASH, error: null, done: false, paused: false, numPeers: 0, trackerStats: over.trackers ?? [], webSeeds: over.webSeeds ?? [], ...over }
}
const DEAD = tracker('wss://tracker.public.example', 'failing')
const LIVE = tracker('ws://127.0.0.1:8000', 'connected')

describe('noSourceWorks', () => {
  it('is false while any tracker works or still connects, a web seed works, or a peer is connected', () => {
    expect(noSourceWorks(torrent({ trackers: [DEAD, LIVE] }))).toBe(false)
    expect(noSourceWorks(torrent({ trackers: [DEAD, tracker('ws://x', 'connecting')] }))).toBe(false)
    expect(noSourceWorks(torrent({ trackers: [DEAD], webSeeds: [seed('working')] }))).toBe(false)
    expect(noSourceWorks(torrent({ trackers: [DEAD], webSeeds: [seed('idle')] }))).toBe(false)
    expect(noSourceWorks(torrent({ trackers: [DEAD], numPeers: 1 }))).toBe(false)
  })

  it('is true when every tracker fails and no web seed works and no peer is there', () => {
    expect(noSourceWorks(torrent({ trackers: [DEAD] }))).toBe(true)
    expect(noSourceWorks(torrent({ trackers: [DEAD], webSeeds: [seed('failing', { httpStatus: 404 }), seed('demoted')] }))).toBe(true)
    expect(noSourceWorks(torrent({}))).toBe(true)
    // A finished torrent needs trackers so that peers find it; its web seeds do not help with that.
    expect(noSourceWorks(torrent({ trackers: [DEAD], webSeeds: [seed('idle')], done: true }))).toBe(true)
  })

  it('says nothing for a paused torrent, a failed one, or one without an info hash yet', () => {
    expect(noSourceWorks(torrent({ trackers: [DEAD], paused: true }))).toBe(false)
    expect(noSourceWorks({ ...torrent({ trackers: [DEAD] }), infoHash: '' })).toBe(false)
    expect(noSourceWorks({ ...torrent({ trackers: [DEAD] }), error: new Error('x') })).toBe(false)
  })
})

describe('messages', () => {
  it('names every failing source in the page-wide warning', () => {
    const message = noSourceMessage(torrent({ trackers: [DEAD], webSeeds: [seed('failing', { error: 'HTTP 404', httpStatus: 404 })] }))
    expect(message).toContain('movie: no source works')
    expect(message).toContain('wss://tracker.public.example: could not connect')
    expect(message).toContain('http://127.0.0.1:1/f.bin failing: HTTP 404')
    expect(noSourceMessage(torrent({ trackers: [DEAD], done: true }))).toMatch(/^movie: no peer can find this torrent/)
  })

  it('sums up failing sources in the row, or nothing', () => {
    expect(sourceNotice(torrent({ trackers: [DEAD, LIVE] }))).toBe('1 of 2 trackers failing — see Sources')
    expect(sourceNotice(torrent({ trackers: [LIVE], webSeeds: [seed('failing', { error: 'HTTP 404' })] }))).toBe(
      'web seed http://127.0.0.1:1/f.bin failing: HTTP 404 — see Sources',
    )
    expect(sourceNotice(torrent({ trackers: [LIVE], webSeeds: [seed('working')] }))).toBeNull()
  })

  it('describes a tracker and a web seed in one line each', () => {
    expect(trackerLine(tracker('ws://a', 'connected', { lastAnnounce: 1000, peers: 1, seeders: 2, leechers: 3 }), 13_000)).toBe(
      'connected · last announce 12 s ago · 1 peer from it · 2 S · 3 L',
    )
    expect(trackerLine(DEAD, 0)).toBe('failing: could not connect')
    expect(trackerLine(tracker('ws://a', 'connecting'), 0)).toBe('connecting…')
    expect(webSeedLine(seed('failing', { httpStatus: 404, error: 'the server answered HTTP 404', downloaded: 0 }))).toBe(
      'failing: the server answered HTTP 404 · 0 B served',
    )
    expect(webSeedLine(seed('failing', { httpStatus: 500 }))).toBe('failing: HTTP 500 · 0 B served')
    expect(webSeedLine(seed('working', { downloaded: 2_000_000 }))).toBe('working · 2.0 MB served')
    expect(webSeedLine(seed('idle'))).toBe('not asked yet')
  })

  it('knows which warnings belong to one source', () => {
    expect(isSourceWarning({ code: 'TRACKER_FAILED' })).toBe(true)
    expect(isSourceWarning({ code: 'WEBSEED_HTTP' })).toBe(true)
    expect(isSourceWarning({ code: 'HASH_FAILED' })).toBe(false)
    expect(isSourceWarning({})).toBe(false)
  })
})
