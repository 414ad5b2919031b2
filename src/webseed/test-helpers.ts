// An HTTP server for web seed tests: in-memory files with real Range/206 handling, or misbehaviour on purpose.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { expect } from 'vitest'
import { concatBytes } from '../util/bytes.ts'
import { SwarmstreamError } from '../util/errors.ts'
import type { WebSeedLayout } from './web-seed-plan.ts'
import type { WebSeed } from './web-seed.ts'

export type Mode =
  | 'ok'
  | '404'
  | '500'
  | 'wrong-bytes'
  | 'short'
  | 'long'
  | 'wrong-range'
  | 'ignore-range'
  /** Ignores Range, sends the first half of the file, then closes the connection. */
  | 'ignore-range-cut'
  /** Ignores Range, sends the first half of the file, then goes silent. */
  | 'ignore-range-stall'
  | 'html-200'
  | 'hang'

/** Serves in-memory files under their decoded path, with real Range/206 handling, or misbehaves on purpose. */
export class FileServer {
  files = new Map<string, Uint8Array>()
  mode: Mode = 'ok'
  delayMs = 0
  requests: { path: string; range: string | undefined }[] = []
  inFlight = 0
  maxInFlight = 0
  /** Body bytes written to sockets. */
  bytesSent = 0
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
    this.bytesSent = 0
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
      this.bytesSent += body.length
      res.end(body)
    }
    const file = this.files.get(path)
    if (this.mode === 'hang') return
    if (this.mode === '404' || !file) return send(404, new TextEncoder().encode('not found'))
    if (this.mode === '500') return send(500, new TextEncoder().encode('oops'))
    if (this.mode === 'ignore-range') return send(200, file)
    if (this.mode === 'ignore-range-cut' || this.mode === 'ignore-range-stall') {
      res.writeHead(200, { 'Content-Length': String(file.length) })
      const half = file.subarray(0, file.length >> 1)
      this.bytesSent += half.length
      res.write(half, () => {
        if (this.mode === 'ignore-range-cut') res.destroy()
      })
      return
    }
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

export function bytes(length: number, seed: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i * 31 + seed * 17 + 7) & 255)
}

/** Builds the layout and puts the files on the server under `prefix`. */
export function putTorrent(
  server: FileServer,
  name: string,
  pieceLength: number,
  files: [path: string, length: number][],
  prefix: string,
): { info: WebSeedLayout; data: Uint8Array } {
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

export async function fetchAll(seed: WebSeed, info: WebSeedLayout): Promise<Uint8Array> {
  const pieces: Uint8Array[] = []
  for (let index = 0; index * info.pieceLength < info.length; index++) {
    pieces.push(await seed.fetchPiece(index, Math.min(info.pieceLength, info.length - index * info.pieceLength)))
  }
  return concatBytes(pieces)
}

export async function failure(promise: Promise<unknown>): Promise<SwarmstreamError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  )
  expect(err).toBeInstanceOf(SwarmstreamError)
  return err as SwarmstreamError
}

