/**
 * Whole-piece buffers lent and taken back instead of allocated per piece: a fresh 64 KiB buffer per
 * piece per peer is most of the simulator's CPU (the allocation, and the garbage collections its
 * external memory forces). Every lent buffer counts its holders: `take` makes the first, `hold` adds
 * one, `give` ends one, and only a buffer nobody holds is lent again. A holder that never gives its
 * buffer back costs nothing but the reuse: the buffer is then ordinary garbage.
 */
export interface PieceBuffers {
  /** A buffer of `size` bytes (not zeroed: the taker overwrites all of it), held once by the caller. */
  take(size: number): Uint8Array
  /** One more holder of a buffer from `take` (unknown buffers are ignored). */
  hold(data: Uint8Array): void
  /** One holder is done with it; unknown buffers (not lent by this pool) are ignored. */
  give(data: Uint8Array): void
}

export class PieceBufferPool implements PieceBuffers {
  readonly #size: number
  #maxFree: number
  readonly #free: Uint8Array[] = []
  /** Holders of each buffer this pool made; 0 while it waits in `#free`. */
  readonly #holders = new WeakMap<Uint8Array, number>()
  /** Buffers this pool allocated (a reused one is not counted again). */
  allocated = 0
  /** Times a buffer was lent. */
  lent = 0

  /** Pools buffers of `size` bytes (other sizes are allocated each time); keeps at most `maxFree` idle ones. */
  constructor(size: number, maxFree: number) {
    this.#size = size
    this.#maxFree = maxFree
  }

  get free(): number {
    return this.#free.length
  }

  take(size: number): Uint8Array {
    if (size !== this.#size) return new Uint8Array(size)
    let data = this.#free.pop()
    if (!data) {
      data = new Uint8Array(size)
      this.allocated++
    }
    this.#holders.set(data, 1)
    this.lent++
    return data
  }

  hold(data: Uint8Array): void {
    const n = this.#holders.get(data)
    if (n === undefined) return
    if (n === 0) throw new Error('A piece buffer was held after it was given back by its last holder')
    this.#holders.set(data, n + 1)
  }

  /** Lets go of the idle buffers (buffers still held are given back as garbage later on). */
  drain(): void {
    for (const data of this.#free) this.#holders.delete(data)
    this.#free.length = 0
    this.#maxFree = 0
  }

  give(data: Uint8Array): void {
    const n = this.#holders.get(data)
    if (n === undefined) return
    if (n === 0) throw new Error('A piece buffer was given back more often than it was held')
    if (n > 1) return void this.#holders.set(data, n - 1)
    if (this.#free.length >= this.#maxFree) return void this.#holders.delete(data)
    this.#holders.set(data, 0)
    this.#free.push(data)
  }
}
