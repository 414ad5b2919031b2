// A tiny static server for WebTorrent peer pages: WebTorrent's prebuilt bundle and its service worker
// from one real loopback origin (a fresh one per peer), with `Service-Worker-Allowed: /` so that
// dist/sw.min.js can control scope `/` (LAB.md pitfall 7). Also a blank page for raw WebRTC.
import { readFile } from 'node:fs/promises'
import { createServer, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { resolve } from 'node:path'

/** The prebuilt bundles: WebTorrent 3 (`webtorrent`) and 2.8.5 (`webtorrent-2`, an npm alias). */
export type WtPackage = 'webtorrent' | 'webtorrent-2'

export function wtDist(pkg: WtPackage): string {
  return resolve(import.meta.dirname, '..', '..', 'node_modules', pkg, 'dist')
}

const PEER_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>WebTorrent peer (bench)</title></head>
<body><input type="file" id="files" multiple>
<script type="module">
import WebTorrent from '/webtorrent.min.js'
window.WebTorrent = WebTorrent
window.wtReady = true
</script></body></html>`

const BLANK_PAGE = '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>bench</title></head><body></body></html>'

export interface WtServer {
  url: string
  close(): Promise<void>
}

/** Serves `pkg`'s bundle on `host` (a loopback address), port chosen by the OS. */
export async function startWtServer(host: string, pkg: WtPackage = 'webtorrent'): Promise<WtServer> {
  const dist = wtDist(pkg)
  const sockets = new Set<Socket>()
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname
    serve(dist, path, res).catch((err: unknown) => {
      res.writeHead(500, { 'Content-Type': 'text/plain' })
      res.end(`Server error: ${(err as Error).message}\n`)
    })
  })
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((done, fail) => {
    server.once('error', fail)
    server.listen(0, host, done)
  })
  const { port } = server.address() as AddressInfo
  return {
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((done) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => done())
      }),
  }
}

async function serve(dist: string, path: string, res: ServerResponse): Promise<void> {
  const html = { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' }
  const js = { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'no-store' }
  if (path === '/') return void res.writeHead(200, html).end(PEER_PAGE)
  if (path === '/favicon.ico') return void res.writeHead(204).end()
  if (path === '/blank.html') return void res.writeHead(200, html).end(BLANK_PAGE)
  if (path === '/webtorrent.min.js') return void res.writeHead(200, js).end(await readFile(resolve(dist, 'webtorrent.min.js')))
  if (path === '/sw.min.js') {
    return void res.writeHead(200, { ...js, 'Service-Worker-Allowed': '/' }).end(await readFile(resolve(dist, 'sw.min.js')))
  }
  res.writeHead(404, { 'Content-Type': 'text/plain' }).end(`No ${path} here.\n`)
}
