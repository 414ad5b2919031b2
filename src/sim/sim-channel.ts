import type { Clock } from '../util/clock.ts'
import { TypedEmitter } from '../util/typed-emitter.ts'
import { LOW_WATER_MARK, type PeerChannel, type PeerChannelEvents } from '../transport/peer-channel.ts'
import type { Lane, Link, Unit } from './link.ts'

/** A send of this size or more takes link time; smaller ones (requests, haves, choke…) ride along for free. */
export const SMALL_SEND = 1024
/** A unit is filled with queued sends up to this many bytes (a block and its header make one). */
export const UNIT_BYTES = 16 * 1024
/** The smallest congestion window of a flow (bytes on the network, sent but not delivered). */
export const MIN_WINDOW = 64 * 1024

/** A simulated host's network interface. */
export interface Endpoint {
  up: Link
  down: Link
  /** One-way access latency, ms (a path's latency is the sum of both ends'). */
  latencyMs: number
}

/**
 * One direction of a channel: the sender's send queue (what `bufferedAmount` counts), the sender's
 * uplink, the path latency, the receiver's downlink, in order. At most `window` bytes are between the
 * two links at once (congestion control), so a congested receiver backs up into the sender's queue and
 * its `bufferedAmount`, as with a real SCTP association.
 */
