// Node-only: a local WebSocket BitTorrent tracker (the real `bittorrent-tracker` server) for
// development and end-to-end tests, and a Vite plugin that runs it next to `vite` / `vite preview`.
// Nothing in the browser bundle may import this file.
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import type { Socket } from 'node:net'
import { join, normalize, resolve } from 'node:path'
import Server from 'bittorrent-tracker/server'
import type { Plugin, ResolvedConfig } from 'vite'

export interface TrackerOptions {
  /** TCP port; 0 (the default) picks a free one. */
  port?: number
  /** Interface to bind; default 127.0.0.1 (loopback only). */
  host?: string
}

export interface SwarmStats {
  seeders: number
  leechers: number
}

export interface TrackerStats {
  torrents: number
  seeders: number
  leechers: number
  /** Keyed by info hash (40 hex). */
  swarms: Record<string, SwarmStats>
}

export interface LocalTracker {
  /** e.g. ws://127.0.0.1:8000 */
  url: string
  port: number
  stats(): TrackerStats
  close(): Promise<void>
}

export const TRACKER_META_NAME = 'swarmstream-tracker'
export const TRACKER_PORT_ENV = 'SWARMSTREAM_TRACKER_PORT'
const DEFAULT_DEV_PORT = 8000

/** Starts a WebSocket-only tracker on `host:port` and resolves once it is listening. */
export async function startTracker(opts: TrackerOptions = {}): Promise<LocalTracker> {
  const host = opts.host ?? '127.0.0.1'
  const requested = opts.port ?? 0
  if (!Number.isInteger(requested) || requested < 0 || requested > 65535) {
    throw new RangeError(`Tracker port must be an integer from 0 to 65535, got ${requested}.`)
  }
  const server = new Server({ udp: false, http: false, ws: true, stats: false })
  const sockets = new Set<Socket>()
  let listening = false
  await new Promise<void>((resolveListen, rejectListen) => {
    // One listen failure arrives twice (HTTP server, then re-emitted by the WebSocket server).
    server.on('error', (err: Error) => {
      if (listening) console.error(`[tracker] ${err.message}`)
      else rejectListen(err)
    })
    server.listen(requested, host, () => {
      listening = true
      resolveListen()
    })
  }).catch((err: unknown) => {
    server.close()
    throw err
  })
  const http = server.http
  if (!http) throw new Error('bittorrent-tracker did not create its HTTP server; check the installed version.')
  http.on('connection', (socket: Socket) => {
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
  })
  const address = http.address()
  if (address === null || typeof address === 'string') throw new Error('The tracker is not bound to a TCP port.')
  const port = address.port
  const urlHost = host.includes(':') ? `[${host}]` : host
  let closing: Promise<void> | undefined
  return {
    url: `ws://${urlHost}:${port}`,
    port,
    stats: () => trackerStats(server),
    close() {
      closing ??= new Promise<void>((done) => {
        server.close(() => done())
        // Open WebSockets would keep the HTTP server from closing.
        for (const socket of sockets) socket.destroy()
      })
      return closing
    },
  }
}

function trackerStats(server: Server): TrackerStats {
  const swarms: Record<string, SwarmStats> = {}
  let seeders = 0
  let leechers = 0
  for (const [infoHash, swarm] of Object.entries(server.torrents)) {
    swarms[infoHash] = { seeders: swarm.complete, leechers: swarm.incomplete }
    seeders += swarm.complete
    leechers += swarm.incomplete
  }
  return { torrents: Object.keys(swarms).length, seeders, leechers, swarms }
}

/** Tries `port` first; if it is taken, any free port. */
export async function startTrackerWithFallback(port: number, host = '127.0.0.1'): Promise<LocalTracker> {
  try {
    return await startTracker({ port, host })
  } catch (err) {
    if (port === 0 || (err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err
    return startTracker({ port: 0, host })
  }
}

/** Port for the dev/preview tracker: $SWARMSTREAM_TRACKER_PORT, else 8000. */
export function devTrackerPort(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[TRACKER_PORT_ENV]
  if (raw === undefined || raw.trim() === '') return DEFAULT_DEV_PORT
  const port = Number(raw)
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new RangeError(`${TRACKER_PORT_ENV} must be a port number from 0 to 65535 (0 = any free port), got "${raw}".`)
  }
  return port
}

export function trackerMetaTag(url: string): string {
  return `<meta name="${TRACKER_META_NAME}" content="${url}">`
}

/** Inserts the tracker meta tag at the start of <head> (or of the document when there is none). */
export function injectTrackerMeta(html: string, url: string): string {
  const tag = trackerMetaTag(url)
  const head = /<head(\s[^>]*)?>/i.exec(html)
  if (!head) return tag + html
  const at = head.index + head[0].length
  return html.slice(0, at) + tag + html.slice(at)
}

/**
 * Vite plugin: with `vite` (dev) and `vite preview`, starts the local tracker, logs its URL, closes it
 * with the server and announces it to the page as `<meta name="swarmstream-tracker" content="ws://…">`.
 * Does nothing under `vite build` and under Vitest.
 */
export function localTracker(): Plugin {
  let tracker: LocalTracker | undefined
  let config: ResolvedConfig | undefined

  async function start(logInfo: (msg: string) => void, onClose: (stop: () => void) => void): Promise<void> {
    if (process.env['VITEST']) return
    const started = await startTrackerWithFallback(devTrackerPort())
    tracker = started
    logInfo(`  ➜  Tracker: ${started.url}`)
    onClose(() => {
      if (tracker === started) tracker = undefined
      void started.close()
    })
  }

  return {
    name: 'swarmstream-local-tracker',
    configResolved(resolved) {
      config = resolved
    },
    async configureServer(server) {
      await start(
        (msg) => server.config.logger.info(msg),
        (stop) => server.httpServer?.once('close', stop),
      )
    },
    async configurePreviewServer(server) {
      await start(
        (msg) => server.config.logger.info(msg),
        (stop) => server.httpServer.once('close', stop),
      )
      // Preview serves the built HTML as static files, so inject the tag on the way out.
      server.middlewares.use((req, res, next) => {
        const outDir = config ? resolve(config.root, config.build.outDir) : undefined
        const file = outDir && tracker ? builtHtmlFile(outDir, req.method, req.url) : undefined
        if (!file || !tracker) return next()
        const url = tracker.url
        readFile(file, 'utf8').then(
          (html) => {
            res.setHeader('Content-Type', 'text/html; charset=utf-8')
            res.setHeader('Cache-Control', 'no-cache')
            res.end(injectTrackerMeta(html, url))
          },
          (err: unknown) => next(err),
        )
      })
    },
    transformIndexHtml() {
      if (!tracker) return undefined
      return [{ tag: 'meta', attrs: { name: TRACKER_META_NAME, content: tracker.url }, injectTo: 'head-prepend' }]
    },
  }
}

function builtHtmlFile(outDir: string, method: string | undefined, rawUrl: string | undefined): string | undefined {
  if ((method !== 'GET' && method !== 'HEAD') || !rawUrl) return undefined
  let pathname: string
  try {
    pathname = decodeURIComponent(new URL(rawUrl, 'http://x').pathname)
  } catch {
    return undefined
  }
  if (pathname.endsWith('/')) pathname += 'index.html'
  if (!pathname.endsWith('.html')) return undefined
  const file = normalize(join(outDir, pathname))
  if (!file.startsWith(outDir) || !existsSync(file)) return undefined
  return file
}
