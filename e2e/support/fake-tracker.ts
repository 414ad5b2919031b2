// A misbehaving WebSocket tracker on 127.0.0.1: per connection it answers the first announce with
// garbage (non-JSON text, JSON without info_hash, a binary frame), then closes the socket.
import { createRequire } from 'node:module'
import type { AddressInfo } from 'node:net'
import type { Server } from 'node:http'

/** The part of `ws` (untyped JS, a dependency of bittorrent-tracker) used here. */
interface WsSocket {
  on(event: 'message', listener: (data: unknown, isBinary: boolean) => void): void
  once(event: 'close', listener: () => void): void
  send(data: string | Uint8Array, cb?: (err?: Error) => void): void
  close(code?: number, reason?: string): void
  terminate(): void
}
interface WsServer {
  on(event: 'connection', listener: (socket: WsSocket) => void): void
  once(event: 'listening' | 'error', listener: (err?: Error) => void): void
  address(): AddressInfo | string | null
  close(cb?: () => void): void
  readonly clients: Set<WsSocket>
}
interface WsModule {
  WebSocketServer: new (opts: { host: string; port: number } | { server: Server }) => WsServer
}

const { WebSocketServer } = createRequire(import.meta.url)('ws') as WsModule

/** The garbage sent, in order, in answer to the first announce of a connection. */
export const GARBAGE = {
  text: 'this is not JSON {',
  // An announce answer without info_hash (and a tiny interval that must not be obeyed).
  json: JSON.stringify({ action: 'announce', interval: 1, complete: 999, incomplete: 999 }),
  binary: Uint8Array.from([0xff, 0x00, 0xfe, 0x7b, 0x22, 0x01, 0x80]),
}

export interface FakeTracker {
  /** ws://127.0.0.1:<port> */
  readonly url: string
  /** Connection times (ms since the epoch), in order. */
  readonly connections: number[]
  /** Messages received from clients (text), in order. */
  readonly messages: string[]
  close(): Promise<void>
}

export type GarbageKind = keyof typeof GARBAGE

export interface FakeTrackerOptions {
  /** What to send, in order (default: all three kinds). */
  garbage?: GarbageKind[]
  /** Delay between the garbage and the close (ms). */
  closeAfterMs?: number
}

/** Starts the fake tracker on a port chosen by the OS. */
export async function startFakeTracker(opts: FakeTrackerOptions = {}): Promise<FakeTracker> {
  const closeAfterMs = opts.closeAfterMs ?? 200
  const garbage = opts.garbage ?? ['text', 'json', 'binary']
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 })
  await new Promise<void>((resolve, reject) => {
    server.once('listening', () => resolve())
    server.once('error', (err) => reject(err ?? new Error('fake tracker: listen failed')))
  })
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('fake tracker: no TCP address')
  const connections: number[] = []
  const messages: string[] = []
  const timers = new Set<ReturnType<typeof setTimeout>>()

  server.on('connection', (socket) => {
    connections.push(Date.now())
    let answered = false
    socket.on('message', (data) => {
      messages.push(String(data))
      if (answered) return
      answered = true
      for (const kind of garbage) socket.send(GARBAGE[kind])
      const timer = setTimeout(() => {
        timers.delete(timer)
        socket.close(1000, 'fake tracker hangs up')
      }, closeAfterMs)
      timers.add(timer)
    })
  })

  return {
    url: `ws://127.0.0.1:${address.port}`,
    connections,
    messages,
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer)
        for (const socket of server.clients) socket.terminate()
        server.close(() => resolve())
      }),
  }
}
