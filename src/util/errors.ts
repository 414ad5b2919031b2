/**
 * Every error Swarmstream throws or emits is a SwarmstreamError with a stable `code`
 * and a message that says what went wrong and what to do about it.
 *
 * Each error class spells out its `name`: minifiers rename classes, and `err.name` must not change
 * with the build (src/util/errors.test.ts checks every error class for it).
 */
export class SwarmstreamError extends Error {
  override name = 'SwarmstreamError'
  readonly code: string
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.code = code
  }
}

/** Input given by the user (magnet link, .torrent file, info hash) cannot be used. */
export class InvalidInputError extends SwarmstreamError {
  override name = 'InvalidInputError'
}

/** A peer broke the protocol; the peer is dropped, the torrent goes on. */
export class ProtocolError extends SwarmstreamError {
  override name = 'ProtocolError'
}

/** Storage failed (quota, IndexedDB closed); the torrent cannot go on until it is fixed. */
export class StorageError extends SwarmstreamError {
  override name = 'StorageError'
}

/** The operation was cancelled by its caller. */
export class AbortError extends SwarmstreamError {
  override name = 'AbortError'
  constructor(message = 'The operation was aborted.') {
    super('ABORTED', message)
  }
}
