/*
 * One BEP 19 web seed: whole pieces from HTTP Range requests.
 * A server that ignores Range answers 200 with the whole file. That is learned from the seed's first
 * answer (the first request goes alone, so at most one whole file is in flight when it is learned); from
 * then on each file is read once, into a WholeFile, and every piece range of it is served from there —
 * one copy of the file instead of one per piece. Files too large to hold (MAX_WHOLE_FILE_BYTES) cannot be
 * used that way: the request fails with a permanent WEBSEED_NO_RANGE and the caller drops the seed.
 * Never checks piece hashes; the caller does, and reports bad pieces to WebSeedHealth.
 */
import { AbortError, InvalidInputError } from '../util/errors.ts'
import { WebSeedError } from './errors.ts'
import { contentRange, ignoredRange, lengthError, readBody } from './http-body.ts'
import { isWebSeedUrl, planPieceRequests, type RangeRequest, type WebSeedLayout } from './web-seed-plan.ts'
import { WholeFile } from './whole-file.ts'

export interface WebSeedOptions {
  /** Defaults to the global fetch. */
  fetch?: typeof fetch
  /** Per HTTP request, headers and body together; for a whole file, the longest silence. */
  timeoutMs?: number
  /** Whole files held at once (default MAX_WHOLE_FILE_BYTES). */
  maxWholeFileBytes?: number
}

/** Range requests in flight at once for one piece. */
export const MAX_PARALLEL_REQUESTS = 4
export const DEFAULT_TIMEOUT_MS = 30_000
/** Whole files (from a server that ignores Range) held in memory at once, in bytes. */
export const MAX_WHOLE_FILE_BYTES = 64 * 1024 * 1024

/** One request's abort controller: follows the piece's signal until its answer becomes a shared whole file. */
interface Request {
  controller: AbortController
  timedOut: () => boolean
  /** Stops following the piece's signal and the request timer. */
  detach(): void
}

export class WebSeed {
  readonly url: string
  readonly #info: WebSeedLayout
  readonly #fetch: typeof fetch
  readonly #timeoutMs: number
  readonly #maxWhole: number
  #rangeSupport: 'unknown' | 'yes' | 'no' = 'unknown'
  /** Settles when the seed's first answer has arrived; other requests wait for it. */
  #probe: Promise<void> | null = null
  /** Whole files by URL, least recently used first. */
  readonly #whole = new Map<string, WholeFile>()
  /** Whole files are fetched one at a time. */
  #wholeQueue: Promise<unknown> = Promise.resolve()
  readonly #closed = new AbortController()

  constructor(url: string, info: WebSeedLayout, opts: WebSeedOptions = {}) {
    if (!isWebSeedUrl(url)) {
      throw new InvalidInputError(
        'WEBSEED_URL',
        `Web seed ${JSON.stringify(url)} is not an http:// or https:// URL; only those can be used in a browser, so leave it out.`,
      )
    }
    this.url = url
    this.#info = info
    this.#fetch = opts.fetch ?? ((input, init) => globalThis.fetch(input, init))
    this.#timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS
    this.#maxWhole = opts.maxWholeFileBytes ?? MAX_WHOLE_FILE_BYTES
  }

  /** True once the server answered a Range request with the whole file. */
  get ignoresRange(): boolean {
    return this.#rangeSupport === 'no'
  }

