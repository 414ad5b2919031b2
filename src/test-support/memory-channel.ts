import { systemClock, type Clock } from '../util/clock.ts'
import { TypedEmitter } from '../util/typed-emitter.ts'
import type { PeerChannel, PeerChannelEvents } from '../transport/peer-channel.ts'

export interface MemoryChannelOptions {
  /** Delivery runs on this clock (default: the real one, delivering on the next macrotask). */
  clock?: Clock
  /** One-way delay of every send, ms (default 0). */
  latencyMs?: number
  /** Sending rate of each direction, bytes/s (default: unlimited). Sends queue behind each other. */
  bytesPerSecond?: number
  /** Re-chunk deliveries into pieces of this many bytes (0: as sent). */
  chunkSize?: number
}

/**
 * One end of an in-memory channel pair. Delivery is asynchronous, in order, on the injected clock:
 * a send leaves after the ones before it (at `bytesPerSecond`) and arrives `latencyMs` later.
 * `bufferedAmount` counts bytes not yet sent; 'drain' fires when it falls to 0, or once set, to the low-water mark.
 */
export class MemoryChannel extends TypedEmitter<PeerChannelEvents> implements PeerChannel {
  remote: MemoryChannel | null = null
  closed = false
  /** memoryChannelPair: the first end dials, the second accepts. */
  initiator: boolean | undefined
  bufferedAmount = 0
  readonly #clock: Clock
  readonly #latency: number
  readonly #rate: number
  readonly #chunkSize: number
  /** When the sender is free again (rate-limited channels). */
  #busyUntil = 0
  #lowWaterMark = 0
  /**
   * Sends in flight, oldest first. Each timer handles the oldest one, not its own: real timers of different
   * delays may fire out of order (Node groups them by duration), and a byte stream must not.
   */
  readonly #unsent: Uint8Array[] = []
  readonly #undelivered: Uint8Array[] = []

  constructor(readonly label: string, opts: MemoryChannelOptions = {}) {
    super()
    this.#clock = opts.clock ?? systemClock
    this.#latency = Math.max(0, opts.latencyMs ?? 0)
    this.#rate = opts.bytesPerSecond && opts.bytesPerSecond > 0 ? opts.bytesPerSecond : Infinity
    this.#chunkSize = opts.chunkSize ?? 0
  }

  setLowWaterMark(bytes: number): void {
    this.#lowWaterMark = bytes
  }

  send(data: Uint8Array, tail?: Uint8Array): void {
    if (this.closed) return
    const copy = new Uint8Array(data.length + (tail?.length ?? 0))
    copy.set(data)
    if (tail) copy.set(tail, data.length)
    const remote = this.remote
    const now = this.#clock.now()
    this.bufferedAmount += copy.length
    const sentAt = this.#rate === Infinity ? now : (this.#busyUntil = Math.max(now, this.#busyUntil) + (copy.length / this.#rate) * 1000)
    this.#unsent.push(copy)
    this.#undelivered.push(copy)
    const sent = () => {
      const before = this.bufferedAmount
      this.bufferedAmount -= this.#unsent.shift()!.length
      const mark = this.#lowWaterMark
      if ((mark === 0 ? this.bufferedAmount === 0 : before > mark && this.bufferedAmount <= mark) && !this.closed) this.emit('drain')
    }
    const deliver = () => {
      const next = this.#undelivered.shift()!
      if (!remote || remote.closed) return
      if (this.#chunkSize > 0) {
        for (let i = 0; i < next.length; i += this.#chunkSize) remote.emit('data', next.subarray(i, i + this.#chunkSize))
      } else remote.emit('data', next)
    }
    if (sentAt + this.#latency === now || this.#latency === 0) {
      this.#clock.setTimeout(() => {
        deliver()
        sent()
      }, sentAt - now)
    } else {
      this.#clock.setTimeout(sent, sentAt - now)
      this.#clock.setTimeout(deliver, sentAt + this.#latency - now)
    }
  }

  /** Lets tests deliver raw bytes as if the remote had sent them. */
  inject(data: Uint8Array): void {
    this.emit('data', data)
  }

  close(reason = 'closed locally'): void {
    if (this.closed) return
    this.closed = true
    this.emit('close', reason)
    const remote = this.remote
    if (!remote || remote.closed) return
    // After whatever is still queued: the remote reads our last bytes before it sees us go.
    const at = Math.max(this.#clock.now(), this.#busyUntil) + this.#latency
    this.#clock.setTimeout(() => remote.close('remote closed'), at - this.#clock.now())
  }
}

export function memoryChannelPair(opts: MemoryChannelOptions = {}): [MemoryChannel, MemoryChannel] {
  const a = new MemoryChannel('a', opts)
  const b = new MemoryChannel('b', opts)
  a.initiator = true
  b.initiator = false
  a.remote = b
  b.remote = a
  return [a, b]
}
