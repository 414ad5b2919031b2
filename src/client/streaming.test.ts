/** Streaming priorities, limits and pause, on real torrent sessions in virtual time (deterministic order). */
import { describe, expect, it } from 'vitest'
import { bytesEqual } from '../util/bytes.ts'
import { MemoryChunkStore } from '../storage/index.ts'
import { readAll, testClients } from '../test-support/clients.ts'
import { once } from '../test-support/connect.ts'
import { testLabs } from '../test-support/labs.ts'
import { memoryChannelPair } from '../test-support/memory-channel.ts'
import { syncSha1 } from '../test-support/node-hasher.ts'
import { makeMeta } from '../test-support/swarm-lab.ts'
import { START_BYTES, START_MS } from '../torrent/readers.ts'
import { WireDecoder } from '../wire/index.ts'

const newLab = testLabs()
const client = testClients()
const LATENCY = { latencyMs: 5 }

/** A seeder and a leecher of a 256-piece file, and the pieces a reader from piece 100 starts with. */
async function startingReaderLab(fill: (i: number) => number) {
  const lab = newLab()
  const pieceLength = 16384
  const data = new Uint8Array(256 * pieceLength).map((_, i) => fill(i))
  const meta = makeMeta(data, pieceLength, 'clip.bin')
  const seeder = (await lab.seeder(meta)).torrent
  const leecher = (await lab.leecher(meta)).torrent
  const from = 100
  return { lab, data, seeder, leecher, from, startEnd: from + START_BYTES / pieceLength - 1, pieceLength }
}

/** Calls `onRequest` with the piece of each request the leecher sends through `channel`. */
function onRequests(channel: ReturnType<typeof memoryChannelPair>[1], onRequest: (index: number) => void): void {
  const decoder = new WireDecoder()
  const send = channel.send.bind(channel)
  channel.send = (bytes, tail) => {
    for (const e of decoder.push(tail ? new Uint8Array([...bytes, ...tail]) : bytes.slice())) if (e.type === 'request') onRequest(e.index)
    send(bytes, tail)
  }
}

