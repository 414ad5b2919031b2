import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { WebSeedError } from './errors.ts'
import { failure, fetchAll, FileServer, putTorrent } from './test-helpers.ts'
import type { WebSeedLayout } from './web-seed-plan.ts'
import { WebSeed } from './web-seed.ts'

const server = new FileServer()
const torrent = (name: string, pieceLength: number, files: [string, number][], prefix: string) => putTorrent(server, name, pieceLength, files, prefix)
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

  it('WEBSEED_NO_RANGE, permanent, when a server ignoring Range would send a file too large to read whole', async () => {
    const huge: WebSeedLayout = { name: 'big', pieceLength: 1024, length: 2 ** 30, files: [{ path: 'big', length: 2 ** 30, offset: 0 }] }
    let cancelled = 0
    const fetch = () => {
      const body = new ReadableStream<Uint8Array>({ cancel: () => void cancelled++ })
      return Promise.resolve(new Response(body, { status: 200 }))
    }
    const seed = new WebSeed('https://cdn.test/big', huge, { fetch })
    const err = await failure(seed.fetchPiece(3, 1024))
    expect(err).toMatchObject({ code: 'WEBSEED_NO_RANGE', permanent: true, httpStatus: 200 })
    expect(err.message).toContain('ignores Range')
    expect(cancelled, 'the body was not read').toBe(1)
    expect(seed.ignoresRange).toBe(true)
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
