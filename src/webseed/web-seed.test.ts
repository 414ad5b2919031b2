import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { concatBytes } from '../util/bytes.ts'
import { SwarmstreamError } from '../util/errors.ts'
import { WebSeedError } from './errors.ts'
import type { WebSeedLayout } from './web-seed-plan.ts'
import { WebSeed } from './web-seed.ts'

type Mode = 'ok' | '404' | '500' | 'wrong-bytes' | 'short' | 'long' | 'wrong-range' | 'ignore-range' | 'html-200' | 'hang'

/** Serves in-memory files under their decoded path, with real Range/206 handling, or misbehaves on purpose. */
class FileServer {
  files = new Map<string, Uint8Array>()
  mode: Mode = 'ok'
  delayMs = 0
  requests: { path: string; range: string | undefined }[] = []
  inFlight = 0
  maxInFlight = 0
  #server: Server = createServer((req, res) => this.#handle(req, res))

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve))
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`
  }

  async stop(): Promise<void> {
    this.#server.closeAllConnections()
    await new Promise((resolve) => this.#server.close(resolve))
  }

  reset(): void {
    this.files.clear()
    this.mode = 'ok'
    this.delayMs = 0
    this.requests = []
    this.maxInFlight = 0
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)
    this.requests.push({ path, range: req.headers.range })
    this.inFlight++
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight)
    res.on('close', () => this.inFlight--)
    setTimeout(() => this.#respond(path, req.headers.range, res), this.delayMs)
  }

  #respond(path: string, range: string | undefined, res: ServerResponse): void {
    const send = (status: number, body: Uint8Array, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'Content-Length': String(body.length), ...headers })
      res.end(body)
    }
    const file = this.files.get(path)
    if (this.mode === 'hang') return
    if (this.mode === '404' || !file) return send(404, new TextEncoder().encode('not found'))
    if (this.mode === '500') return send(500, new TextEncoder().encode('oops'))
    if (this.mode === 'ignore-range') return send(200, file)
    if (this.mode === 'html-200') return send(200, new TextEncoder().encode('<html>welcome</html>'))
    const match = /^bytes=(\d+)-(\d+)$/.exec(range ?? '')
    if (!match) return send(200, file)
    const start = Number(match[1])
    const end = Number(match[2])
    if (end >= file.length || start > end) return send(416, new Uint8Array(0), { 'Content-Range': `bytes */${file.length}` })
    let body: Uint8Array = file.slice(start, end + 1)
    let served = `${start}-${end}`
    if (this.mode === 'wrong-bytes') body = body.map((b) => b ^ 0xff)
    if (this.mode === 'short') body = body.subarray(0, body.length - 1)
    if (this.mode === 'long') body = concatBytes([body, new Uint8Array(7)])
    if (this.mode === 'wrong-range') served = `${start + 1}-${end + 1}`
    send(206, body, { 'Content-Range': `bytes ${served}/${file.length}` })
  }
}

function bytes(length: number, seed: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i * 31 + seed * 17 + 7) & 255)
}

/** Builds the layout and puts the files on the server under `prefix`. */
function torrent(name: string, pieceLength: number, files: [path: string, length: number][], prefix: string): { info: WebSeedLayout; data: Uint8Array } {
  let offset = 0
  const entries = files.map(([path, length], i) => {
    const entry = { path, length, offset }
    offset += length
    server.files.set(prefix + path, bytes(length, i + 1))
    return entry
  })
  const data = concatBytes(files.map(([path]) => server.files.get(prefix + path)!))
  return { info: { name, pieceLength, length: offset, files: entries }, data }
}

async function fetchAll(seed: WebSeed, info: WebSeedLayout): Promise<Uint8Array> {
  const pieces: Uint8Array[] = []
  for (let index = 0; index * info.pieceLength < info.length; index++) {
    pieces.push(await seed.fetchPiece(index, Math.min(info.pieceLength, info.length - index * info.pieceLength)))
  }
  return concatBytes(pieces)
}

async function failure(promise: Promise<unknown>): Promise<SwarmstreamError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  )
  expect(err).toBeInstanceOf(SwarmstreamError)
  return err as SwarmstreamError
}

const server = new FileServer()
let origin = ''
beforeAll(async () => {
  origin = await server.start()
})
afterAll(() => server.stop())
beforeEach(() => server.reset())

describe('WebSeed layouts', () => {
  it('fetches every piece of a single-file torrent whose URL is the file', async () => {
    const { info, data } = torrent('movie.mp4', 1000, [['movie.mp4', 3500]], '/mirror/')
    server.files.set('/renamed.mp4', server.files.get('/mirror/movie.mp4')!)
    const seed = new WebSeed(`${origin}/renamed.mp4`, info)
    expect(await fetchAll(seed, info)).toEqual(data)
    expect(server.requests.map((r) => r.range)).toEqual(['bytes=0-999', 'bytes=1000-1999', 'bytes=2000-2999', 'bytes=3000-3499'])
    expect(new Set(server.requests.map((r) => r.path))).toEqual(new Set(['/renamed.mp4']))
  })

  it('appends the name to a single-file URL ending with /', async () => {
    const { info, data } = torrent('my movie.mp4', 1024, [['my movie.mp4', 2000]], '/mirror/')
    const seed = new WebSeed(`${origin}/mirror/`, info)
    expect(await fetchAll(seed, info)).toEqual(data)
    expect(server.requests.every((r) => r.path === '/mirror/my movie.mp4')).toBe(true)
  })

  it('assembles multi-file pieces across files, skipping a 0-byte file', async () => {
    const { info, data } = torrent(
      'album',
      100,
      [
        ['album/a.bin', 70],
        ['album/empty', 0],
        ['album/sub dir/b#1.bin', 20],
        ['album/c.bin', 30],
        ['album/d.bin', 150],
      ],
      '/seed/',
    )
    const seed = new WebSeed(`${origin}/seed`, info)
    const piece0 = await seed.fetchPiece(0, 100)
    expect(piece0).toEqual(data.subarray(0, 100))
    expect(server.requests.map((r) => `${r.path} ${r.range}`).sort()).toEqual([
      '/seed/album/a.bin bytes=0-69',
      '/seed/album/c.bin bytes=0-9',
      '/seed/album/sub dir/b#1.bin bytes=0-19',
    ])
    expect(await fetchAll(seed, info)).toEqual(data)
    expect(server.requests.some((r) => r.path.endsWith('empty'))).toBe(false)
  })

  it('runs at most 4 range requests at once', async () => {
    const files: [string, number][] = Array.from({ length: 10 }, (_, i) => [`many/f${i}`, 3])
    const { info, data } = torrent('many', 30, files, '/')
    server.delayMs = 40
    const seed = new WebSeed(`${origin}/`, info)
    expect(await seed.fetchPiece(0, 30)).toEqual(data)
    expect(server.requests).toHaveLength(10)
    expect(server.maxInFlight).toBe(4)
  })

  it('slices the piece out of a 200 answer that ignored Range', async () => {
    const { info, data } = torrent('pack', 64, [['pack/x', 100], ['pack/y', 60]], '/')
    server.mode = 'ignore-range'
    const seed = new WebSeed(origin, info)
    expect(await seed.fetchPiece(1, 64)).toEqual(data.subarray(64, 128))
    expect(await fetchAll(seed, info)).toEqual(data)
  })

  it('returns wrong bytes as they are: it never checks hashes', async () => {
    const { info, data } = torrent('f', 50, [['f', 50]], '/')
    server.mode = 'wrong-bytes'
    const piece = await new WebSeed(`${origin}/f`, info).fetchPiece(0, 50)
    expect(piece).toHaveLength(50)
    expect(piece).toEqual(data.map((b) => b ^ 0xff))
  })
})

describe('WebSeed errors', () => {
  const single = () => torrent('f.bin', 50, [['f.bin', 120]], '/').info

  it.each([
    ['404', 404],
    ['500', 500],
  ] as const)('WEBSEED_HTTP for HTTP %s, naming the status and URL', async (mode, status) => {
    const info = single()
    server.mode = mode
    const err = await failure(new WebSeed(`${origin}/f.bin`, info).fetchPiece(1, 50))
    expect(err).toBeInstanceOf(WebSeedError)
    expect(err.code).toBe('WEBSEED_HTTP')
    expect(err.message).toContain(String(status))
    expect(err.message).toContain(`${origin}/f.bin`)
  })

  it('WEBSEED_HTTP when a file of a multi-file piece is missing', async () => {
    const { info } = torrent('d', 100, [['d/a', 40], ['d/b', 40], ['d/c', 40]], '/')
    server.files.delete('/d/b')
    const err = await failure(new WebSeed(`${origin}/`, info).fetchPiece(0, 100))
    expect(err.code).toBe('WEBSEED_HTTP')
    expect(err.message).toContain(`${origin}/d/b`)
  })

  it('WEBSEED_HTTP when the server answers another range', async () => {
    const info = single()
    server.mode = 'wrong-range'
    expect((await failure(new WebSeed(`${origin}/f.bin`, info).fetchPiece(0, 50))).code).toBe('WEBSEED_HTTP')
  })

  it('WEBSEED_HTTP when a server ignoring Range would send a huge file for every piece', async () => {
    const huge: WebSeedLayout = { name: 'big', pieceLength: 1024, length: 2 ** 30, files: [{ path: 'big', length: 2 ** 30, offset: 0 }] }
    const fetch = () => Promise.resolve(new Response(new Uint8Array(16), { status: 200 }))
    const err = await failure(new WebSeed('https://cdn.test/big', huge, { fetch }).fetchPiece(3, 1024))
    expect(err.code).toBe('WEBSEED_HTTP')
    expect(err.message).toContain('200')
  })

  it.each(['short', 'long', 'html-200'] as const)('WEBSEED_LENGTH for a %s body', async (mode) => {
    const info = single()
    server.mode = mode
    const err = await failure(new WebSeed(`${origin}/f.bin`, info).fetchPiece(1, 50))
    expect(err).toBeInstanceOf(WebSeedError)
    expect(err.code).toBe('WEBSEED_LENGTH')
  })

  it('WEBSEED_NETWORK when nothing listens', async () => {
    const closed = new FileServer()
    const url = await closed.start()
    await closed.stop()
    const err = await failure(new WebSeed(`${url}/f.bin`, single()).fetchPiece(0, 50))
    expect(err.code).toBe('WEBSEED_NETWORK')
  })

  it('WEBSEED_NETWORK when fetch throws (e.g. CORS in a browser)', async () => {
    const fetch = () => Promise.reject(new TypeError('Failed to fetch'))
    const err = await failure(new WebSeed('https://cdn.test/f.bin', single(), { fetch }).fetchPiece(0, 50))
    expect(err.code).toBe('WEBSEED_NETWORK')
    expect(err.message).toContain('Failed to fetch')
  })

  it('WEBSEED_TIMEOUT when the server does not answer in time', async () => {
    const info = single()
    server.mode = 'hang'
    const started = Date.now()
    const err = await failure(new WebSeed(`${origin}/f.bin`, info, { timeoutMs: 100 }).fetchPiece(0, 50))
    expect(err.code).toBe('WEBSEED_TIMEOUT')
    expect(Date.now() - started).toBeLessThan(2000)
  })

  it('AbortError when the caller aborts, before or during the request', async () => {
    const info = single()
    const seed = new WebSeed(`${origin}/f.bin`, info)
    expect((await failure(seed.fetchPiece(0, 50, AbortSignal.abort()))).code).toBe('ABORTED')
    expect(server.requests).toHaveLength(0)
    server.mode = 'hang'
    const controller = new AbortController()
    const pending = seed.fetchPiece(0, 50, controller.signal)
    setTimeout(() => controller.abort(), 50)
    expect((await failure(pending)).code).toBe('ABORTED')
  })

  it('rejects a URL a browser cannot fetch', () => {
    expect(() => new WebSeed('ftp://mirror.test/f.bin', single())).toThrow(expect.objectContaining({ code: 'WEBSEED_URL' }))
  })
})
