import { describe, expect, it } from 'vitest'
import { HIGH_WATER_MARK, LOW_WATER_MARK } from '../transport/peer-channel.ts'
import type { TrackerFactoryOptions } from '../torrent/torrent-tracker.ts'
import { Link } from './link.ts'
import { fork } from './random.ts'
import { SimChannel, type Endpoint } from './sim-channel.ts'
import { SimClock } from './sim-clock.ts'
import { SimTrackerServer } from './sim-tracker.ts'

function host(clock: SimClock, up: number, down: number, latencyMs: number): Endpoint {
  return { up: new Link(clock, up), down: new Link(clock, down), latencyMs }
}

describe('SimClock', () => {
  it('fires timers by (rounded time, insertion), never cleared ones, and drains promise jobs before time moves on', async () => {
    const clock = new SimClock(1)
    const log: string[] = []
    clock.setTimeout(() => log.push('b@2'), 1.2)
    clock.setTimeout(() => log.push('a@1'), 0.4)
    const gone = clock.setTimeout(() => log.push('never'), 1)
    clock.setTimeout(() => {
      log.push('c@2')
      void Promise.resolve().then(() => log.push(`job@${clock.now()}`))
    }, 2)
    clock.setTimeout(() => log.push('d@3'), 3)
    clock.clearTimeout(gone)
    await clock.run(Infinity)
    expect(log).toEqual(['a@1', 'b@2', 'c@2', 'job@2', 'd@3'])
  })

  it('keeps only live timers when many are cleared (peer sessions reset idle timers per chunk)', async () => {
    const clock = new SimClock(1)
    let fired = 0
    for (let i = 0; i < 5000; i++) clock.clearTimeout(clock.setTimeout(() => fired--, 100))
    for (let i = 0; i < 10; i++) clock.setTimeout(() => fired++, 50 + i)
    expect(clock.pending).toBe(10)
    await clock.run(Infinity)
    expect(fired).toBe(10)
    expect(clock.now()).toBe(59)
  })
})

describe('SimChannel', () => {
  it('delivers every send in order after the path latency, a block at the uplink rate', async () => {
    const clock = new SimClock(0.1)
    const [a, b] = SimChannel.pair(clock, host(clock, 1e6, 10e6, 10), host(clock, 1e6, 10e6, 15), ['b', 'a'])
    const got: [number, number][] = []
    b.on('data', (chunk) => got.push([Math.round(clock.now() * 10) / 10, chunk.length]))
    a.send(new Uint8Array(9))
    a.send(new Uint8Array(16384))
    a.send(new Uint8Array(5))
    await clock.run(Infinity)
    // 9 bytes ride free (25 ms path); the block takes 16.4 ms on the 1 MB/s uplink, 1.6 ms on the
    // 10 MB/s downlink, and the 5 bytes behind it arrive with it.
    expect(got).toEqual([
      [25, 9],
      [43.1, 16384],
      [43.1, 5],
    ])
  })

  it('counts what is queued in bufferedAmount and fires drain once it falls to the low-water mark', async () => {
    const clock = new SimClock(1)
    const [a, b] = SimChannel.pair(clock, host(clock, 1e6, 1e9, 5), host(clock, 1e6, 1e9, 5), ['b', 'a'])
    let received = 0
    b.on('data', (chunk) => (received += chunk.length))
    const drained: number[] = []
    a.on('drain', () => drained.push(a.bufferedAmount))
    const blocks = HIGH_WATER_MARK / 16384
    for (let i = 0; i < blocks; i++) a.send(new Uint8Array(16384))
    expect(a.bufferedAmount).toBeGreaterThan(HIGH_WATER_MARK - 2 * 16384)
    await clock.run(Infinity)
    expect(received).toBe(HIGH_WATER_MARK)
    expect(drained).toHaveLength(1)
    expect(drained[0]).toBeLessThanOrEqual(LOW_WATER_MARK)
    // 1 MiB at 1 MB/s, plus the 10 ms path.
    expect(clock.now()).toBeGreaterThan(1048)
    expect(clock.now()).toBeLessThan(1070)
  })

  it('shares an uplink between channels, and a slow downlink backs up into the sender’s queue', async () => {
    const clock = new SimClock(1)
    const sender = host(clock, 2e6, 1e9, 5)
    const fast = host(clock, 1e9, 1e9, 5)
    const slow = host(clock, 1e9, 0.5e6, 5)
    const [toFast, atFast] = SimChannel.pair(clock, sender, fast, ['f', 's'])
    const [toSlow, atSlow] = SimChannel.pair(clock, sender, slow, ['s', 's'])
    const arrived = { fast: 0, slow: 0 }
    atFast.on('data', (c) => (arrived.fast += c.length))
    atSlow.on('data', (c) => (arrived.slow += c.length))
    for (let i = 0; i < 400; i++) {
      toFast.send(new Uint8Array(16384))
      toSlow.send(new Uint8Array(16384))
    }
    await clock.run(1000)
    const before = { ...arrived }
    await clock.run(2000)
    // The slow receiver gets its 0.5 MB/s; the uplink's other 1.5 MB/s goes to the fast one.
    expect((arrived.slow - before.slow) / 1e6).toBeCloseTo(0.5, 1)
    expect((arrived.fast - before.fast) / 1e6).toBeCloseTo(1.5, 1)
    expect(toSlow.bufferedAmount).toBeGreaterThan(toFast.bufferedAmount)
  })

  it('closing drops what is queued; the remote sees the close one path latency later', async () => {
    const clock = new SimClock(1)
    const [a, b] = SimChannel.pair(clock, host(clock, 1e5, 1e9, 10), host(clock, 1e9, 1e9, 10), ['b', 'a'])
    let received = 0
    let closedAt = -1
    b.on('data', (c) => (received += c.length))
    b.on('close', () => (closedAt = clock.now()))
    for (let i = 0; i < 10; i++) a.send(new Uint8Array(16384))
    await clock.run(100)
    a.close()
    expect(a.bufferedAmount).toBe(0)
    await clock.run(Infinity)
    expect(closedAt).toBe(120)
    expect(received).toBeLessThan(10 * 16384)
  })
})

describe('SimTrackerServer', () => {
  it('relays at most 5 offers per announce, to other members only, and both ends get a channel', async () => {
    const clock = new SimClock(1)
    const server = new SimTrackerServer({ clock, rng: fork(1, 'tracker'), latencyMs: 10 })
    const channels = new Map<number, number>()
    const clients = Array.from({ length: 12 }, (_, i) => {
      const peerId = new Uint8Array(20).fill(i + 1)
      const opts: TrackerFactoryOptions = { infoHash: new Uint8Array(20), peerId, announce: [], stats: () => ({ uploaded: 0, downloaded: 0, left: 1 }), refuse: () => false }
      const client = server.factory({ endpoint: host(clock, 1e6, 1e6, 10), label: `p${i}` })(opts)
      client.on('peer', () => channels.set(i, (channels.get(i) ?? 0) + 1))
      return client
    })
    for (const c of clients) {
      c.start()
      await clock.run(clock.now() + 100)
    }
    await clock.run(clock.now() + 5000)
    expect(server.size).toBe(12)
    // The first announcer found nobody; each later one offered to min(5, members before it).
    const expected = Array.from({ length: 12 }, (_, i) => Math.min(5, i)).reduce((a, b) => a + b, 0)
    expect(server.offersRelayed).toBe(expected)
    expect([...channels.values()].reduce((a, b) => a + b, 0)).toBe(2 * expected)
    for (const c of clients) c.destroy()
    await clock.run(clock.now() + 100)
    expect(server.size).toBe(0)
  })
})