class Flow {
  readonly queue: Uint8Array[] = []
  #queueHead = 0
  inNetwork = 0
  /** The newest unit not yet delivered: small sends append to it and keep their order. */
  tail: Unit | null = null
  readonly arrived: Unit[] = []
  /** Units on the path between the links, in order (they arrive in the order they left). */
  readonly #onPath: Unit[] = []
  #onPathHead = 0
  readonly #arrived = () => {
    const unit = this.#onPath[this.#onPathHead++]!
    if (this.#onPathHead === this.#onPath.length) {
      this.#onPath.length = 0
      this.#onPathHead = 0
    }
    if (this.dead) return
    this.arrived.push(unit)
    this.dst.down.wake(this.down)
  }
  dead = false
  readonly up: Lane
  readonly down: Lane

  constructor(
    readonly clock: Clock,
    readonly from: SimChannel,
    readonly to: SimChannel,
    readonly src: Endpoint,
    readonly dst: Endpoint,
    readonly latencyMs: number,
    readonly window: number,
  ) {
    this.up = { pull: () => this.#pullUp(), sent: (unit, endAt) => this.#arrive(unit, endAt + this.latencyMs) }
    this.down = { pull: () => (this.dead ? null : (this.arrived.shift() ?? null)), sent: (unit) => this.#deliver(unit) }
  }

  send(chunk: Uint8Array): void {
    if (this.dead) return
    if (this.#queueHead < this.queue.length || chunk.length >= SMALL_SEND) {
      this.queue.push(chunk)
      this.from.bufferedAmount += chunk.length
      this.src.up.wake(this.up)
    } else if (this.tail) {
      this.tail.chunks.push(chunk)
    } else {
      const unit: Unit = { chunks: [chunk], bytes: 0 }
      this.tail = unit
      this.clock.setTimeout(() => this.#deliver(unit), this.latencyMs)
    }
  }

  close(): void {
    this.dead = true
    this.queue.length = 0
    this.#queueHead = 0
    this.arrived.length = 0
    this.tail = null
  }

  #pullUp(): Unit | null {
    if (this.dead || this.#queueHead >= this.queue.length || this.inNetwork >= this.window) return null
    const chunks: Uint8Array[] = []
    let bytes = 0
    const q = this.queue
    while (this.#queueHead < q.length) {
      const next = q[this.#queueHead]!
      if (bytes >= UNIT_BYTES && next.length >= SMALL_SEND) break
      chunks.push(next)
      bytes += next.length
      this.#queueHead++
    }
    if (this.#queueHead === q.length) {
      q.length = 0
      this.#queueHead = 0
    } else if (this.#queueHead > 1024) {
      q.splice(0, this.#queueHead)
      this.#queueHead = 0
    }
    const unit: Unit = { chunks, bytes }
    this.inNetwork += bytes
    this.tail = unit
    this.from.sentFromQueue(bytes)
    return unit
  }

  #arrive(unit: Unit, at: number): void {
    this.#onPath.push(unit)
    this.clock.setTimeout(this.#arrived, at - this.clock.now())
  }

  #deliver(unit: Unit): void {
    if (this.dead) return
    if (this.tail === unit) this.tail = null
    if (unit.bytes > 0) {
      const blocked = this.inNetwork >= this.window
      this.inNetwork -= unit.bytes
      if (blocked && this.inNetwork < this.window && this.#queueHead < this.queue.length) this.src.up.wake(this.up)
    }
    this.to.receive(unit.chunks)
  }
}

/**
 * One end of a simulated WebRTC data channel: reliable and ordered, `bufferedAmount` is what was sent
 * but has not left the send queue, and 'drain' fires when it falls to its low-water mark or below (the
 * `bufferedamountlow` event SimplePeerChannel listens to). Chunks pass by reference: nothing in the
 * session writes to a buffer after sending or receiving it.
 */
export class SimChannel extends TypedEmitter<PeerChannelEvents> implements PeerChannel {
  closed = false
  bufferedAmount = 0
  #out: Flow | null = null
  #in: Flow | null = null
  #clock: Clock
  /** Sends for which this returns false are dropped: a modified client (a free rider never unchokes). */
  sendFilter: ((data: Uint8Array) => boolean) | null = null
  #lowWaterMark = LOW_WATER_MARK
  /** Bytes this end sent (all messages) and received. */
  sentBytes = 0
  receivedBytes = 0

  constructor(
    readonly label: string,
    clock: Clock,
  ) {
    super()
    this.#clock = clock
  }

  /** `data`, then `tail` (a piece header and its block): both by reference, as nothing mutates them after. */
  send(data: Uint8Array, tail?: Uint8Array): void {
    if (this.closed || (this.sendFilter && !this.sendFilter(data))) return
    this.sentBytes += data.length
    this.#out?.send(data)
    if (tail) {
      this.sentBytes += tail.length
      this.#out?.send(tail)
    }
  }

  setLowWaterMark(bytes: number): void {
    this.#lowWaterMark = bytes
  }

  close(reason = 'closed locally'): void {
    if (this.closed) return
    this.#shut(reason)
    const flow = this.#out
    if (!flow) return
    // Closing the peer connection drops what is still queued; the remote notices one path latency later.
    this.#clock.setTimeout(() => flow.to.#shut('remote closed'), flow.latencyMs)
  }

  /** @internal the flow took `bytes` from the send queue onto the uplink. */
  sentFromQueue(bytes: number): void {
    const before = this.bufferedAmount
    this.bufferedAmount -= bytes
    if (before > this.#lowWaterMark && this.bufferedAmount <= this.#lowWaterMark) {
      queueMicrotask(() => {
        if (!this.closed) this.emit('drain')
      })
    }
  }

  /**
   * @internal a unit arrived: its sends, each as a chunk (the decoder queues chunks, so a burst needs no
   * concatenation; every small copy would be one more off-heap buffer for the garbage collector).
   */
  receive(chunks: Uint8Array[]): void {
    for (const chunk of chunks) {
      if (this.closed) return
      this.receivedBytes += chunk.length
      this.emit('data', chunk)
    }
  }

  #shut(reason: string): void {
    if (this.closed) return
    this.closed = true
    this.bufferedAmount = 0
    this.#out?.close()
    this.#in?.close()
    this.emit('close', reason)
    this.removeAllListeners()
  }

  /** Wires two ends over their hosts' links. */
  static pair(clock: Clock, a: Endpoint, b: Endpoint, labels: [string, string]): [SimChannel, SimChannel] {
    const ca = new SimChannel(labels[0], clock)
    const cb = new SimChannel(labels[1], clock)
    const latency = a.latencyMs + b.latencyMs
    const rtt = 2 * latency
    const window = (src: Endpoint, dst: Endpoint) => Math.max(MIN_WINDOW, 2 * Math.min(src.up.bytesPerMs, dst.down.bytesPerMs) * rtt)
    const ab = new Flow(clock, ca, cb, a, b, latency, window(a, b))
    const ba = new Flow(clock, cb, ca, b, a, latency, window(b, a))
    ca.#out = ab
    ca.#in = ba
    cb.#out = ba
    cb.#in = ab
    return [ca, cb]
  }
}
