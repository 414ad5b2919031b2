import { SwarmstreamError } from '../util/errors.ts'

export type WebSeedErrorCode =
  | 'WEBSEED_HTTP'
  | 'WEBSEED_LENGTH'
  | 'WEBSEED_NETWORK'
  | 'WEBSEED_TIMEOUT'
  /** The server ignores Range and the file is too large to read whole: the seed cannot be used. */
  | 'WEBSEED_NO_RANGE'
  /** Its pieces failed verification too often: the seed is not used any more. */
  | 'WEBSEED_DEMOTED'

export interface WebSeedErrorOptions {
  cause?: unknown
  /** The HTTP status of the answer, when there was one. */
  httpStatus?: number
  /** Retrying cannot help: the seed should be dropped. */
  permanent?: boolean
}

/** A web seed (BEP 19 HTTP server) did not deliver a piece; the seed backs off (or is dropped), the torrent goes on. */
export class WebSeedError extends SwarmstreamError {
  override name = 'WebSeedError'
  declare readonly code: WebSeedErrorCode
  readonly httpStatus: number | undefined
  readonly permanent: boolean
  constructor(code: WebSeedErrorCode, message: string, options: WebSeedErrorOptions = {}) {
    super(code, message, options.cause === undefined ? undefined : { cause: options.cause })
    this.httpStatus = options.httpStatus
    this.permanent = options.permanent ?? false
  }
}
