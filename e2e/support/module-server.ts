// A plain static server for built JavaScript modules on 127.0.0.1: files from one folder plus fixed
// routes, each with its MIME type (a module script needs a JavaScript one), and a log of what was fetched.
import { readFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { extname, join, normalize } from 'node:path'

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
}

export interface ModuleServer {
  url: string
  /** URL paths fetched so far, in order. */
  readonly fetched: string[]
  close(): Promise<void>
}

/** Serves `root` and `routes` (URL path → body; the path's extension gives the type). */
export async function startModuleServer(root: string, routes: Record<string, string> = {}): Promise<ModuleServer> {
  const fetched: string[] = []
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname
    fetched.push(path)
    const type = TYPES[path.endsWith('/') ? '.html' : extname(path)] ?? 'application/octet-stream'
    const body = routes[path]
    if (body !== undefined) return void res.writeHead(200, { 'Content-Type': type }).end(body)
    const file = normalize(join(root, path))
    if (!file.startsWith(normalize(root) + '/')) return void res.writeHead(400).end('bad path')
    readFile(file).then(
      (bytes) => res.writeHead(200, { 'Content-Type': type }).end(bytes),
      () => res.writeHead(404).end('not found'),
    )
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    fetched,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
