/**
 * Every error Swarmstream throws or emits is a SwarmstreamError with a stable `code`
 * and a message that says what went wrong and what to do about it.
 */
export class SwarmstreamError extends Error {
  readonly code: string
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = new.target.name
    this.code = code
  }
}

/** Input given by the user (magnet link, .torrent file, info hash) cannot be used. */
export class InvalidInputError extends SwarmstreamError {}

/** A peer broke the protocol; the peer is dropped, the torrent goes on. */
export class ProtocolError extends SwarmstreamError {}

/** Storage failed (quota, IndexedDB closed); the torrent cannot go on until it is fixed. */
export class StorageError extends SwarmstreamError {}

/** The operation was cancelled by its caller. */
export class AbortError extends SwarmstreamError {
  constructor(message = 'The operation was aborted.') {
    super('ABORTED', message)
  }
}
