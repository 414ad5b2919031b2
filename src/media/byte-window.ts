/** The bytes of a file read in order, kept from a moving start on, so that ranges can be cut out of them. */
export class ByteWindow {
  #chunks: Uint8Array[] = []
  /** File offset of the first kept chunk's first byte. */
  #start: number
  #end: number

  constructor(start: number) {
    this.#start = start
    this.#end = start
  }

  /** File offset just past the last byte read. */
  get end(): number {
    return this.#end
  }

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return
    this.#chunks.push(chunk)
    this.#end += chunk.length
  }

  /** Bytes [at, at + length), which must lie within the window: a view if one chunk holds them, else a copy. */
  take(at: number, length: number): Uint8Array {
    let position = this.#start
    let i = 0
    while (position + this.#chunks[i]!.length <= at) position += this.#chunks[i++]!.length
    const first = this.#chunks[i]!
    if (at + length <= position + first.length) return first.subarray(at - position, at - position + length)
    const out = new Uint8Array(length)
    for (let filled = 0; filled < length; i++) {
      const chunk = this.#chunks[i]!
      const from = Math.max(0, at + filled - position)
      const part = chunk.subarray(from, Math.min(chunk.length, from + length - filled))
      out.set(part, filled)
      filled += part.length
      position += chunk.length
    }
    return out
  }

  /** Forgets whole chunks that end at or before `at`. */
  dropBefore(at: number): void {
    while (this.#chunks.length > 0 && this.#start + this.#chunks[0]!.length <= at) this.#start += this.#chunks.shift()!.length
  }
}
