import { EventEmitter } from 'node:events'
import { request } from 'node:http'
import { createServer, type Server as NetServer } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import {
  devTrackerPort,
  injectTrackerMeta,
  localTracker,
  startTracker,
  startTrackerWithFallback,
  type LocalTracker,
} from './local-tracker.ts'

const open: LocalTracker[] = []
afterEach(async () => {
  await Promise.all(open.splice(0).map((t) => t.close()))
})

async function track(p: Promise<LocalTracker>): Promise<LocalTracker> {
  const t = await p
  open.push(t)
  return t
}

function occupy(port = 0): Promise<NetServer> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => resolve(server))
  })
}

function portOf(server: NetServer): number {
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('not bound')
  return address.port
}

/** Performs a WebSocket upgrade handshake; resolves with the response status and the open socket. */
function upgrade(port: number): Promise<{ status: number | undefined; destroy(): void }> {
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1',
      port,
      headers: {
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Version': '13',
        'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
      },
    })
    req.on('upgrade', (res, socket) => resolve({ status: res.statusCode, destroy: () => socket.destroy() }))
    req.on('response', (res) => resolve({ status: res.statusCode, destroy: () => res.destroy() }))
    req.on('error', reject)
    req.end()
  })
}

describe('startTracker', () => {
  it('listens on a free loopback port and accepts WebSocket upgrades', async () => {
    const tracker = await track(startTracker())
    expect(tracker.port).toBeGreaterThan(0)
    expect(tracker.url).toBe(`ws://127.0.0.1:${tracker.port}`)
    const ws = await upgrade(tracker.port)
    expect(ws.status).toBe(101)
    ws.destroy()
    expect(tracker.stats()).toEqual({ torrents: 0, seeders: 0, leechers: 0, swarms: {} })
  })

  it('close() frees the port even while a WebSocket is open', async () => {
    const tracker = await startTracker()
    const ws = await upgrade(tracker.port)
    expect(ws.status).toBe(101)
    await tracker.close()
    await tracker.close() // idempotent
    const again = await occupy(tracker.port)
    expect(portOf(again)).toBe(tracker.port)
    again.close()
    ws.destroy()
  })

  it('rejects when the port is taken, and the fallback picks another one', async () => {
    const busy = await occupy()
    try {
      const port = portOf(busy)
      await expect(startTracker({ port })).rejects.toMatchObject({ code: 'EADDRINUSE' })
      const tracker = await track(startTrackerWithFallback(port))
      expect(tracker.port).not.toBe(port)
      expect(tracker.port).toBeGreaterThan(0)
    } finally {
      busy.close()
    }
  })

  it('rejects an invalid port', async () => {
    await expect(startTracker({ port: 70000 })).rejects.toThrow(/0 to 65535/)
  })
})

describe('devTrackerPort', () => {
  it('defaults to 8000 and reads SWARMSTREAM_TRACKER_PORT', () => {
    expect(devTrackerPort({})).toBe(8000)
    expect(devTrackerPort({ SWARMSTREAM_TRACKER_PORT: '' })).toBe(8000)
    expect(devTrackerPort({ SWARMSTREAM_TRACKER_PORT: '0' })).toBe(0)
    expect(devTrackerPort({ SWARMSTREAM_TRACKER_PORT: '9123' })).toBe(9123)
    expect(() => devTrackerPort({ SWARMSTREAM_TRACKER_PORT: 'abc' })).toThrow(/SWARMSTREAM_TRACKER_PORT/)
  })
})

describe('injectTrackerMeta', () => {
  const meta = '<meta name="swarmstream-tracker" content="ws://127.0.0.1:8000">'
  it('inserts the tag at the start of <head>', () => {
    expect(injectTrackerMeta('<html><head lang="en"><title>x</title></head></html>', 'ws://127.0.0.1:8000')).toBe(
      `<html><head lang="en">${meta}<title>x</title></head></html>`,
    )
  })
  it('prepends the tag when there is no <head>', () => {
    expect(injectTrackerMeta('<p>hi</p>', 'ws://127.0.0.1:8000')).toBe(`${meta}<p>hi</p>`)
  })
})

describe('localTracker plugin', () => {
  type Hook = (...args: unknown[]) => unknown
  const hook = (plugin: ReturnType<typeof localTracker>, name: 'configureServer' | 'transformIndexHtml'): Hook => {
    const h = plugin[name] as Hook | { handler: Hook }
    return typeof h === 'function' ? h : h.handler
  }
  function fakeServer() {
    const logs: string[] = []
    const httpServer = new EventEmitter()
    return { logs, httpServer, server: { config: { logger: { info: (m: string) => logs.push(m) } }, httpServer } }
  }

  it('starts no tracker under Vitest', async () => {
    expect(process.env['VITEST']).toBeTruthy()
    const plugin = localTracker()
    const { server, logs } = fakeServer()
    await hook(plugin, 'configureServer')(server)
    expect(logs).toEqual([])
    expect(hook(plugin, 'transformIndexHtml')('<html></html>')).toBeUndefined()
  })

  it('in dev, starts the tracker, injects the meta tag and stops with the server', async () => {
    const saved = { vitest: process.env['VITEST'], port: process.env['SWARMSTREAM_TRACKER_PORT'] }
    delete process.env['VITEST']
    process.env['SWARMSTREAM_TRACKER_PORT'] = '0'
    try {
      const plugin = localTracker()
      const { server, logs, httpServer } = fakeServer()
      await hook(plugin, 'configureServer')(server)
      const tags = hook(plugin, 'transformIndexHtml')('<html></html>') as { attrs: { content: string } }[]
      const url = tags[0]?.attrs.content ?? ''
      expect(url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/)
      expect(logs.join('\n')).toContain(url)
      const port = Number(url.split(':').pop())
      expect((await upgrade(port)).status).toBe(101)
      httpServer.emit('close')
      expect(hook(plugin, 'transformIndexHtml')('<html></html>')).toBeUndefined()
      await new Promise((r) => setTimeout(r, 50))
      const reuse = await occupy(port)
      reuse.close()
    } finally {
      process.env['VITEST'] = saved.vitest
      if (saved.port === undefined) delete process.env['SWARMSTREAM_TRACKER_PORT']
      else process.env['SWARMSTREAM_TRACKER_PORT'] = saved.port
    }
  })
})
