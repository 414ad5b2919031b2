import { TypedEmitter } from '../util/typed-emitter.ts'
import { LOW_WATER_MARK, type PeerChannel, type PeerChannelEvents } from './peer-channel.ts'
import { SendBatcher } from './send-batcher.ts'

/** The part of a `@thaunknown/simple-peer` instance we use. */
export interface SimplePeerLike {
  connected: boolean
  /** The side that made the offer. */
  initiator?: boolean
  destroyed: boolean
  _channel: RTCDataChannel | null
  _pc?: RTCPeerConnection | null
  on(event: 'data', listener: (data: Uint8Array) => void): void
  on(event: 'connect' | 'close', listener: () => void): void
  on(event: 'error', listener: (err: Error) => void): void
  once(event: 'connect' | 'close', listener: () => void): void
  once(event: 'error', listener: (err: Error) => void): void
  removeListener(event: string, listener: (...args: never[]) => void): void
  destroy(err?: Error): void
}

/**
 * Adapts a connected simple-peer to a PeerChannel. Sends go straight to the RTCDataChannel
 * (simple-peer's stream layer would add a copy and its own 64 KiB high-water mark), packed into
 * few large messages by a SendBatcher.
 */
export class SimplePeerChannel extends TypedEmitter<PeerChannelEvents> implements PeerChannel {
  readonly label: string
  readonly initiator: boolean | undefined
  #peer: SimplePeerLike
  #channel: RTCDataChannel
  #batcher: SendBatcher
  #closed = false

  constructor(peer: SimplePeerLike, label: string) {
    super()
    if (!peer._channel) throw new Error('SimplePeerChannel needs a connected peer')
    this.label = label
    this.initiator = peer.initiator
    this.#peer = peer
    this.#channel = peer._channel
    this.#batcher = new SendBatcher((bytes) => this.#sendNow(bytes), peer._pc?.sctp?.maxMessageSize ?? 0)
    this.#channel.bufferedAmountLowThreshold = LOW_WATER_MARK
    this.#channel.addEventListener('bufferedamountlow', () => this.emit('drain'))
    // simple-peer ends its stream itself when the channel closes, and may not emit 'close' then.
    this.#channel.addEventListener('close', () => this.#onClose('connection closed'))
    peer.on('data', (data) => this.emit('data', data))
    peer.on('close', () => this.#onClose('connection closed'))
    peer.on('error', (err) => this.#onClose(`connection error: ${err.message}`))
  }

  get closed(): boolean {
    return this.#closed
  }

  setLowWaterMark(bytes: number): void {
    this.#channel.bufferedAmountLowThreshold = bytes
  }

  get bufferedAmount(): number {
    return this.#closed ? 0 : this.#channel.bufferedAmount + this.#batcher.pending
  }

  send(data: Uint8Array, tail?: Uint8Array): void {
    if (this.#closed) return
    this.#batcher.write(data, tail)
  }

  #sendNow(bytes: Uint8Array): void {
    if (this.#closed || this.#channel.readyState !== 'open') return
    try {
      this.#channel.send(bytes as Uint8Array<ArrayBuffer>)
    } catch (err) {
      this.close(`send failed: ${(err as Error).message}`)
    }
  }

  close(reason = 'closed locally'): void {
    if (this.#closed) return
    this.#batcher.flush()
    this.#peer.destroy()
    this.#onClose(reason)
  }

  #onClose(reason: string): void {
    if (this.#closed) return
    this.#closed = true
    this.#batcher.clear()
    this.emit('close', reason)
    this.removeAllListeners()
  }
}
