// An abstract-chunk-store (the callback API WebTorrent stores implement) that lies: WebTorrent, told
// with `skipVerify` that it holds every piece, serves whatever `get()` returns. Pieces it lies about
// come back as fresh random bytes on every read; the others are read from `source`, the real file.
// Loaded by webtorrent-attacker.html; WebTorrent constructs it as `new Store(pieceLength, opts)`.

export interface LyingStoreOptions {
  /** Torrent length in bytes (WebTorrent passes it). */
  length: number
  /** The real content, for the pieces told truthfully; null when every piece is a lie. */
  source: Blob | null
  /** Lie about pieces whose index is a multiple of this (1: every piece). */
  lieEvery: number
}

type Callback<T> = (err: Error | null, value?: T) => void

/** Largest size crypto.getRandomValues fills at once. */
const RANDOM_CHUNK = 65536

function randomBytes(length: number): Uint8Array {
  const out = new Uint8Array(length)
  for (let at = 0; at < length; at += RANDOM_CHUNK) crypto.getRandomValues(out.subarray(at, Math.min(length, at + RANDOM_CHUNK)))
  return out
}

export class LyingChunkStore {
  readonly chunkLength: number
  readonly #length: number
  readonly #source: Blob | null
  readonly #lieEvery: number
  /** Pieces served as garbage at least once, and bytes of garbage served. */
  readonly lies = { pieces: new Set<number>(), bytes: 0 }

  constructor(chunkLength: number, opts: LyingStoreOptions) {
    if (!(opts.lieEvery >= 1)) throw new Error('lieEvery must be 1 or more')
    if (opts.lieEvery > 1 && !opts.source) throw new Error('a store that tells the truth about some pieces needs the real file')
    this.chunkLength = chunkLength
    this.#length = opts.length
    this.#source = opts.source
    this.#lieEvery = opts.lieEvery
    ;(globalThis as { lyingStores?: LyingChunkStore[] }).lyingStores?.push(this)
  }

  /** Accepts and forgets: this peer claims every piece already. */
  put(_index: number, _buf: Uint8Array, cb: Callback<void> = () => {}): void {
    queueMicrotask(() => cb(null))
  }

  get(index: number, opts: { offset?: number; length?: number } | null | Callback<Uint8Array>, cb?: Callback<Uint8Array>): void {
    if (typeof opts === 'function') return this.get(index, null, opts)
    const done = cb ?? (() => {})
    const pieceStart = index * this.chunkLength
    const pieceLength = Math.min(this.chunkLength, this.#length - pieceStart)
    const offset = opts?.offset ?? 0
    const length = opts?.length ?? pieceLength - offset
    if (index < 0 || offset < 0 || offset + length > pieceLength) return queueMicrotask(() => done(new Error(`bad read of piece ${index}`)))
    if (index % this.#lieEvery === 0) {
      this.lies.pieces.add(index)
      this.lies.bytes += length
      return queueMicrotask(() => done(null, randomBytes(length)))
    }
    this.#source!.slice(pieceStart + offset, pieceStart + offset + length)
      .arrayBuffer()
      .then((buf) => done(null, new Uint8Array(buf)), (err: unknown) => done(err as Error))
  }

  close(cb: Callback<void> = () => {}): void {
    queueMicrotask(() => cb(null))
  }

  destroy(cb: Callback<void> = () => {}): void {
    queueMicrotask(() => cb(null))
  }
}
