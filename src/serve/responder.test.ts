import { afterEach, describe, expect, it } from 'vitest'
import { Client } from '../client/client.ts'
import { once } from '../test-support/connect.ts'
import { utf8Decode } from '../util/bytes.ts'
import { fileUrl } from './file-url.ts'
import { pump, type PumpPort } from './port-pump.ts'
import type { PageMessage } from './protocol.ts'
import { respond, SANDBOX_CSP, type FileResponse } from './responder.ts'

const clients: Client[] = []
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.destroy()))
})

const data = new Uint8Array(100_000).map((_, i) => (i * 31 + 7) & 0xff)
async function seeded() {
  const client = new Client({ tracker: false, storage: 'memory' })
  clients.push(client)
  const named = (name: string, body: BlobPart) => Object.assign(new File([body], name), { path: `site/${name}` })
  const torrent = client.seed([named('data.bin', data), named('index.html', '<img src="a.svg"><a href="b.html">b</a>'), named('a.svg', '<svg/>')], { pieceLength: 16384 })
  await once(torrent, 'ready')
  const url = (path: string) => `http://app.test${fileUrl(torrent, { path })}`
  return { client, torrent, url }
}

async function bytesOf(res: FileResponse): Promise<Uint8Array> {
  return new Uint8Array(await new Response(res.body).arrayBuffer())
}
const header = (res: FileResponse, name: string) => res.headers.find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1]

describe('respond', () => {
  it('serves the whole file, ranges, suffixes and HEAD with the right headers', async () => {
    const { client, url } = await seeded()
    const full = (await respond({ method: 'GET', url: url('site/data.bin'), range: null }, client))!
    expect(full.status).toBe(200)
    expect(header(full, 'content-length')).toBe('100000')
    expect(header(full, 'accept-ranges')).toBe('bytes')
    expect(header(full, 'content-security-policy')).toBe(SANDBOX_CSP)
    expect(await bytesOf(full)).toEqual(data)
    for (const [range, start, end] of [['bytes=20000-40000', 20000, 40000], ['bytes=99990-', 99990, 99999], ['bytes=-17', 99983, 99999]] as const) {
      const res = (await respond({ method: 'GET', url: url('site/data.bin'), range }, client))!
      expect(res.status, range).toBe(206)
      expect(header(res, 'content-range')).toBe(`bytes ${start}-${end}/100000`)
      expect(header(res, 'content-length')).toBe(String(end - start + 1))
      expect(await bytesOf(res)).toEqual(data.subarray(start, end + 1))
    }
    const head = (await respond({ method: 'HEAD', url: url('site/data.bin'), range: 'bytes=0-9' }, client))!
    expect([head.status, head.body, header(head, 'content-length')]).toEqual([206, null, '10'])
  })

  it('answers 416, 404 and "not here" (null)', async () => {
    const { client, url } = await seeded()
    const outside = (await respond({ method: 'GET', url: url('site/data.bin'), range: 'bytes=100000-' }, client))!
    expect([outside.status, header(outside, 'content-range')]).toEqual([416, 'bytes */100000'])
    const missing = (await respond({ method: 'GET', url: url('site/nope.txt'), range: null }, client))!
    expect(missing.status).toBe(404)
    expect(missing.text).toMatch(/no file "site\/nope.txt"/)
    expect(await respond({ method: 'GET', url: `http://app.test/files/${'0'.repeat(40)}/x`, range: null }, client)).toBeNull()
  })

  it('serves a folder as its index.html, with same-torrent resources inlined for documents', async () => {
    const { client, url } = await seeded()
    const page = (await respond({ method: 'GET', url: url('site/'), range: null, destination: 'iframe' }, client))!
    expect(header(page, 'content-type')).toBe('text/html; charset=utf-8')
    const html = utf8Decode(await bytesOf(page))
    expect(html).toContain(`<img src="data:image/svg+xml;base64,${btoa('<svg/>')}">`)
    expect(html).toContain('<a href="b.html">b</a>')
  })
})

describe('pump', () => {
  it('sends one chunk per pull and stops the file stream on cancel', async () => {
    const { client, url } = await seeded()
    const res = (await respond({ method: 'GET', url: url('site/data.bin'), range: null }, client))!
    const { port1, port2 } = new MessageChannel()
    pump(port1 as unknown as PumpPort, res.body!)
    const received: PageMessage[] = []
    const next = () => new Promise<PageMessage>((resolve) => port2.addEventListener('message', (e) => resolve(e.data as PageMessage), { once: true }))
    port2.start()
    port2.postMessage({ type: 'pull' })
    received.push(await next())
    port2.postMessage({ type: 'pull' })
    received.push(await next())
    expect(received.map((m) => m.type)).toEqual(['chunk', 'chunk'])
    const first = received[0] as { bytes: Uint8Array }
    expect(new Uint8Array(first.bytes)).toEqual(data.subarray(0, first.bytes.length))
    port2.postMessage({ type: 'cancel' })
    const late = await Promise.race([next(), new Promise((r) => setTimeout(() => r('quiet'), 100))])
    expect(late).toBe('quiet')
    port2.close()
  })
})
