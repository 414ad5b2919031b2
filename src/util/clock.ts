/**
 * Time for the session core. Session code (torrent/, peer/, choker/) never reads the wall clock or
 * starts a timer itself: it is given a Clock, so tests and the swarm simulator can run it in virtual time.
 */

declare const timerBrand: unique symbol
/** An opaque timer handle; only the clock that made it can clear it. */
export type TimerId = { readonly [timerBrand]: true }

export interface Clock {
  /** Milliseconds on a monotonic clock (arbitrary origin). */
  now(): number
  setTimeout(fn: () => void, ms: number): TimerId
  clearTimeout(id: TimerId | null | undefined): void
  setInterval(fn: () => void, ms: number): TimerId
  clearInterval(id: TimerId | null | undefined): void
}

/** The real clock: `performance.now()` and the global timers. */
export const systemClock: Clock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms) as unknown as TimerId,
  clearTimeout: (id) => {
    if (id != null) clearTimeout(id as unknown as ReturnType<typeof setTimeout>)
  },
  setInterval: (fn, ms) => setInterval(fn, ms) as unknown as TimerId,
  clearInterval: (id) => {
    if (id != null) clearInterval(id as unknown as ReturnType<typeof setInterval>)
  },
}

/** Resolves after `ms` on `clock`, or at once when `signal` aborts (it never rejects). */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve()
    const onAbort = () => {
      clock.clearTimeout(timer)
      resolve()
    }
    const timer = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}
