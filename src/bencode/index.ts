export { decode, decodePrefix, decodeWithSpans, MAX_DEPTH, type DecodeOptions, type DecodeResult } from './decode.ts'
export { encode, type Encodable } from './encode.ts'
export { BencodeError } from './errors.ts'
export { isDict, type BencodeDict, type BencodeValue } from './types.ts'