describe('streaming priority', () => {
  it('fetches the pieces a reader waits for before the rest of the torrent', async () => {
    const lab = newLab()
    const data = new Uint8Array(64 * 16384).map((_, i) => (i * 13) & 0xff)
    const meta = makeMeta(data, 16384, 'movie.bin')
    const seeder = (await lab.seeder(meta)).torrent
    const leecher = (await lab.leecher(meta)).torrent
    const order: number[] = []
    leecher.on('verified', (i) => order.push(i))
    const start = 60 * 16384 + 100
    const read = readAll(leecher.files[0]!.stream({ start, end: start + 40_000 }))
    lab.connect(seeder, leecher, LATENCY)
    const bytes = await lab.settle(read, 60_000)
    expect(bytesEqual(bytes, data.subarray(start, start + 40_001))).toBe(true)
    // The pieces under the reader come first, in order, before anything outside its window.
    expect(order.slice(0, 3)).toEqual([60, 61, 62])
    await lab.runUntil(() => leecher.done, 60_000)
    expect(order.slice(3).every((i) => i === 63 || i < 60)).toBe(true)
  })

  it('while a reader starts, asks for nothing beyond its first MiB until it is here; then for the rest', async () => {
    const { lab, data, seeder, leecher, from, startEnd, pieceLength } = await startingReaderLab((i) => (i * 17 + 1) & 0xff)
    const inStart = (i: number) => i >= from && i <= startEnd
    const read = readAll(leecher.files[0]!.stream({ start: from * pieceLength }))
    const [toLeecher, toSeeder] = memoryChannelPair({ clock: lab.clock, latencyMs: 5, bytesPerSecond: 4_000_000 })
    const asked: number[] = []
    let firstOther: { at: number; startHere: boolean } | null = null
    onRequests(toSeeder, (index) => {
      asked.push(index)
      if (!inStart(index)) firstOther ??= { at: lab.clock.now(), startHere: asked.filter(inStart).every((i) => leecher.hasPiece(i)) }
    })
    const startedAt = lab.clock.now()
    seeder.addPeer(toLeecher)
    leecher.addPeer(toSeeder)
    const bytes = await lab.settle(read, 60_000)
    expect(bytesEqual(bytes, data.subarray(from * pieceLength))).toBe(true)
    await lab.runUntil(() => leecher.done, 60_000)
    expect(new Set(asked.slice(0, asked.findIndex((i) => !inStart(i))))).toEqual(new Set(Array.from({ length: startEnd - from + 1 }, (_, k) => from + k)))
    // Well within START_MS at this rate: the start ended because its bytes were here.
    expect(firstOther!.startHere).toBe(true)
    expect(firstOther!.at - startedAt).toBeLessThan(START_MS)
  })

  it('while all a starting reader reads is within reach, the rest waits until a player shows the file', async () => {
    const { lab, seeder, leecher, from, startEnd, pieceLength } = await startingReaderLab((i) => (i * 7 + 3) & 0xff)
    // The player has its first bytes and reads no further for now.
    const first = leecher.files[0]!.stream({ start: from * pieceLength }).getReader()
    const [toLeecher, toSeeder] = memoryChannelPair({ clock: lab.clock, latencyMs: 5, bytesPerSecond: 8_000_000 })
    const beyond: number[] = []
    onRequests(toSeeder, (index) => {
      if (index < from || index > startEnd) beyond.push(lab.clock.now())
    })
    const startedAt = lab.clock.now()
    seeder.addPeer(toLeecher)
    leecher.addPeer(toSeeder)
    expect((await lab.settle(first.read(), 10_000)).value?.length).toBeGreaterThan(0)
    await lab.runUntil(() => Array.from({ length: startEnd - from + 1 }, (_, k) => from + k).every((i) => leecher.hasPiece(i)), 10_000)
    const shownAt = lab.clock.now()
    expect(shownAt - startedAt).toBeLessThan(START_MS / 2)
    // Its first MiB is here, yet nothing else was asked for.
    expect(beyond).toEqual([])
    leecher.files[0]!.playing()
    await lab.runUntil(() => beyond.length > 0, START_MS)
    expect(beyond[0]! - shownAt).toBeLessThan(50)
    await first.cancel()
  })

  it('a reader moving through pieces already asked for cancels nothing: no block is asked for twice', async () => {
    const lab = newLab()
    const data = new Uint8Array(96 * 16384).map((_, i) => (i * 11 + 5) & 0xff)
    const meta = makeMeta(data, 16384, 'seq.bin')
    const seeder = (await lab.seeder(meta)).torrent
    const leecher = (await lab.leecher(meta)).torrent
    const read = readAll(leecher.files[0]!.stream())
    lab.connect(seeder, leecher, LATENCY)
    const bytes = await lab.settle(read, 60_000)
    expect(bytesEqual(bytes, data)).toBe(true)
    const stats = leecher.stats!
    expect({ late: stats.lateBlocks, discarded: stats.discardedBytes }).toEqual({ late: 0, discarded: 0 })
  })

  it('serves many random ranges of one file at once with exactly the original bytes', async () => {
    const lab = newLab()
    const data = new Uint8Array(40 * 16384 + 777).map((_, i) => (i * 7 + 3) & 0xff)
    const meta = makeMeta(data, 32768, 'r.bin')
    const seeder = (await lab.seeder(meta)).torrent
    const leecher = (await lab.leecher(meta, { magnet: true })).torrent
    lab.connect(seeder, leecher, LATENCY)
    await lab.runUntil(() => leecher.ready, 10_000)
    let seed = 42
    const random = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32
    const ranges = Array.from({ length: 12 }, () => {
      const a = Math.floor(random() * data.length)
      const b = Math.min(data.length - 1, a + Math.floor(random() * 100_000))
      return [a, b] as const
    })
    const results = await lab.settle(Promise.all(ranges.map(([a, b]) => readAll(leecher.files[0]!.stream({ start: a, end: b })))), 60_000)
    ranges.forEach(([a, b], i) => expect(bytesEqual(results[i]!, data.subarray(a, b + 1))).toBe(true))
    // Readers preempt each other's requests; the honest seeder's late copies must never look hostile.
    expect(leecher.stats!.dropped).toBe(0)
  })
})

describe("a video's header and end first", () => {
  it('a magnet of a video fetches its head and last piece first, before any reader asks', async () => {
    const lab = newLab()
    const data = new Uint8Array(48 * 16384).map((_, i) => (i * 11) & 0xff)
    const meta = makeMeta(data, 16384, 'movie.mp4')
    const seeder = (await lab.seeder(meta)).torrent
    const leecher = (await lab.leecher(meta, { magnet: true })).torrent
    const order: number[] = []
    leecher.on('verified', (i) => order.push(i))
    lab.connect(seeder, leecher, LATENCY)
    await lab.runUntil(() => order.length >= 5, 10_000)
    // The first 64 KiB (MP4 header, a faststart moov) and the last piece (a moov at the end).
    expect(order.slice(0, 5).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 47])
  })

  it('a file that is no video is fetched in the usual order', async () => {
    const lab = newLab()
    const data = new Uint8Array(48 * 16384).map((_, i) => (i * 11) & 0xff)
    const meta = makeMeta(data, 16384, 'archive.bin')
    const seeder = (await lab.seeder(meta)).torrent
    const leecher = (await lab.leecher(meta, { magnet: true })).torrent
    const order: number[] = []
    leecher.on('verified', (i) => order.push(i))
    lab.connect(seeder, leecher, LATENCY)
    await lab.runUntil(() => order.length >= 5, 10_000)
    expect(order.slice(0, 5).sort((a, b) => a - b)).not.toEqual([0, 1, 2, 3, 47])
  })
})

