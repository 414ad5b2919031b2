import { Bitfield } from '../util/bitfield.ts'
import type { WireMessage } from '../wire/index.ts'
import { SuperSeed, type MaskedPeer } from './super-seed.ts'

/** Test helpers for SuperSeed: a torrent of N pieces of PIECE bytes, and peers that record what they are sent. */
export const PIECE = 64 * 1024
export const N = 64

export function peer(has: number[] = []) {
  const sent: WireMessage[] = []
  const pieces = new Bitfield(N)
  for (const i of has) pieces.set(i)
  const p = { session: { pieces, peerInterested: true, closed: false, remotePlaying: false, send: (m: WireMessage) => void sent.push(m) }, sent }
  return p as MaskedPeer & { sent: WireMessage[]; session: { peerInterested: boolean; closed: boolean; remotePlaying: boolean } }
}

export const bitfieldIndexes = (bytes: Uint8Array) => Array.from({ length: N }, (_, i) => i).filter((i) => new Bitfield(N, bytes).get(i))

/** Every piece a peer was told of: its bitfield, then its haves. */
export function told(bitfield: Uint8Array, p: { sent: WireMessage[] }): number[] {
  const field = new Bitfield(N, bitfield)
  const fromField = Array.from({ length: N }, (_, i) => i).filter((i) => field.get(i))
  return [...fromField, ...p.sent.flatMap((m) => (m.type === 'have' ? [m.index] : []))]
}

/** A seed whose first peer was offered pieces 0–3 and then choked: its offers went back, yet it was told of them. */
export function reclaimedOffers() {
  const seed = new SuperSeed(N, () => PIECE)
  const choked = peer()
  seed.admit(choked, 0)
  seed.topUp(choked, 4 * PIECE)
  seed.reclaim(choked)
  return { seed, choked }
}
