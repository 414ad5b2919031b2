/** Where one piece of a batch lies in the batch's staging buffer. */
export interface BatchItem {
  store: number
  index: number
  offset: number
  length: number
}

/** The worker's answer to a batch: the staging buffer, handed back, and per item null (written) or its error. */
export interface BatchResult {
  buffer: ArrayBuffer
  errors: ({ name: string; message: string } | null)[]
}

interface PendingPut {
  store: number
  index: number
  data: Uint8Array
  resolve(): void
  reject(err: Error): void
}

/** Pieces to store wait at most this long for others to join their message, unless this many bytes wait. */
export const PUT_WINDOW_MS = 5
export const PUT_WINDOW_BYTES = 2 * 2 ** 20
/** A staging buffer holds at least this much, so that one buffer serves batches of several pieces. */
const STAGING_MIN = 4 * 2 ** 20
/** Staging buffers kept for reuse (one in the worker, one filling), and the largest one kept. */
const SPARE_MAX = 2
const SPARE_LARGEST = 16 * 2 ** 20

/**
 * Groups the pieces stored within a few milliseconds into one message to the storage worker (each message
 * costs the page far more than its bytes: the bench's profiles showed one postMessage per piece among the
 * leecher's largest costs). Their bytes are
 * copied into a staging buffer that is transferred, not cloned, and that the worker hands back once written:
 * the one copy lands in memory already mapped in, where a clone copied each piece twice into fresh memory.
 */
export class PutBatcher {
  readonly #send: (items: BatchItem[], buffer: ArrayBuffer) => Promise<BatchResult>
  #pending: PendingPut[] = []
  #pendingBytes = 0
  #spare: ArrayBuffer[] = []
  #timer: ReturnType<typeof setTimeout> | undefined

  constructor(send: (items: BatchItem[], buffer: ArrayBuffer) => Promise<BatchResult>) {
    this.#send = send
  }

  /** Resolves once the worker wrote the piece; the caller keeps `data`. */
  put(store: number, index: number, data: Uint8Array): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#pending.push({ store, index, data, resolve, reject })
      this.#pendingBytes += data.length
      if (this.#pendingBytes >= PUT_WINDOW_BYTES) this.flush()
      else this.#timer ??= setTimeout(() => this.flush(), PUT_WINDOW_MS)
    })
  }

  /** Sends the pending pieces now: before any other request, so that the worker sees them in order. */
  flush(): void {
    clearTimeout(this.#timer)
    this.#timer = undefined
    const puts = this.#pending
    if (puts.length === 0) return
    this.#pending = []
    const buffer = this.#take(this.#pendingBytes)
    this.#pendingBytes = 0
    const bytes = new Uint8Array(buffer)
    const items: BatchItem[] = []
    let offset = 0
    for (const { store, index, data } of puts) {
      bytes.set(data, offset)
      items.push({ store, index, offset, length: data.length })
      offset += data.length
    }
    this.#send(items, buffer).then(
      (result) => {
        this.#keep(result.buffer)
        puts.forEach((put, i) => {
          const error = result.errors[i]
          if (error) put.reject(Object.assign(new Error(error.message), { name: error.name }))
          else put.resolve()
        })
      },
      (err: Error) => {
        for (const put of puts) put.reject(err)
      },
    )
  }

  #take(size: number): ArrayBuffer {
    const i = this.#spare.findIndex((b) => b.byteLength >= size)
    return i >= 0 ? this.#spare.splice(i, 1)[0]! : new ArrayBuffer(Math.max(size, STAGING_MIN))
  }

  #keep(buffer: ArrayBuffer): void {
    if (buffer.byteLength <= SPARE_LARGEST && this.#spare.length < SPARE_MAX) this.#spare.push(buffer)
  }
}
