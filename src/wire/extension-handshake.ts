import { decode, encode, isDict, type BencodeValue, type Encodable } from '../bencode/index.ts'
import { utf8Decode } from '../util/bytes.ts'
import { ProtocolError, SwarmstreamError } from '../util/errors.ts'

/**
 * BEP 10 extension handshake (extended message id 0). Fields not listed here are ignored.
 * `m` maps extension names to the id the sender wants to receive them on; 0 means the
 * extension is disabled (kept so a later handshake can switch one off).
 */
export interface ExtensionHandshake {
  m: Record<string, number>
  metadataSize?: number
  v?: string
  reqq?: number
  /**
   * Ours, `ss_sup` (clients without it ignore the key): 1, the sender may ask a seeder that masks its pieces
   * (super-seeding) for a piece it needs now though not offered, and serves such asks when it masks;
   * SS_MASKING, the same, and the sender holds every piece while it shows us only some.
   */
  superSeed?: number
  /**
   * Ours, `ss_play`: the sender reads a file in playing order now (a player streams), so a seeder should not rank
   * it as a whole-file downloader; sent again when that changes.
   */
  playing?: boolean
}

/** `ss_sup` of a seeder that masks its pieces from the receiver. */
export const SS_MASKING = 2

function isExtensionId(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 255
}

function isPositiveInt(value: BencodeValue | undefined): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0
}

/** The bencoded payload for extended id 0; WebTorrent's `bencode` parses it. */
export function encodeExtensionHandshake(h: ExtensionHandshake): Uint8Array {
  const m: Record<string, number> = {}
  for (const [name, id] of Object.entries(h.m)) {
    if (!isExtensionId(id)) {
      throw new SwarmstreamError('INVALID_ARGUMENT', `Extension id for "${name}" must be an integer 0..255, got ${id}.`)
    }
    m[name] = id
  }
  if (h.metadataSize !== undefined && !isPositiveInt(h.metadataSize)) {
    throw new SwarmstreamError('INVALID_ARGUMENT', `metadataSize must be a positive integer, got ${h.metadataSize}.`)
  }
  if (h.reqq !== undefined && !isPositiveInt(h.reqq)) {
    throw new SwarmstreamError('INVALID_ARGUMENT', `reqq must be a positive integer, got ${h.reqq}.`)
  }
  const dict: { [key: string]: Encodable | undefined } = { m, metadata_size: h.metadataSize, v: h.v, reqq: h.reqq, ss_sup: h.superSeed, ss_play: h.playing ? 1 : undefined }
  return encode(dict)
}

function bad(message: string, cause?: unknown): ProtocolError {
  return new ProtocolError('BAD_EXTENSION_HANDSHAKE', `${message}; the peer is broken, drop it.`, { cause })
}

/**
 * Parses the extension handshake. A payload that is not a bencoded dict, an `m` that is not a
 * dict of ids 0..255, or a `metadata_size` that is not a positive integer throws ProtocolError.
 * A malformed `v`, `reqq`, `ss_sup` or `ss_play` is only informational and is dropped instead.
 */
export function decodeExtensionHandshake(payload: Uint8Array): ExtensionHandshake {
  let value: BencodeValue
  try {
    value = decode(payload)
  } catch (err) {
    throw bad('The extension handshake is not valid bencode', err)
  }
  if (!isDict(value)) throw bad('The extension handshake is not a dictionary')

  const m: Record<string, number> = {}
  const rawM = value['m']
  if (rawM !== undefined) {
    if (!isDict(rawM)) throw bad('The extension handshake "m" is not a dictionary')
    for (const name of Object.keys(rawM)) {
      const id = rawM[name]
      if (!isExtensionId(id)) throw bad(`Extension "${name}" has id ${String(id)}, not an integer 0..255`)
      m[name] = id
    }
  }
  const out: ExtensionHandshake = { m }

  const size = value['metadata_size']
  if (size !== undefined) {
    if (!isPositiveInt(size)) throw bad(`metadata_size is ${String(size)}, not a positive integer`)
    out.metadataSize = size
  }
  const v = value['v']
  if (v instanceof Uint8Array) out.v = utf8Decode(v)
  const reqq = value['reqq']
  if (isPositiveInt(reqq)) out.reqq = reqq
  const ss = value['ss_sup']
  if (isPositiveInt(ss)) out.superSeed = ss
  if (value['ss_play'] === 1) out.playing = true
  return out
}
