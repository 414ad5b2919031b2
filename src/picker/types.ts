/** The request unit (BEP 3 convention, what WebTorrent asks for and serves). */
export const BLOCK_LENGTH = 16384
/**
 * Equally rare pieces are taken a 1 MiB extent at a time (libtorrent's piece extent affinity), so a
 * seeder's disk and cache reads stay sequential; extents are visited in a random order per picker.
 */
export const EXTENT_BYTES = 1024 * 1024
/** In endgame a block may be requested from this many peers at once. */
export const MAX_DUPLICATE_REQUESTS = 2
/**
 * In endgame only a block requested at least this long ago is requested again (twice the request
 * scheduler's 0.5 s pipeline): a younger one is most likely on its way, and its copy would be thrown away.
 */
export const ENDGAME_AFTER_MS = 1000
/** A block a reader is waiting for may be requested from this many fast peers at once (torrent-stream). */
export const MAX_CRITICAL_REQUESTS = 3

export interface BlockRequest {
  index: number
  begin: number
  length: number
}

export interface PickerGeometry {
  numPieces: number
  pieceLength: number
  /** Total bytes of the torrent. */
  length: number
}

export type BlockArrival = 'new' | 'duplicate' | 'unexpected'

/** Streaming priorities: pieces readers wait for now, then the read-ahead windows, each in order. */
export interface Priorities {
  critical: readonly number[]
  readahead: readonly number[]
  /** A stream is starting: nothing but these pieces is requested (see ReaderSet). */
  readersOnly?: boolean
}

export interface PickOptions {
  /** This peer is among the fastest: it may get duplicate requests for critical blocks. */
  critical?: boolean
  /** The caller's clock, for the age of requests (endgame duplicates only blocks asked for ENDGAME_AFTER_MS ago). */
  now?: number
}

/** Whether `peer` already has the block at (`index`, `begin`) requested (a duplicate must not repeat it). */
export type InFlight = (index: number, begin: number) => boolean
