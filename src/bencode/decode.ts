import { BencodeError } from './errors.ts'
import type { BencodeDict, BencodeValue } from './types.ts'

/** Deeper nesting than this is refused rather than risking the call stack. */
export const MAX_DEPTH = 64

const I = 0x69, L = 0x6c, D = 0x64, E = 0x65, COLON = 0x3a, MINUS = 0x2d

export interface DecodeResult {
  value: BencodeValue
  /** Offset just past the decoded value. */
  end: number
  /** For a top-level dictionary: the [start, end) byte span of each value, e.g. to hash `info` exactly. */
  spans: Map<string, [number, number]>
}

/** Decodes one value starting at `offset`; bytes after it are left for the caller (see `decode`). */
export function decodePrefix(bytes: Uint8Array, offset = 0): DecodeResult {
  const spans = new Map<string, [number, number]>()
  let pos = offset

  function fail(message: string): never {
    throw new BencodeError(message, pos)
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
    if (digits > 1 && bytes[digitsStart] === 0x30) fail('Number with a leading zero')
    if (negative && value === 0) fail('Negative zero')
    if (!Number.isSafeInteger(value)) {
      pos = start
      fail('Number too large')
    }
    pos++ // terminator
    return negative ? -value : value
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
      const dict: BencodeDict = Object.create(null) as BencodeDict
      while (bytes[pos] !== E) {
        if (pos >= bytes.length) fail('Unterminated dictionary')
        const keyBytes = readBytes()
        let key = ''
        for (const b of keyBytes) key += String.fromCharCode(b)
        const start = pos
        dict[key] = readValue(depth + 1, false)
        if (topLevel) spans.set(key, [start, pos])
      }
      pos++
      return dict
    }
    if (c >= 0x30 && c <= 0x39) return readBytes()
    return fail(`Unexpected byte 0x${c.toString(16)}`)
  }

  const value = readValue(0, true)
  return { value, end: pos, spans }
}

/** Decodes exactly one value; trailing bytes are an error. */
export function decode(bytes: Uint8Array): BencodeValue {
  return decodeWithSpans(bytes).value
}

export function decodeWithSpans(bytes: Uint8Array): DecodeResult {
  const result = decodePrefix(bytes, 0)
  if (result.end !== bytes.length) throw new BencodeError('Trailing bytes after the value', result.end)
  return result
}
