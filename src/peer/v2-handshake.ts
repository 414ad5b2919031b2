/*
 * BEP 52 handshakes, as libtorrent 2.0 speaks them. A torrent with a v2 half is known to peers by its v2
 * info hash truncated to 20 bytes; a hybrid one also by its v1 hash. A connection speaks v2 (hash
 * messages, per-block verification) when either handshake carries the truncated v2 hash:
 * - v2-only torrent: both sides send the v2 hash.
 * - hybrid, the side that speaks first sends the v1 hash with the v2 bit (reserved byte 7, 0x10): "I can
 *   upgrade". The answering side upgrades by answering with the v2 hash (libtorrent does, and so do we),
 *   or stays v1 (WebTorrent and other v1 clients answer with the v1 hash).
 * libtorrent sets the v2 bit only beside the v1 hash, never beside the v2 hash; so do we.
 */
import { bytesEqual } from '../util/bytes.ts'
import type { Handshake } from '../wire/index.ts'

export interface SwarmHashes {
  /** The swarm id: the v1 info hash, or the truncated v2 hash of a v2-only torrent. */
  infoHash: Uint8Array
  /** The truncated v2 info hash, for a torrent with a v2 half (v2 or hybrid). */
  v2InfoHash?: Uint8Array
}

/** A hybrid torrent: known by two hashes, so a connection may upgrade. */
export function isHybrid(hashes: SwarmHashes): boolean {
  return hashes.v2InfoHash !== undefined && !bytesEqual(hashes.v2InfoHash, hashes.infoHash)
}

/** Whether a peer's handshake names this torrent. */
export function namesTorrent(hashes: SwarmHashes, infoHash: Uint8Array): boolean {
  return bytesEqual(infoHash, hashes.infoHash) || (hashes.v2InfoHash !== undefined && bytesEqual(infoHash, hashes.v2InfoHash))
}

/**
 * The info hash and v2 bit of our handshake. `answering` is the peer's handshake when we answer one
 * (the accepting side of a hybrid torrent waits for it), null when we speak first.
 */
export function ourHandshake(hashes: SwarmHashes, answering: Handshake | null): { infoHash: Uint8Array; v2: boolean } {
  const { infoHash, v2InfoHash } = hashes
  if (!v2InfoHash) return { infoHash, v2: false }
  if (!isHybrid(hashes)) return { infoHash: v2InfoHash, v2: false }
  if (answering && (answering.v2 || bytesEqual(answering.infoHash, v2InfoHash))) return { infoHash: v2InfoHash, v2: false }
  return { infoHash, v2: true }
}

/** Whether the connection speaks v2: either handshake carried the truncated v2 hash. */
export function speaksV2(hashes: SwarmHashes, sent: Uint8Array, received: Uint8Array): boolean {
  const { v2InfoHash } = hashes
  return v2InfoHash !== undefined && (bytesEqual(sent, v2InfoHash) || bytesEqual(received, v2InfoHash))
}