describe('reading a piece before its storage write commits', () => {
  it('a reader gets a verified piece at once; peers and `verified` hear of it only once it is stored', async () => {
    const lab = newLab()
    const data = new Uint8Array(8 * 16384).map((_, i) => (i * 5) & 0xff)
    const meta = makeMeta(data, 16384, 'clip.bin')
    const seeder = (await lab.seeder(meta)).torrent
    const held: (() => void)[] = []
    // A store whose writes commit only when the test says so (a slow IndexedDB).
    const leecher = (
      await lab.leecher(meta, {
        createStore: async (o) => {
          const store = new MemoryChunkStore(o)
          const put = store.put.bind(store)
          store.put = (index, bytes) => new Promise<void>((resolve, reject) => held.push(() => put(index, bytes).then(resolve, reject)))
          return store
        },
      })
    ).torrent
    const verified: number[] = []
    leecher.on('verified', (i) => verified.push(i))
    const read = readAll(leecher.files[0]!.stream({ start: 0, end: 16383 }))
    lab.connect(seeder, leecher, LATENCY)
    const bytes = await lab.settle(read, 10_000)
    expect(bytesEqual(bytes, data.subarray(0, 16384))).toBe(true)
    expect(verified).toEqual([])
    expect(leecher.hasPiece(0)).toBe(false)
    for (const release of held.splice(0)) release()
    await lab.runUntil(() => verified.includes(0), 1000)
    expect(leecher.hasPiece(0)).toBe(true)
  })
})

describe('bandwidth limits', () => {
  it("caps the seeder's upload rate (a client on a virtual clock)", async () => {
    const lab = newLab()
    const data = new Uint8Array(24 * 16384).map((_, i) => i & 0xff)
    const meta = makeMeta(data, 16384, 'slow.bin')
    // A seed restored from storage: the client re-verifies its pieces, then serves them.
    const limited = client({
      uploadLimit: 200_000,
      clock: lab.clock,
      hasher: syncSha1,
      createStore: async (o) => {
        const store = new MemoryChunkStore(o)
        for (let i = 0; i < 24; i++) await store.put(i, data.subarray(i * 16384, (i + 1) * 16384))
        return store
      },
    })
    const seeder = limited.add(meta.torrentFile, { resume: true })
    await once(seeder, 'done')
    expect(seeder.resumedPieces).toBe(24)
    const leecher = (await lab.leecher(meta)).torrent
    const [a, b] = memoryChannelPair({ clock: lab.clock })
    seeder.addPeer(a)
    leecher.addPeer(b)
    const ms = await lab.runUntil(() => leecher.done, 60_000)
    // 393 KiB at 200 kB/s, less the 20 kB burst: about 1.9 s of virtual time, never much less.
    expect(ms).toBeGreaterThan(1800)
    expect(ms).toBeLessThan(2600)
    expect(limited.uploadLimit).toBe(200_000)
  })
})

describe('pause and resume', () => {
  it('stops requesting while paused and finishes after resume', async () => {
    const lab = newLab()
    const data = new Uint8Array(40 * 16384).map((_, i) => (i * 3) & 0xff)
    const meta = makeMeta(data, 16384, 'p.bin')
    const seeder = (await lab.seeder(meta, { uploadLimit: 300_000 })).torrent
    const leecher = (await lab.leecher(meta)).torrent
    lab.connect(seeder, leecher, LATENCY)
    await lab.runUntil(() => leecher.downloaded > 0, 10_000)
    leecher.pause()
    expect(leecher.paused).toBe(true)
    await lab.advance(400) // blocks already in flight may still land
    const frozen = leecher.downloaded
    expect(frozen).toBeLessThan(data.length)
    await lab.advance(5000)
    expect(leecher.downloaded).toBe(frozen)
    expect(leecher.requestedPieces()).toEqual([])
    leecher.resume()
    await lab.runUntil(() => leecher.done, 60_000)
    expect(bytesEqual(new Uint8Array(await leecher.files[0]!.arrayBuffer()), data)).toBe(true)
  })
})

describe('streams of deselected files', () => {
  it('still fetch the pieces they wait for', async () => {
    const lab = newLab()
    const data = new Uint8Array(30 * 16384).map((_, i) => (i * 17) & 0xff)
    const meta = makeMeta(data, 16384, 'skip.bin')
    const seeder = (await lab.seeder(meta)).torrent
    const leecher = (await lab.leecher(meta)).torrent
    leecher.files[0]!.deselect()
    lab.connect(seeder, leecher, LATENCY)
    await lab.advance(1000)
    expect(leecher.downloaded).toBe(0)
    expect(leecher.done).toBe(true)
    const bytes = await lab.settle(readAll(leecher.files[0]!.stream({ start: 100_000, end: 120_000 })), 10_000)
    expect(bytesEqual(bytes, data.subarray(100_000, 120_001))).toBe(true)
    expect(leecher.progress).toBeGreaterThan(0)
    expect(leecher.progress).toBeLessThan(0.5)
  })
})
