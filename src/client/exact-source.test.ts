import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { testClients } from '../test-support/clients.ts'
import { once } from '../test-support/connect.ts'
import { encodeTorrentFile, parseTorrentFile } from '../metainfo/torrent-file.ts'
import type { SwarmstreamError } from '../util/errors.ts'
import { EXACT_SOURCE_GRACE_MS, scheduleExactSource, type ExactSourceTarget } from './exact-source.ts'

const data = new Uint8Array(70_001).map((_, i) => (i * 7 + 3) & 0xff)
const routes = new Map<string, Uint8Array>([['/files/movie.bin', data]])
const hits: string[] = []
let server: Server
let base = ''

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = decodeURIComponent(req.url ?? '')
    hits.push(path)
    const body = routes.get(path)
    if (!body) return res.writeHead(404).end()
    const m = /bytes=(\d+)-(\d+)/.exec(req.headers.range ?? '')
    if (!m) return res.writeHead(200, { 'content-length': body.length }).end(body)
    const [start, end] = [Number(m[1]), Math.min(Number(m[2]), body.length - 1)]
    res.writeHead(206, { 'content-range': `bytes ${start}-${end}/${body.length}`, 'content-length': end - start + 1 }).end(body.subarray(start, end + 1))
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => new Promise<void>((r) => server.close(() => r())))
afterEach(() => {
  hits.length = 0
  vi.useRealTimers()
})

const client = testClients()

/** Seeds the file in a client (to get its .torrent), and serves that .torrent (without web seeds) at `path`. */
async function publish(path: string, bytes = data, name = 'movie.bin'): Promise<{ infoHash: string }> {
  const seeder = client().seed(new File([bytes as Uint8Array<ArrayBuffer>], name), { pieceLength: 16384 })
  await once(seeder, 'ready')
  const meta = await parseTorrentFile(seeder.torrentFile!)
  routes.set(path, encodeTorrentFile({ info: meta.info.raw, announce: [], urlList: [] }))
  const infoHash = seeder.infoHash
  await seeder.destroy()
  return { infoHash }
}

/** Resolves with the torrent's first warning. */
function nextWarning(torrent: { once(e: 'warning', l: (err: SwarmstreamError) => void): unknown }): Promise<SwarmstreamError> {
  return new Promise((resolve) => torrent.once('warning', resolve))
}

describe('xs= (exact source)', () => {
  it('with no tracker and no peer: fetches the .torrent at once, checks it, and completes from the web seed', async () => {
    const { infoHash } = await publish('/t/movie.torrent')
    const magnet = `magnet:?xt=urn:btih:${infoHash}&ws=${encodeURIComponent(`${base}/files/movie.bin`)}&xs=${encodeURIComponent(`${base}/t/movie.torrent`)}`
    const leecher = client().add(magnet)
    await once(leecher, 'done')
    expect(new Uint8Array(await leecher.files[0]!.arrayBuffer())).toEqual(data)
    expect(hits[0]).toBe('/t/movie.torrent')
    expect(leecher.webSeeds[0]!.downloaded).toBe(data.length)
  })

  it('ignores a .torrent of another torrent, with a warning that says so', async () => {
    const { infoHash } = await publish('/t/movie.torrent')
    await publish('/t/other.torrent', data.map((b) => b ^ 1), 'other.bin')
    const leecher = client().add(`magnet:?xt=urn:btih:${infoHash}&xs=${encodeURIComponent(`${base}/t/other.torrent`)}`)
    expect(await nextWarning(leecher)).toMatchObject({ code: 'EXACT_SOURCE_MISMATCH', message: expect.stringContaining('another torrent') })
    expect(leecher.ready).toBe(false)
  })

  it('warns when the .torrent cannot be fetched, and the torrent keeps waiting for peers', async () => {
    const leecher = client().add(`magnet:?xt=urn:btih:${'ab'.repeat(20)}&xs=${encodeURIComponent(`${base}/t/missing.torrent`)}`)
    expect(await nextWarning(leecher)).toMatchObject({ code: 'EXACT_SOURCE_FAILED', message: expect.stringContaining('404') })
    expect(leecher.ready).toBe(false)
    expect(leecher.error).toBeNull()
  })
})

describe('scheduleExactSource', () => {
  function target(over: Partial<ExactSourceTarget> = {}) {
    const settled: (() => void)[] = []
    const state = { ready: false }
    const t: ExactSourceTarget & { settle(): void } = {
      infoHash: 'ab'.repeat(20),
      get ready() {
        return state.ready
      },
      destroyed: false,
      onSettled: (l) => settled.push(l),
      warn: () => undefined,
      useTorrentFile: () => Promise.resolve(),
      settle: () => {
        state.ready = true
        for (const l of settled) l()
      },
      ...over,
    }
    return t
  }

  it('waits the grace period while trackers may bring peers, then asks', async () => {
    vi.useFakeTimers()
    const fetch = vi.fn(() => Promise.resolve(new Response('not a torrent')))
    scheduleExactSource('https://x.example/a.torrent', target(), { immediate: false, fetch })
    await vi.advanceTimersByTimeAsync(EXACT_SOURCE_GRACE_MS - 1)
    expect(fetch).not.toHaveBeenCalled()
    await vi.advanceTimersByTimeAsync(1)
    expect(fetch).toHaveBeenCalledTimes(1)
  })

  it('never asks when a peer gave the metadata during the grace', async () => {
    vi.useFakeTimers()
    const fetch = vi.fn(() => Promise.resolve(new Response('x')))
    const t = target()
    scheduleExactSource('https://x.example/a.torrent', t, { immediate: false, fetch })
    await vi.advanceTimersByTimeAsync(EXACT_SOURCE_GRACE_MS / 2)
    t.settle()
    await vi.advanceTimersByTimeAsync(EXACT_SOURCE_GRACE_MS * 10)
    expect(fetch).not.toHaveBeenCalled()
  })

  it('refuses a URL that is not http(s)', () => {
    const warned: string[] = []
    scheduleExactSource('ftp://x.example/a.torrent', target({ warn: (e) => warned.push(e.code) }), { immediate: true })
    expect(warned).toEqual(['EXACT_SOURCE_FAILED'])
  })
})
