/*
 * A PeerChannel over a TCP socket, for tests only: the session core is transport-agnostic, so the Node
 * test suite can exchange torrents with peers that speak TCP (libtorrent). Never part of the browser
 * bundle (ESLint keeps test-support out of it). Loopback only.
 */
import { createServer, connect, type Server, type Socket } from 'node:net'
import { TypedEmitter } from '../util/typed-emitter.ts'
import { LOW_WATER_MARK, type PeerChannel, type PeerChannelEvents } from '../transport/peer-channel.ts'

const LOOPBACK = '127.0.0.1'

export class TcpChannel extends TypedEmitter<PeerChannelEvents> implements PeerChannel {
  readonly label: string
  /** True on the side that dialled: it speaks first (the accepting side of a v2 upgrade answers). */
  readonly initiator: boolean
  #socket: Socket
  #closed = false

  constructor(socket: Socket, initiator: boolean) {
    super()
    this.#socket = socket
    this.initiator = initiator
    this.label = `tcp-${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`
    socket.setNoDelay(true)
    socket.on('data', (chunk: Uint8Array) => {
      if (!this.#closed) this.emit('data', new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength))
    })
    socket.on('drain', () => {
      if (!this.#closed && socket.writableLength <= LOW_WATER_MARK) this.emit('drain')
    })
    socket.on('close', () => this.#onClose('connection closed'))
    socket.on('error', (err) => this.#onClose(`connection error: ${err.message}`))
  }

  get closed(): boolean {
    return this.#closed
  }

  get bufferedAmount(): number {
    return this.#closed ? 0 : this.#socket.writableLength
  }

  send(data: Uint8Array, tail?: Uint8Array): void {
    if (this.#closed) return
    // The socket may hold the arrays until they are written: give it copies the caller cannot reuse.
    this.#socket.write(data.slice())
    if (tail) this.#socket.write(tail.slice())
  }

  close(reason = 'closed locally'): void {
    if (this.#closed) return
    this.#socket.end()
    this.#socket.destroySoon()
    this.#onClose(reason)
  }

  #onClose(reason: string): void {
    if (this.#closed) return
    this.#closed = true
    this.emit('close', reason)
    this.removeAllListeners()
  }
}

/** Dials 127.0.0.1:port; resolves once connected. */
export function dialTcp(port: number): Promise<TcpChannel> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: LOOPBACK, port })
    socket.once('connect', () => {
      socket.off('error', reject)
      resolve(new TcpChannel(socket, true))
    })
    socket.once('error', reject)
  })
}

export interface TcpListener {
  port: number
  close(): Promise<void>
}

/** Listens on 127.0.0.1 (a free port); every accepted connection becomes a channel handed to `onChannel`. */
export function listenTcp(onChannel: (channel: TcpChannel) => void): Promise<TcpListener> {
  const sockets = new Set<Socket>()
  const server: Server = createServer((socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    onChannel(new TcpChannel(socket, false))
  })
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, LOOPBACK, () => {
      const address = server.address()
      if (!address || typeof address === 'string') return reject(new Error('no TCP port'))
      resolve({
        port: address.port,
        close: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy()
            server.close(() => done())
          }),
      })
    })
  })
}
