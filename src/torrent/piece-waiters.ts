import { AbortError, type SwarmstreamError } from '../util/errors.ts'

interface Waiter {
  resolve: () => void
  reject: (error: unknown) => void
}

/** Readers waiting for pieces: woken when a piece is stored, rejected all at once when the torrent fails. */
export class PieceWaiters {
  #waiters = new Map<number, Set<Waiter>>()
  #failure: SwarmstreamError | null = null

  constructor(private readonly has: (index: number) => boolean) {}

  wait(index: number, signal?: AbortSignal): Promise<void> {
    if (this.has(index)) return Promise.resolve()
    if (this.#failure) return Promise.reject(this.#failure)
    if (signal?.aborted) return Promise.reject(new AbortError())
    return new Promise((resolve, reject) => {
      let set = this.#waiters.get(index)
      if (!set) this.#waiters.set(index, (set = new Set()))
      const waiter: Waiter = {
        resolve: () => {
          signal?.removeEventListener('abort', onAbort)
          resolve()
        },
        reject: (error) => {
          signal?.removeEventListener('abort', onAbort)
          reject(error)
        },
      }
      const onAbort = () => {
        set.delete(waiter)
        reject(new AbortError())
      }
      set.add(waiter)
      signal?.addEventListener('abort', onAbort, { once: true })
    })
  }

  wake(index: number): void {
    const set = this.#waiters.get(index)
    if (!set) return
    this.#waiters.delete(index)
    for (const w of set) w.resolve()
  }

  /** Rejects every waiter, now and later (the torrent was destroyed, or storage failed). */
  fail(error: SwarmstreamError): void {
    this.#failure = error
    const waiters = this.#waiters
    this.#waiters = new Map()
    for (const set of waiters.values()) for (const w of set) w.reject(error)
  }
}
