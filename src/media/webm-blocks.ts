// Cuts a WebM byte stream on whole elements before it goes to a SourceBuffer. Firefox's MediaSource
// drops every frame of the rest of a cluster when one append ends inside a block (Chromium does not);
// cuts between blocks are fine in both. Pure.
import { concatBytes } from '../util/bytes.ts'
import { EBML_ID, vint } from './ebml.ts'

/** Past this many bytes without a whole element, the bytes go on uncut (a broken or exotic file). */
const MAX_HELD_BYTES = 8 * 1024 * 1024

/** Masters whose children stream one after the other: only their header has to be whole. */
const STREAMED_MASTERS = new Set<number>([EBML_ID.Segment, EBML_ID.Cluster])

export class WebmBlockCutter {
  #held = new Uint8Array(0)
  #uncut = false

  /** Takes the next bytes of the stream; returns what may be appended now (ending on a whole element). */
  push(chunk: Uint8Array): Uint8Array {
    const bytes = this.#held.length === 0 ? chunk : concatBytes([this.#held, chunk])
    const cut = this.#uncut ? bytes.length : this.#wholeElementsEnd(bytes)
    if (bytes.length - cut > MAX_HELD_BYTES) {
      this.#uncut = true
      this.#held = new Uint8Array(0)
      return bytes
    }
    this.#held = bytes.slice(cut)
    return bytes.subarray(0, cut)
  }

  /** The bytes still held, at the end of the stream. */
  flush(): Uint8Array {
    const rest = this.#held
    this.#held = new Uint8Array(0)
    return rest
  }

  /** Offset after the last whole element (or streamed master header) in `bytes`. */
  #wholeElementsEnd(bytes: Uint8Array): number {
    let at = 0
    while (at < bytes.length) {
      if (bytes[at] === 0) {
        this.#uncut = true // not an element ID: stop cutting, Firefox and Chromium report what they make of it
        return bytes.length
      }
      const id = vint(bytes, at, true)
      const size = id && vint(bytes, at + id.length, false)
      if (!id || !size) return at
      const body = at + id.length + size.length
      if (STREAMED_MASTERS.has(id.value)) {
        at = body
        continue
      }
      if (size.unknown) {
        this.#uncut = true
        return bytes.length
      }
      if (body + size.value > bytes.length) return at
      at = body + size.value
    }
    return at
  }
}
