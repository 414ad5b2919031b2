import { describe, expect, it } from 'vitest'
import { COUNTS_STALE_MS, IDLE_ANNOUNCE_MS, IdleAnnouncer, MAX_IDLE_ANNOUNCE_MS, PeerSeeker, SEEK_MS, SEEK_PEERS, SEEK_SEEDING_MS, shortOfPeers } from './idle-announce.ts'

/** The times (ms) at which `due` says yes while idle from 0 to `until`, polled every second. */
function announcesWhileIdle(idle: IdleAnnouncer, from: number, until: number): number[] {
  const out: number[] = []
  for (let t = from; t <= until; t += 1000) if (idle.due(true, t)) out.push(t)
  return out
}

describe('IdleAnnouncer', () => {
  it('announces after IDLE_ANNOUNCE_MS of idleness, then backs off by doubling up to the maximum', () => {
    const times = announcesWhileIdle(new IdleAnnouncer(), 0, 600_000)
    expect(times.slice(0, 4)).toEqual([IDLE_ANNOUNCE_MS, 3 * IDLE_ANNOUNCE_MS, 7 * IDLE_ANNOUNCE_MS, 15 * IDLE_ANNOUNCE_MS])
    const gaps = times.slice(1).map((t, i) => t - times[i]!)
    expect(Math.max(...gaps)).toBe(MAX_IDLE_ANNOUNCE_MS)
  })

  it('never announces while the torrent has a useful peer, and a useful peer resets the back-off', () => {
    const idle = new IdleAnnouncer()
    for (let t = 0; t <= 60_000; t += 1000) expect(idle.due(false, t)).toBe(false)
    expect(announcesWhileIdle(idle, 61_000, 200_000).slice(0, 2)).toEqual([71_000, 91_000])
    expect(idle.due(false, 201_000)).toBe(false)
    expect(announcesWhileIdle(idle, 202_000, 230_000)).toEqual([212_000])
  })
})

describe('PeerSeeker', () => {
  /** Polls every second from `from` to `until` while short; `introduced(t)`: peers introduced by then. */
  function seeks(seeker: PeerSeeker, from: number, until: number, introduced: (t: number) => number): number[] {
    const out: number[] = []
    for (let t = from; t <= until; t += 1000) if (seeker.due(true, introduced(t), t)) out.push(t)
    return out
  }

  it('announces every SEEK_MS while each announce brings peers', () => {
    const seeker = new PeerSeeker()
    const times: number[] = []
    // Each announce brings a peer a second later.
    for (let t = 0; t <= 6 * SEEK_MS + 500; t += 1000) if (seeker.due(true, times.filter((a) => a + 1000 <= t).length, t)) times.push(t)
    expect(times).toEqual([1, 2, 3, 4, 5, 6].map((k) => k * SEEK_MS))
  })

  it('seeding, announces every SEEK_SEEDING_MS while each announce brings peers, and doubles from there after one that brought nobody', () => {
    const seeker = new PeerSeeker()
    const times: number[] = []
    // Done and not short first: the wait starts over at the seeder's pace.
    expect(seeker.due(false, 0, 0, true)).toBe(false)
    for (let t = 0; t <= 5000; t += 250) if (seeker.due(true, times.filter((a) => a + 250 <= t).length, t, true)) times.push(t)
    expect(times).toEqual([1, 2, 3, 4, 5].map((k) => k * SEEK_SEEDING_MS))
    // The announce at 5 s brought one more; from 6 s on, none.
    const idle: number[] = []
    for (let t = 6000; t <= 20_000; t += 250) if (seeker.due(true, 5, t, true)) idle.push(t)
    expect(idle).toEqual([6000, 8000, 12_000, 20_000])
  })

  it('doubles the wait after an announce that brought nobody, up to the maximum; not being short for a while keeps the back-off, a peer introduced ends it', () => {
    const seeker = new PeerSeeker()
    const times = seeks(seeker, 0, 600_000, () => 0)
    expect(times.slice(0, 4)).toEqual([SEEK_MS, 3 * SEEK_MS, 7 * SEEK_MS, 15 * SEEK_MS])
    const gaps = times.slice(1).map((t, i) => t - times[i]!)
    expect(Math.max(...gaps)).toBe(MAX_IDLE_ANNOUNCE_MS)
    expect(seeker.due(false, 0, 601_000)).toBe(false)
    expect(seeks(seeker, 602_000, 800_000, () => 0)).toEqual([602_000 + MAX_IDLE_ANNOUNCE_MS])
    // A peer arrived since: the wait is SEEK_MS again (long over), then it doubles after an announce that brings nobody.
    expect(seeks(seeker, 801_000, 801_000 + 6 * SEEK_MS - 1000, () => 1)).toEqual([801_000, 801_000 + 2 * SEEK_MS])
  })
})

describe('shortOfPeers', () => {
  const peers = (n: number, complete: boolean) => Array.from({ length: n }, () => ({ session: { closed: false, pieces: { complete } } }))

  it('downloading, is short of fewer peers than SEEK_PEERS and than the trackers know of', () => {
    expect(shortOfPeers(peers(5, false), [{ seeders: 1, leechers: 5 }], false, 0)).toBe(false)
    expect(shortOfPeers(peers(5, false), [{ seeders: 1, leechers: 40 }], false, 0)).toBe(true)
    expect(shortOfPeers(peers(SEEK_PEERS, false), [{ seeders: 1, leechers: 40 }], false, 0)).toBe(false)
  })

  it('seeding, counts only peers that lack pieces against the trackers\' leechers', () => {
    expect(shortOfPeers([...peers(2, false), ...peers(10, true)], [{ seeders: 11, leechers: 2 }], true, 0)).toBe(false)
    expect(shortOfPeers([...peers(2, false), ...peers(10, true)], [{ seeders: 11, leechers: 3 }], true, 0)).toBe(true)
  })

  it('takes tracker counts older than COUNTS_STALE_MS for no bound: fewer than SEEK_PEERS is short', () => {
    expect(shortOfPeers(peers(2, false), [{ seeders: 1, leechers: 0 }], true, COUNTS_STALE_MS - 1)).toBe(false)
    expect(shortOfPeers(peers(2, false), [{ seeders: 1, leechers: 0 }], true, COUNTS_STALE_MS)).toBe(true)
    expect(shortOfPeers(peers(2, false), [{ seeders: 1, leechers: 2 }], false, 60_000)).toBe(true)
    expect(shortOfPeers(peers(SEEK_PEERS, false), [{ seeders: 1, leechers: 2 }], false, 60_000)).toBe(false)
    // No tracker has answered yet: nothing to seek through.
    expect(shortOfPeers(peers(2, false), [], false, Infinity)).toBe(false)
  })
})
