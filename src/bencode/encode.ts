import { concatBytes, utf8Encode } from '../util/bytes.ts'
import { SwarmstreamError } from '../util/errors.ts'
import { isDict, type BencodeValue } from './types.ts'

/** Values accepted by `encode`: bencode values plus plain strings (UTF-8) for convenience. */
export type Encodable = BencodeValue | string | Encodable[] | { [key: string]: Encodable | undefined }

function binaryKey(key: string): Uint8Array {
  const out = new Uint8Array(key.length)
  for (let i = 0; i < key.length; i++) out[i] = key.charCodeAt(i) & 0xff
  return out
}

function ascii(text: string): Uint8Array {
  return utf8Encode(text)
}

function encodeInto(value: Encodable, parts: Uint8Array[]): void {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new SwarmstreamError('BENCODE_ENCODE', `Cannot bencode the non-integer ${value}`)
    parts.push(ascii(`i${value}e`))
  } else if (typeof value === 'string') {
    const bytes = utf8Encode(value)
    parts.push(ascii(`${bytes.length}:`), bytes)
  } else if (value instanceof Uint8Array) {
    parts.push(ascii(`${value.length}:`), value)
  } else if (Array.isArray(value)) {
    parts.push(ascii('l'))
    for (const item of value) encodeInto(item, parts)
    parts.push(ascii('e'))
  } else if (isDict(value as BencodeValue)) {
    parts.push(ascii('d'))
    const obj = value as { [key: string]: Encodable | undefined }
    // Keys are binary strings, so code-unit order is byte order.
    for (const key of Object.keys(obj).sort()) {
      const item = obj[key]
      if (item === undefined) continue
      const k = binaryKey(key)
      parts.push(ascii(`${k.length}:`), k)
      encodeInto(item, parts)
    }
    parts.push(ascii('e'))
  } else {
    throw new SwarmstreamError('BENCODE_ENCODE', `Cannot bencode a value of type ${typeof value}`)
  }
}

export function encode(value: Encodable): Uint8Array {
  const parts: Uint8Array[] = []
  encodeInto(value, parts)
  return concatBytes(parts)
}