  /** Bytes of whole files held in memory now. */
  get heldBytes(): number {
    return [...this.#whole.values()].reduce((n, w) => n + w.length, 0)
  }

  /** Stops whole-file downloads and forgets what they held. */
  close(): void {
    this.#closed.abort()
    this.#whole.clear()
  }

  /** The `pieceSize` bytes of piece `index`, unverified. Rejects with WebSeedError or AbortError. */
  async fetchPiece(index: number, pieceSize: number, signal?: AbortSignal): Promise<Uint8Array> {
    const plan = planPieceRequests(this.#info, this.url, index, pieceSize)
    if (signal?.aborted || this.#closed.signal.aborted) throw new AbortError()
    const piece = new Uint8Array(pieceSize)
    // Aborted when the caller aborts or when one request fails, so the others stop too.
    const group = new AbortController()
    const onAbort = () => group.abort()
    signal?.addEventListener('abort', onAbort, { once: true })
    let next = 0
    const worker = async () => {
      while (next < plan.length && !group.signal.aborted) {
        const request = plan[next++]!
        piece.set(await this.#fetchRange(request, group.signal), request.pieceOffset)
      }
    }
    try {
      await Promise.all(Array.from({ length: Math.min(MAX_PARALLEL_REQUESTS, plan.length) }, worker))
      if (signal?.aborted) throw new AbortError()
      return piece
    } catch (err) {
      group.abort()
      if (signal?.aborted) throw new AbortError()
      throw err
    } finally {
      signal?.removeEventListener('abort', onAbort)
    }
  }

  async #fetchRange(request: RangeRequest, group: AbortSignal): Promise<Uint8Array> {
    for (;;) {
      const whole = this.#whole.get(request.url)
      if (whole) return this.#readWhole(whole, request, group)
      if (this.#rangeSupport === 'no') return this.#readWhole(await this.#openWhole(request, group), request, group)
      if (this.#rangeSupport === 'yes' || !this.#probe) break
      await untilAborted(this.#probe, group)
    }
    let endProbe: (() => void) | null = null
    if (this.#rangeSupport === 'unknown') {
      this.#probe = new Promise<void>((resolve) => (endProbe = resolve)).then(() => void (this.#probe = null))
    }
    try {
      return await this.#rangeRequest(request, group)
    } finally {
      ;(endProbe as (() => void) | null)?.()
    }
  }

  async #rangeRequest(request: RangeRequest, group: AbortSignal): Promise<Uint8Array> {
    const { url, start, end, fileLength } = request
    const what = describe(request)
    const req = this.#startRequest(group)
    try {
      const response = await this.#fetch(url, { headers: { Range: `bytes=${start}-${end}` }, signal: req.controller.signal })
      if (ignoredRange(response, start, end, fileLength)) {
        this.#rangeSupport = 'no'
        const whole = this.#adoptWhole(response, request, req)
        return await this.#readWhole(whole, request, group)
      }
      const want = end - start + 1
      if (response.status === 200 || response.status === 206) {
        const served = response.status === 206 ? contentRange(response.headers.get('content-range')) : null
        if (served && (served.start !== start || served.end !== end)) {
          await response.body?.cancel().catch(() => {})
          throw new WebSeedError('WEBSEED_HTTP', `The ${what} answered bytes ${served.start}-${served.end} instead; it will be retried later.`, {
            httpStatus: 206,
          })
        }
        if (response.status === 206) this.#rangeSupport = 'yes'
        const body = await readBody(response, want)
        if (body?.length !== want) throw lengthError(what, want, body)
        return body
      }
      await response.body?.cancel().catch(() => {})
      throw new WebSeedError(
        'WEBSEED_HTTP',
        `The ${what} answered HTTP ${response.status} instead of 206; it will be retried later (check that the server has the torrent's files at that URL).`,
        { httpStatus: response.status },
      )
    } catch (err) {
      throw this.#asWebSeedError(err, what, group, req.timedOut())
    } finally {
      req.detach()
    }
  }

  /** Fetches a whole file (the server ignores Range), one at a time; resolves once its body streams in. */
  #openWhole(request: RangeRequest, group: AbortSignal): Promise<WholeFile> {
    if (request.fileLength > this.#maxWhole) return Promise.reject(this.#tooLarge(request))
    const opened = this.#wholeQueue.then(async () => {
      const existing = this.#whole.get(request.url)
      if (existing) return existing
      const what = describe(request)
      const req = this.#startRequest(this.#closed.signal)
      try {
        const response = await this.#fetch(request.url, { signal: req.controller.signal })
        if (response.status !== 200 && response.status !== 206) {
          await response.body?.cancel().catch(() => {})
          throw new WebSeedError('WEBSEED_HTTP', `The ${what} answered HTTP ${response.status} instead of the file; it will be retried later.`, {
            httpStatus: response.status,
          })
        }
        return this.#adoptWhole(response, request, req)
      } catch (err) {
        req.detach()
        throw this.#asWebSeedError(err, what, this.#closed.signal, req.timedOut())
      }
    })
    this.#wholeQueue = opened.then(
      (whole) => whole.done,
      () => undefined,
    )
    return untilAborted(opened, group)
  }

  /** Makes `response` (the whole file) the shared copy of its file and streams its body in. */
  #adoptWhole(response: Response, request: RangeRequest, req: Request): WholeFile {
    const { url, fileLength } = request
    if (fileLength > this.#maxWhole) {
      void response.body?.cancel().catch(() => {})
      throw this.#tooLarge(request)
    }
    this.#makeRoom(fileLength)
    const whole = new WholeFile(fileLength)
    this.#whole.set(url, whole)
    req.detach()
    whole.done = this.#pump(whole, url, response, req.controller)
    return whole
  }

  /** Streams the body into `whole`; a silence longer than the timeout or a wrong length fails it. */
  async #pump(whole: WholeFile, url: string, response: Response, controller: AbortController): Promise<void> {
    const what = describe({ url, start: 0, end: whole.length - 1 })
    const onClose = () => controller.abort()
    this.#closed.signal.addEventListener('abort', onClose, { once: true })
    let timer = setTimeout(() => controller.abort(), this.#timeoutMs)
    try {
      const reader = response.body?.getReader()
      if (!reader) {
        if (!whole.push(new Uint8Array(await response.arrayBuffer()))) throw lengthError(what, whole.length, null)
      } else {
        for (;;) {
          const { done, value } = await reader.read()
          if (done) break
          clearTimeout(timer)
          timer = setTimeout(() => controller.abort(), this.#timeoutMs)
          if (!whole.push(value)) {
            await reader.cancel().catch(() => {})
            throw lengthError(what, whole.length, null)
          }
        }
      }
      if (!whole.complete) throw lengthError(what, whole.length, whole.bytes.subarray(0, whole.received))
    } catch (err) {
      const error = err instanceof WebSeedError ? err : this.#asWebSeedError(err, what, this.#closed.signal, controller.signal.aborted)
      whole.fail(error)
      if (this.#whole.get(url) === whole) this.#whole.delete(url)
    } finally {
      clearTimeout(timer)
      this.#closed.signal.removeEventListener('abort', onClose)
    }
  }

  async #readWhole(whole: WholeFile, request: RangeRequest, group: AbortSignal): Promise<Uint8Array> {
    try {
      const bytes = await whole.read(request.start, request.end, group)
      // Least recently used last; a file every byte of which was handed out is not needed again.
      this.#whole.delete(request.url)
      if (!whole.allServed) this.#whole.set(request.url, whole)
      return bytes
    } catch (err) {
      if (group.aborted) throw new AbortError()
      throw err
    }
  }

  /** Forgets whole files (least recently used first, finished ones only) until `length` more fits. */
  #makeRoom(length: number): void {
    let held = [...this.#whole.values()].reduce((n, w) => n + w.length, 0)
    for (const [url, whole] of this.#whole) {
      if (held + length <= this.#maxWhole) return
      if (!whole.complete && !whole.failed) continue
      this.#whole.delete(url)
      held -= whole.length
    }
  }

  #tooLarge({ url, fileLength }: RangeRequest): WebSeedError {
    return new WebSeedError(
      'WEBSEED_NO_RANGE',
      `The web seed ${url} ignores Range requests (it answers 200 with the whole ${fileLength}-byte file); files over ${this.#maxWhole} bytes cannot be read whole, so this web seed is not used.`,
      { httpStatus: 200, permanent: true },
    )
  }

  #startRequest(follow: AbortSignal): Request {
    const controller = new AbortController()
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      controller.abort()
    }, this.#timeoutMs)
    const onAbort = () => controller.abort()
    follow.addEventListener('abort', onAbort, { once: true })
    return {
      controller,
      timedOut: () => timedOut,
      detach: () => {
        clearTimeout(timer)
        follow.removeEventListener('abort', onAbort)
      },
    }
  }

  #asWebSeedError(err: unknown, what: string, aborted: AbortSignal, timedOut: boolean): Error {
    if (err instanceof WebSeedError || err instanceof AbortError) return err
    if (aborted.aborted) return new AbortError()
    if (timedOut) {
      return new WebSeedError('WEBSEED_TIMEOUT', `The ${what} did not answer within ${this.#timeoutMs} ms; it will be retried later.`, { cause: err })
    }
    return new WebSeedError(
      'WEBSEED_NETWORK',
      `The ${what} could not be reached (${err instanceof Error ? err.message : String(err)}); check the URL, and that the server allows cross-origin requests (CORS).`,
      { cause: err },
    )
  }
}

function describe({ url, start, end }: Pick<RangeRequest, 'url' | 'start' | 'end'>): string {
  return `web seed ${url} (bytes ${start}-${end})`
}

/** `promise`, or an AbortError as soon as `signal` aborts. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new AbortError())
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new AbortError())
    signal.addEventListener('abort', onAbort, { once: true })
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort)
        resolve(value)
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort)
        reject(err instanceof Error ? err : new Error(String(err)))
      },
    )
  })
}
