import { SwarmstreamError } from '../util/errors.ts'

export type WebSeedErrorCode = 'WEBSEED_HTTP' | 'WEBSEED_LENGTH' | 'WEBSEED_NETWORK' | 'WEBSEED_TIMEOUT'

/** A web seed (BEP 19 HTTP server) did not deliver a piece; the seed backs off, the torrent goes on. */
export class WebSeedError extends SwarmstreamError {
  override name = 'WebSeedError'
  declare readonly code: WebSeedErrorCode
  constructor(code: WebSeedErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options)
  }
}
