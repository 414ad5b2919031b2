/** A bencoded value: integers, byte strings, lists and dictionaries (keys as binary strings). */
export type BencodeValue = number | Uint8Array | BencodeValue[] | BencodeDict

/** Dictionary keys are binary strings (one char per byte), so their order is the byte order BEP 3 asks for. */
export interface BencodeDict {
  [key: string]: BencodeValue | undefined
}

export function isDict(value: BencodeValue | undefined): value is BencodeDict {
  return typeof value === 'object' && value !== null && !(value instanceof Uint8Array) && !Array.isArray(value)
}
