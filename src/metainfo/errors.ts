import { InvalidInputError } from '../util/errors.ts'

/** The bytes given as a .torrent file cannot be used. */
export class InvalidTorrentError extends InvalidInputError {
  override name = 'InvalidTorrentError'
  constructor(message: string, options?: { cause?: unknown }) {
    super('INVALID_TORRENT', message, options)
  }
}

/** The magnet link or bare info hash cannot be used. */
export class InvalidMagnetError extends InvalidInputError {
  override name = 'InvalidMagnetError'
  constructor(message: string, options?: { cause?: unknown }) {
    super('INVALID_MAGNET', message, options)
  }
}

/** Throws the InvalidTorrentError for an info dictionary that breaks the rules: says what and what to do. */
export function brokenTorrent(problem: string): never {
  throw new InvalidTorrentError(`This .torrent file is broken: ${problem}. Ask the sender for a new .torrent file or use the magnet link instead.`)
}
