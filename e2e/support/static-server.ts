// A test HTTP server for web seeds (BEP 19): serves files from a folder on 127.0.0.1 with Range/206
// and CORS, and can "lie" for chosen paths (right length, wrong bytes) to test bad web seeds.
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { resolve, sep } from 'node:path'

export interface StaticServer {
  /** e.g. http://127.0.0.1:41234 (no trailing slash). */
  url: string
  /** Every request seen (method, URL path, Range header), for assertions. */
  readonly requests: { method: string; path: string; range: string | undefined }[]
  /** Serves wrong bytes of the right length for this URL path (e.g. '/album/a.bin') while `on`. */
  lie(urlPath: string, on?: boolean): void
  /** Body bytes written to sockets so far (what the server sent, whether or not the client used it). */
  readonly bytesSent: number
  close(): Promise<void>
}

const CORS_HEADERS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'GET, HEAD, OPTIONS',
  'Access-Control-Allow-Headers': 'Range',
  'Access-Control-Expose-Headers': 'Content-Range, Content-Length, Accept-Ranges',
}

export interface StaticServerOptions {
  /** `Content-Type` for a URL path (default: application/octet-stream for everything, as web seeds see it). */
  contentType?: (path: string) => string
  /** Serve `<dir>/index.html` for a path ending in `/` (a built web app). */
  index?: boolean
  /** Answer every GET with 200 and the whole file, whatever its Range header asks (as some servers do). */
  ignoreRange?: boolean
}

/** Starts serving `root` on 127.0.0.1, port chosen by the OS. */
export async function startStaticServer(root: string, opts: StaticServerOptions = {}): Promise<StaticServer> {
  const base = resolve(root)
  const lying = new Set<string>()
  const requests: StaticServer['requests'] = []
  const sockets = new Set<Socket>()
  let bytesSent = 0

  const server = createServer((req, res) => {
    const decoded = decodePath(req.url ?? '/')
    const path = opts.index && decoded?.endsWith('/') ? `${decoded}index.html` : decoded
    requests.push({ method: req.method ?? '', path: path ?? req.url ?? '', range: req.headers.range })
    handle(req, res, path).catch((err: unknown) => {
      if (!res.headersSent) send(res, 500, `Server error: ${(err as Error).message}`)
      else res.destroy()
    })
  })
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })

  async function handle(req: IncomingMessage, res: ServerResponse, path: string | null): Promise<void> {
    if (req.method === 'OPTIONS') {
      res.writeHead(204, { ...CORS_HEADERS, 'Access-Control-Max-Age': '600' })
      return void res.end()
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'Only GET, HEAD and OPTIONS are served.')
    const file = path === null ? null : resolve(base, '.' + path)
    if (file === null || (file !== base && !file.startsWith(base + sep))) return send(res, 400, 'Bad path.')
    const info = await stat(file).catch(() => null)
    if (!info?.isFile()) return send(res, 404, `No file at ${path}.`)

    const size = info.size
    const range = opts.ignoreRange ? null : parseRange(req.headers.range, size)
    if (range === 'unsatisfiable') {
      res.writeHead(416, { ...CORS_HEADERS, 'Content-Range': `bytes */${size}` })
      return void res.end()
    }
    const [start, end] = range ?? [0, size - 1]
    const length = Math.max(0, end - start + 1)
    const headers: Record<string, string | number> = {
      ...CORS_HEADERS,
      ...(opts.ignoreRange ? {} : { 'Accept-Ranges': 'bytes' }),
      'Content-Type': opts.contentType && path !== null ? opts.contentType(path) : 'application/octet-stream',
      'Content-Length': length,
    }
    if (range) headers['Content-Range'] = `bytes ${start}-${end}/${size}`
    res.writeHead(range ? 206 : 200, headers)
    if (req.method === 'HEAD' || length === 0) return void res.end()

    const stream = createReadStream(file, { start, end })
    const liar = path !== null && lying.has(path)
    stream.on('data', (chunk) => {
      const bytes = chunk as Buffer
      // Same length, every byte flipped: a piece hash can never match.
      if (liar) for (let i = 0; i < bytes.length; i++) bytes[i] = bytes[i]! ^ 0xff
      bytesSent += bytes.length
      if (!res.write(bytes)) {
        stream.pause()
        res.once('drain', () => stream.resume())
      }
    })
    stream.on('end', () => res.end())
    stream.on('error', () => res.destroy())
    res.on('close', () => stream.destroy())
  }

  await new Promise<void>((done, fail) => {
    server.once('error', fail)
    server.listen(0, '127.0.0.1', () => done())
  })
  const { port } = server.address() as AddressInfo

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    get bytesSent() {
      return bytesSent
    },
    lie(urlPath, on = true) {
      if (on) lying.add(urlPath)
      else lying.delete(urlPath)
    },
    close: () =>
      new Promise<void>((done) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => done())
      }),
  }
}

function decodePath(url: string): string | null {
  try {
    return decodeURIComponent(new URL(url, 'http://x').pathname)
  } catch {
    return null
  }
}

function send(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { ...CORS_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' })
  res.end(text + '\n')
}

/** One `bytes=` range → [start, end] inclusive; null = whole file (no or unsupported header). */
function parseRange(header: string | undefined, size: number): [number, number] | null | 'unsatisfiable' {
  if (!header) return null
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim())
  if (!match || (match[1] === '' && match[2] === '')) return null
  if (match[1] === '') {
    const suffix = Number(match[2])
    if (suffix === 0) return 'unsatisfiable'
    return [Math.max(0, size - suffix), size - 1]
  }
  const start = Number(match[1])
  const end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1)
  if (start >= size || end < start) return 'unsatisfiable'
  return [start, end]
}
