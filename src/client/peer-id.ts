import { utf8Encode } from '../util/bytes.ts'

/** Azureus-style client prefix, like WebTorrent's `-WW0300-`: "SS" for Swarmstream, version 0.1.0. */
export const PEER_ID_PREFIX = '-SS0010-'

/** 20 bytes: the prefix then 12 base64 characters of 9 random bytes. */
export function createPeerId(): Uint8Array {
  const random = new Uint8Array(9)
  crypto.getRandomValues(random)
  let binary = ''
  for (const b of random) binary += String.fromCharCode(b)
  return utf8Encode(PEER_ID_PREFIX + btoa(binary))
}
