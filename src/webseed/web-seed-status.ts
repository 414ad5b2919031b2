import { SwarmstreamError } from '../util/errors.ts'
import { WebSeedError } from './errors.ts'
import type { WebSeedHealth, WebSeedProblem, WebSeedStatus } from './web-seed-health.ts'

/** What `torrent.webSeeds` reports for one web seed. */
export interface WebSeedStats {
  url: string
  /** Piece bytes it delivered. */
  downloaded: number
  /** Failed requests so far. */
  failures: number
  demoted: boolean
  status: WebSeedStatus
  /** Why it is failing, demoted or dropped, in a few words. */
  error?: string
  /** The HTTP status of its last failed answer, when there was one. */
  httpStatus?: number
}

/** A failure in a few words for the status line (the warning carries the whole sentence). */
export function problemOf(err: unknown): WebSeedProblem {
  if (!(err instanceof WebSeedError)) {
    return { code: err instanceof SwarmstreamError ? err.code : 'WEBSEED_NETWORK', message: err instanceof Error ? err.message : String(err) }
  }
  const { code, httpStatus } = err
  const words: Record<string, string> = {
    WEBSEED_HTTP: httpStatus === 206 ? 'the server answered another byte range' : `the server answered HTTP ${httpStatus ?? '?'}`,
    WEBSEED_NETWORK: 'the server could not be reached (down, wrong address, or no CORS)',
    WEBSEED_TIMEOUT: 'the server did not answer in time',
    WEBSEED_LENGTH: 'the server sent the wrong number of bytes',
    WEBSEED_NO_RANGE: 'the server ignores Range requests and the file is too large to read whole',
  }
  return { code, message: words[code] ?? err.message, ...(httpStatus !== undefined ? { httpStatus } : {}) }
}

export function webSeedStats(url: string, downloaded: number, health: WebSeedHealth): WebSeedStats {
  const { problem } = health
  return {
    url,
    downloaded,
    failures: health.failures,
    demoted: health.demoted,
    status: health.status,
    ...(problem && health.status !== 'working' && health.status !== 'idle' ? { error: problem.message } : {}),
    ...(problem?.httpStatus !== undefined && health.status !== 'working' && health.status !== 'idle' ? { httpStatus: problem.httpStatus } : {}),
  }
}

/**
 * Tells `warn` once per change of state into failing (or a different failure), demoted or dropped —
 * not at every retry. Call after every success, failure or failed verification.
 */
export class WebSeedReporter {
  #lastKey: string

  constructor(
    private readonly url: string,
    private readonly health: WebSeedHealth,
    private readonly warn: (error: SwarmstreamError) => void,
  ) {
    this.#lastKey = health.stateKey
  }

  /** `cause`: the error of the request that just failed, if that is what changed. */
  update(cause?: unknown): void {
    const key = this.health.stateKey
    if (key === this.#lastKey) return
    this.#lastKey = key
    const { status } = this.health
    if (status === 'working' || status === 'idle') return
    if (status === 'demoted') {
      this.warn(new WebSeedError('WEBSEED_DEMOTED', `The web seed ${this.url} sent data that failed verification ${this.health.hashFailures} times; it is no longer used.`))
    } else if (cause instanceof SwarmstreamError) this.warn(cause)
    else this.warn(new WebSeedError('WEBSEED_NETWORK', `The web seed ${this.url} failed: ${this.health.problem?.message ?? String(cause)}.`))
  }
}
