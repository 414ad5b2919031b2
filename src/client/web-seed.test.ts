import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testClients } from '../test-support/clients.ts'
import { connect, once } from '../test-support/connect.ts'
import { encodeTorrentFile, parseTorrentFile } from '../metainfo/torrent-file.ts'

const files: Record<string, Uint8Array> = {
  '/site/pack/a.bin': new Uint8Array(40_000).map((_, i) => i & 0xff),
  '/site/pack/sub/b.bin': new Uint8Array(30_001).map((_, i) => (i * 3) & 0xff),
  '/lies/pack/a.bin': new Uint8Array(40_000).fill(1),
  '/lies/pack/sub/b.bin': new Uint8Array(30_001).fill(2),
}
let server: Server
let base = ''
const hits: string[] = []

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = decodeURIComponent(req.url ?? '')
    hits.push(url)
    const body = files[url]
    if (!body) return res.writeHead(404).end()
    const m = /bytes=(\d+)-(\d+)/.exec(req.headers.range ?? '')
    if (!m) return res.writeHead(200, { 'content-length': body.length }).end(body)
    const start = Number(m[1])
    const end = Math.min(Number(m[2]), body.length - 1)
    res.writeHead(206, { 'content-range': `bytes ${start}-${end}/${body.length}`, 'content-length': end - start + 1 })
    res.end(body.subarray(start, end + 1))
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => new Promise<void>((r) => server.close(() => r())))

const client = testClients()

async function seedPack() {
  const a = new File([files['/site/pack/a.bin']! as Uint8Array<ArrayBuffer>], 'a.bin')
  const b = new File([files['/site/pack/sub/b.bin']! as Uint8Array<ArrayBuffer>], 'b.bin')
  Object.assign(a, { path: 'pack/a.bin' })
  Object.assign(b, { path: 'pack/sub/b.bin' })
  const seeder = client().seed([a, b], { pieceLength: 16384 })
  await once(seeder, 'ready')
  return seeder
}

async function withWebSeeds(torrentFile: Uint8Array, urls: string[]): Promise<Uint8Array> {
  const meta = await parseTorrentFile(torrentFile)
  return encodeTorrentFile({ info: meta.info.raw, announce: [], urlList: urls })
}

describe('web seeds (BEP 19)', () => {
  it('downloads a multi-file torrent from a web seed alone', async () => {
    const seeder = await seedPack()
    const leecher = client().add(await withWebSeeds(seeder.torrentFile!, [`${base}/site/`]))
    await once(leecher, 'done')
    expect(new Uint8Array(await leecher.files[1]!.arrayBuffer())).toEqual(files['/site/pack/sub/b.bin'])
    expect(leecher.webSeeds[0]!.downloaded).toBeGreaterThan(0)
  })

  it('demotes a web seed that serves wrong bytes and completes from a peer', async () => {
    const seeder = await seedPack()
    const leecher = client().add(await withWebSeeds(seeder.torrentFile!, [`${base}/lies/`]))
    const demoted = new Promise<void>((resolve) => leecher.on('warning', (w) => w.code === 'WEBSEED_DEMOTED' && resolve()))
    await once(leecher, 'ready')
    // Only the web seed serves until it has been caught lying (three whole pieces that failed alone).
    await demoted
    expect(leecher.downloaded).toBe(0)
    expect(leecher.stats!.hashFailures).toBeGreaterThanOrEqual(3)
    expect(leecher.stats!.bannedPeers).toEqual([])
    connect(seeder, leecher)
    await once(leecher, 'done')
    expect(new Uint8Array(await leecher.files[0]!.arrayBuffer())).toEqual(files['/site/pack/a.bin'])
    expect(leecher.webSeeds[0]!.demoted).toBe(true)
  })

  it('survives a web seed that answers 404, fetching everything from a peer', async () => {
    const seeder = await seedPack()
    const leecher = client().add(await withWebSeeds(seeder.torrentFile!, [`${base}/missing/`]))
    await once(leecher, 'ready')
    connect(seeder, leecher)
    await once(leecher, 'done')
    expect(new Uint8Array(await leecher.files[1]!.arrayBuffer())).toEqual(files['/site/pack/sub/b.bin'])
    expect(leecher.webSeeds[0]!.failures).toBeGreaterThan(0)
  })

  it('says a web seed answers 404: its status, and one warning however often it is retried', async () => {
    const seeder = await seedPack()
    const leecher = client().add(await withWebSeeds(seeder.torrentFile!, [`${base}/missing/`]))
    const warnings: { code: string; message: string }[] = []
    leecher.on('warning', (err) => warnings.push(err))
    await once(leecher, 'ready')
    // Retried after 1 s: wait for the second failure.
    while (leecher.webSeeds[0]!.failures < 2) await new Promise((r) => setTimeout(r, 50))
    expect(leecher.webSeeds[0]).toMatchObject({ status: 'failing', httpStatus: 404, error: 'the server answered HTTP 404', downloaded: 0 })
    expect(warnings).toEqual([expect.objectContaining({ code: 'WEBSEED_HTTP', message: expect.stringContaining(`${base}/missing/pack/`) })])
    expect(warnings[0]!.message).toContain('404')
  })
})
