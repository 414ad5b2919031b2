import type { HashRange } from '../../merkle/index.ts'

/** A `hash request` we sent and wait an answer for. */
export interface PendingHashes {
  /** 'layer': piece hashes of a file; 'leaves': the block hashes of one piece. */
  kind: 'layer' | 'leaves'
  root: Uint8Array
  range: HashRange
  /** The piece whose leaves were asked for (kind 'leaves'). */
  piece: number
  sentAt: number
}

/** The hash exchange's state for one peer (its slot in the peer record). */
export class PeerHashes {
  readonly pending: PendingHashes[] = []
  /** Answers to its requests still being computed. */
  answering = 0
  /** It refused a piece layer (it may not have it yet): not asked for one again before this time. */
  layersRefusedUntil = 0
}

export function sameRange(a: HashRange, b: HashRange): boolean {
  return a.baseLayer === b.baseLayer && a.index === b.index && a.length === b.length && a.proofLayers === b.proofLayers
}
