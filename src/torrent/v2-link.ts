/*
 * Where the core meets BitTorrent v2: loads the v2 session (its own sibling module in the library build,
 * fetched only when a v2 or hybrid torrent starts) and checks a fetched info dictionary against a v2 hash.
 */
import { bytesEqual } from '../util/bytes.ts'
import type { Hasher } from '../util/sha1.ts'
import { sha256 } from '../util/sha256.ts'
import type { V2Session, V2SessionDeps } from './v2/v2-session.ts'

export async function loadV2Session(deps: V2SessionDeps): Promise<V2Session> {
  const { V2Session } = await import('./v2/v2-session.ts')
  return new V2Session(deps)
}

/**
 * Whether `bytes` are the info dictionary of a torrent with a v2 half: their SHA-256 is the v2 info hash,
 * and for a hybrid torrent (whose swarm id is the v1 hash) their SHA-1 is the v1 hash too.
 */
export async function isV2InfoDictionary(bytes: Uint8Array, infoHash: Uint8Array, infoHashV2: Uint8Array, sha1: Hasher): Promise<boolean> {
  if (!bytesEqual(await sha256(bytes), infoHashV2)) return false
  return bytesEqual(infoHash, infoHashV2.subarray(0, 20)) || bytesEqual(await sha1(bytes), infoHash)
}
