import { BencodeError } from './errors.ts'
import type { BencodeDict, BencodeValue } from './types.ts'

/** Deeper nesting than this is refused rather than risking the call stack. */
export const MAX_DEPTH = 64

const I = 0x69, L = 0x6c, D = 0x64, E = 0x65, COLON = 0x3a, MINUS = 0x2d

export interface DecodeOptions {
  /**
   * Accept integers with leading zeros or `-0` and list them in `softErrors` (as libtorrent does)
   * instead of refusing them. Default false.
   */
  lenient?: boolean
}

export interface DecodeResult {
  value: BencodeValue
  /** Offset just past the decoded value. */
  end: number
  /** For a top-level dictionary: the [start, end) byte span of each value, e.g. to hash `info` exactly. */
  spans: Map<string, [number, number]>
  /**
   * Breaches of BEP 3's canonical form that were read anyway: dictionary keys out of order or
   * repeated (the first value is kept, as libtorrent does), and in lenient mode non-canonical integers.
   */
  softErrors: string[]
}

/** Decodes one value starting at `offset`; bytes after it are left for the caller (see `decode`). */
export function decodePrefix(bytes: Uint8Array, offset = 0, opts: DecodeOptions = {}): DecodeResult {
  const spans = new Map<string, [number, number]>()
  const softErrors: string[] = []
  let pos = offset

  function fail(message: string): never {
    throw new BencodeError(message, pos)
  }

  function soft(message: string, at: number): void {
    if (softErrors.length < 16) softErrors.push(`${message} at byte ${at}`)
  }

  function readInt(terminator: number): number {
    const start = pos
    let negative = false
    if (bytes[pos] === MINUS) {
      negative = true
      pos++
    }
    const digitsStart = pos
    let value = 0
    while (pos < bytes.length && bytes[pos] !== terminator) {
      const c = bytes[pos]! - 0x30
      if (c < 0 || c > 9) fail('Expected a digit')
      value = value * 10 + c
      pos++
    }
    if (pos >= bytes.length) fail('Unexpected end of data')
    const digits = pos - digitsStart
    if (digits === 0) fail('Empty number')
    if ((digits > 1 && bytes[digitsStart] === 0x30) || (negative && value === 0)) {
      if (!opts.lenient) fail(negative && value === 0 ? 'Negative zero' : 'Number with a leading zero')
      soft('Number not in canonical form', start)
    }
    if (!Number.isSafeInteger(value)) {
      pos = start
      fail('Number too large')
    }
    pos++ // terminator
    return negative && value !== 0 ? -value : value
  }

  function readBytes(): Uint8Array {
    const length = readInt(COLON)
    if (length < 0) fail('Negative string length')
    if (pos + length > bytes.length) fail('String runs past the end of data')
    const out = bytes.subarray(pos, pos + length)
    pos += length
    return out
  }

  function readValue(depth: number, topLevel: boolean): BencodeValue {
    if (depth > MAX_DEPTH) fail('Nesting too deep')
    if (pos >= bytes.length) fail('Unexpected end of data')
    const c = bytes[pos]!
    if (c === I) {
      pos++
      return readInt(E)
    }
    if (c === L) {
      pos++
      const list: BencodeValue[] = []
      while (bytes[pos] !== E) {
        if (pos >= bytes.length) fail('Unterminated list')
        list.push(readValue(depth + 1, false))
      }
      pos++
      return list
    }
    if (c === D) {
      pos++
      return readDict(depth, topLevel)
    }
    if (c >= 0x30 && c <= 0x39) return readBytes()
    return fail(`Unexpected byte 0x${c.toString(16)}`)
  }

  function readDict(depth: number, topLevel: boolean): BencodeDict {
    const dict: BencodeDict = Object.create(null) as BencodeDict
    let previous: string | null = null
    while (bytes[pos] !== E) {
      if (pos >= bytes.length) fail('Unterminated dictionary')
      const keyAt = pos
      const keyBytes = readBytes()
      let key = ''
      for (const b of keyBytes) key += String.fromCharCode(b)
      if (previous !== null && key <= previous) soft(key === previous ? 'Repeated key' : 'Keys out of order', keyAt)
      const start = pos
      const value = readValue(depth + 1, false)
      if (!(key in dict)) {
        dict[key] = value
        if (topLevel) spans.set(key, [start, pos])
      }
      previous = key
    }
    pos++
    return dict
  }

  const value = readValue(0, true)
  return { value, end: pos, spans, softErrors }
}

/** Decodes exactly one value; trailing bytes are an error. */
export function decode(bytes: Uint8Array, opts: DecodeOptions = {}): BencodeValue {
  return decodeWithSpans(bytes, opts).value
}

export function decodeWithSpans(bytes: Uint8Array, opts: DecodeOptions = {}): DecodeResult {
  const result = decodePrefix(bytes, 0, opts)
  if (result.end !== bytes.length) throw new BencodeError('Trailing bytes after the value', result.end)
  return result
}
