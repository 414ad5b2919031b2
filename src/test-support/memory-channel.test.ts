import { describe, expect, it } from 'vitest'
import { memoryChannelPair } from './memory-channel.ts'
import { VirtualClock } from './virtual-clock.ts'

function arrivals(clock: VirtualClock, end: { on(e: 'data', f: (c: Uint8Array) => void): unknown }): [number, number][] {
  const log: [number, number][] = []
  end.on('data', (chunk) => log.push([clock.now(), chunk.length]))
  return log
}

describe('memory channel on a clock', () => {
  it('delivers after the latency, in order', async () => {
    const clock = new VirtualClock()
    const [a, b] = memoryChannelPair({ clock, latencyMs: 30 })
    const got = arrivals(clock, b)
    a.send(new Uint8Array(1))
    await clock.advance(10)
    a.send(new Uint8Array(2))
    await clock.advance(29)
    expect(got).toEqual([[30, 1]])
    await clock.advance(100)
    expect(got).toEqual([[30, 1], [40, 2]])
  })

  it('queues sends at the channel rate and reports what is still buffered', async () => {
    const clock = new VirtualClock()
    const [a, b] = memoryChannelPair({ clock, latencyMs: 10, bytesPerSecond: 1000 })
    const got = arrivals(clock, b)
    let drains = 0
    a.on('drain', () => drains++)
    a.send(new Uint8Array(100))
    a.send(new Uint8Array(100))
    expect(a.bufferedAmount).toBe(200)
    await clock.advance(100)
    expect(a.bufferedAmount).toBe(100)
    await clock.advance(1000)
    // 100 B at 1000 B/s = 100 ms each, then 10 ms on the wire.
    expect(got).toEqual([[110, 100], [210, 100]])
    expect(a.bufferedAmount).toBe(0)
    expect(drains).toBe(1)
  })

  it('re-chunks deliveries and closes the remote after the data already sent', async () => {
    const clock = new VirtualClock()
    const [a, b] = memoryChannelPair({ clock, latencyMs: 5, bytesPerSecond: 1000, chunkSize: 4 })
    const got = arrivals(clock, b)
    let closedAt = -1
    b.on('close', () => (closedAt = clock.now()))
    a.send(new Uint8Array(10))
    a.close()
    await clock.advance(100)
    expect(got.map(([, n]) => n)).toEqual([4, 4, 2])
    expect(closedAt).toBe(15)
    expect(b.closed).toBe(true)
  })
})
