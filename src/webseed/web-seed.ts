import { concatBytes } from '../util/bytes.ts'
import { AbortError, InvalidInputError } from '../util/errors.ts'
import { WebSeedError } from './errors.ts'
import { isWebSeedUrl, planPieceRequests, type RangeRequest, type WebSeedLayout } from './web-seed-plan.ts'

export interface WebSeedOptions {
  /** Defaults to the global fetch. */
  fetch?: typeof fetch
  /** Per HTTP request, headers and body together. */
  timeoutMs?: number
}

/** Range requests in flight at once for one piece. */
export const MAX_PARALLEL_REQUESTS = 4
export const DEFAULT_TIMEOUT_MS = 30_000
/** A server that ignores Range is used only for files up to this size: each piece costs the whole file. */
export const MAX_WHOLE_FILE_BYTES = 64 * 1024 * 1024

/**
 * One BEP 19 web seed: fetches whole pieces with HTTP Range requests.
 * Never checks piece hashes; the caller does, and reports bad pieces to WebSeedHealth.
 */
export class WebSeed {
  readonly url: string
  readonly #info: WebSeedLayout
  readonly #fetch: typeof fetch
  readonly #timeoutMs: number

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
  }

  /** The `pieceSize` bytes of piece `index`, unverified. Rejects with WebSeedError or AbortError. */
  async fetchPiece(index: number, pieceSize: number, signal?: AbortSignal): Promise<Uint8Array> {
    const plan = planPieceRequests(this.#info, this.url, index, pieceSize)
    if (signal?.aborted) throw new AbortError()
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
    const { url, start, end, fileLength } = request
    const what = `web seed ${url} (bytes ${start}-${end})`
    const controller = new AbortController()
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      controller.abort()
    }, this.#timeoutMs)
    const onAbort = () => controller.abort()
    group.addEventListener('abort', onAbort, { once: true })
    try {
      const response = await this.#fetch(url, { headers: { Range: `bytes=${start}-${end}` }, signal: controller.signal })
      const want = end - start + 1
      if (response.status === 206) {
        const served = contentRange(response.headers.get('content-range'))
        if (served && (served.start !== start || served.end !== end)) {
          await response.body?.cancel().catch(() => {})
          throw new WebSeedError(
            'WEBSEED_HTTP',
            `The ${what} answered bytes ${served.start}-${served.end} instead; it will be retried later.`,
          )
        }
        const body = await readBody(response, want)
        if (body?.length !== want) throw lengthError(what, want, body)
        return body
      }
      if (response.status === 200) {
        // The server ignored Range and sends the whole file.
        if (fileLength > MAX_WHOLE_FILE_BYTES) {
          await response.body?.cancel().catch(() => {})
          throw new WebSeedError(
            'WEBSEED_HTTP',
            `The ${what} answered HTTP 200 with the whole ${fileLength}-byte file instead of 206; a server must support Range requests to seed files this large.`,
          )
        }
        const body = await readBody(response, fileLength)
        if (body?.length !== fileLength) throw lengthError(`${what}, answered with the whole file,`, fileLength, body)
        return body.subarray(start, end + 1)
      }
      await response.body?.cancel().catch(() => {})
      throw new WebSeedError(
        'WEBSEED_HTTP',
        `The ${what} answered HTTP ${response.status} instead of 206; it will be retried later (check that the server has the torrent's files at that URL).`,
      )
    } catch (err) {
      if (err instanceof WebSeedError) throw err
      if (group.aborted) throw new AbortError()
      if (timedOut) {
        throw new WebSeedError('WEBSEED_TIMEOUT', `The ${what} did not answer within ${this.#timeoutMs} ms; it will be retried later.`, {
          cause: err,
        })
      }
      throw new WebSeedError(
        'WEBSEED_NETWORK',
        `The ${what} could not be reached (${err instanceof Error ? err.message : String(err)}); check the URL, and that the server allows cross-origin requests (CORS).`,
        { cause: err },
      )
    } finally {
      clearTimeout(timer)
      group.removeEventListener('abort', onAbort)
    }
  }
}

function lengthError(what: string, want: number, body: Uint8Array | null): WebSeedError {
  const got = body === null ? `more than ${want}` : String(body.length)
  return new WebSeedError('WEBSEED_LENGTH', `The ${what} sent ${got} bytes instead of ${want}; it will be retried later.`)
}

function contentRange(header: string | null): { start: number; end: number } | null {
  const match = header ? /^bytes (\d+)-(\d+)\//i.exec(header.trim()) : null
  return match ? { start: Number(match[1]), end: Number(match[2]) } : null
}

/** The body, or null as soon as it grows past `limit` bytes. */
async function readBody(response: Response, limit: number): Promise<Uint8Array | null> {
  if (!response.body) {
    const bytes = new Uint8Array(await response.arrayBuffer())
    return bytes.length > limit ? null : bytes
  }
  const reader = response.body.getReader()
  const chunks: Uint8Array[] = []
  let length = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) return chunks.length === 1 ? chunks[0]! : concatBytes(chunks)
    length += value.length
    if (length > limit) {
      await reader.cancel().catch(() => {})
      return null
    }
    chunks.push(value)
  }
}
