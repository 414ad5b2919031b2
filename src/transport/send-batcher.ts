/**
 * A data-channel message costs about the same CPU whatever its size up to tens of KiB (measured: four
 * 16 KiB messages cost more than one of 64 KiB), so writes made in one task are packed into as few
 * messages as possible: a message goes out once it holds COALESCE_BYTES, or at the end of the task.
 * The wire is a byte stream, so the receiver (WebTorrent too) reads the same bytes however they are cut;
 * a write is split across messages only when it cannot fit in one.
 */
export const COALESCE_BYTES = 64 * 1024
/** Largest message we ever send; Chromium's `maxMessageSize` is 256 KiB, Firefox's larger. */
export const MAX_BATCH_BYTES = 256 * 1024
/** When the remote's limit is unknown: 64 KiB, the smallest any browser announces. */
export const DEFAULT_MAX_MESSAGE_SIZE = 64 * 1024

export type Schedule = (task: () => void) => void

export class SendBatcher {
  readonly #send: (bytes: Uint8Array) => void
  readonly #schedule: Schedule
  readonly #max: number
  readonly #target: number
  /** The batch buffer's size: a message in progress plus one more write below the target. */
  readonly #capacity: number
  #buffer: Uint8Array | null = null
  #length = 0
  #scheduled = false

  /**
   * `send` must copy or send the bytes before it returns (RTCDataChannel.send copies them): the batch
   * buffer is reused. `maxMessageSize` is the remote's limit (`RTCSctpTransport.maxMessageSize`; 0 or
   * unknown: DEFAULT_MAX_MESSAGE_SIZE).
   */
  constructor(send: (bytes: Uint8Array) => void, maxMessageSize: number, schedule: Schedule = (task) => queueMicrotask(task)) {
    this.#send = send
    this.#schedule = schedule
    const remoteMax = maxMessageSize > 0 ? maxMessageSize : DEFAULT_MAX_MESSAGE_SIZE
    this.#max = Math.max(1024, Math.min(MAX_BATCH_BYTES, remoteMax))
    this.#target = Math.min(COALESCE_BYTES, this.#max)
    this.#capacity = Math.min(this.#max, 2 * this.#target)
  }

  /** Bytes written but not yet handed to the channel. */
  get pending(): number {
    return this.#length
  }

  /**
   * Queues `head` and then `tail` (e.g. a piece message's header and its block) as one unit: they share
   * a message whenever they fit in one. Both are copied unless they go out at once; the caller may reuse them.
   */
  write(head: Uint8Array, tail?: Uint8Array): void {
    const total = head.length + (tail?.length ?? 0)
    if (this.#length > 0 && this.#length + total > this.#capacity) this.flush()
    if (total > this.#capacity || (this.#length === 0 && !tail && total >= this.#target)) {
      // Too big to batch, or a full message by itself: straight out, without a copy.
      this.#sendInSlices(head)
      if (tail) this.#sendInSlices(tail)
      return
    }
    this.#buffer ??= new Uint8Array(this.#capacity)
    this.#buffer.set(head, this.#length)
    this.#length += head.length
    if (tail) {
      this.#buffer.set(tail, this.#length)
      this.#length += tail.length
    }
    if (this.#length >= this.#target) this.flush()
    else if (!this.#scheduled) {
      this.#scheduled = true
      this.#schedule(() => {
        this.#scheduled = false
        this.flush()
      })
    }
  }

  #sendInSlices(data: Uint8Array): void {
    for (let offset = 0; offset < data.length; offset += this.#max) this.#send(data.subarray(offset, offset + this.#max))
  }

  /** Sends what is queued now. */
  flush(): void {
    if (this.#length === 0) return
    const bytes = this.#buffer!.subarray(0, this.#length)
    this.#length = 0
    this.#send(bytes)
  }

  /** Forgets what is queued (the channel closed). */
  clear(): void {
    this.#length = 0
  }
}
