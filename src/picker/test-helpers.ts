/**
 * libtorrent-style picker fixtures (test_piece_picker.cpp): one character per piece.
 *   availability  digit: how many peers have the piece (peer k has it when the digit is > k)
 *   have          '*': we have it
 *   wanted        '0': not wanted (default: all wanted)
 *   partial       hex digit: blocks already received, block 0 = 8, block 1 = 4, block 2 = 2, block 3 = 1
 * Pieces have BLOCKS_PER_PIECE blocks, so a partial digit covers a whole piece.
 */
import { Bitfield } from '../util/bitfield.ts'
import { BLOCK_LENGTH, PiecePicker, type BlockRequest, type PickOptions } from './piece-picker.ts'

export const BLOCKS_PER_PIECE = 4
export const FIXTURE_PIECE_LENGTH = BLOCKS_PER_PIECE * BLOCK_LENGTH

export interface PickerFixture {
  picker: PiecePicker
  /** The synthetic peers behind the availability string. */
  peers: object[]
}

export const never = () => false

export function allPieces(n: number): Bitfield {
  const b = new Bitfield(n)
  b.setAll()
  return b
}

/** A bitfield from a string: any character but ' ' and '0' is a piece the peer has. */
export function bits(pattern: string): Bitfield {
  const b = new Bitfield(pattern.length)
  for (let i = 0; i < pattern.length; i++) if (pattern[i] !== ' ' && pattern[i] !== '0') b.set(i)
  return b
}

export function setupPicker(availability: string, have: string, wanted = '', partial = '', random = () => 0.5): PickerFixture {
  const n = availability.length
  const picker = new PiecePicker({ numPieces: n, pieceLength: FIXTURE_PIECE_LENGTH, length: n * FIXTURE_PIECE_LENGTH }, random)
  const peerCount = Math.max(0, ...[...availability].map(Number))
  const peers = Array.from({ length: peerCount }, () => ({}))
  peers.forEach((peer, k) => picker.peerBitfield(peer, bits([...availability].map((d) => (Number(d) > k ? '1' : '0')).join(''))))
  for (let i = 0; i < n; i++) if (have[i] === '*') picker.markHave(i)
  if (wanted) picker.setWanted((i) => wanted[i] !== '0')
  const filler = {}
  for (let i = 0; i < partial.length; i++) {
    const mask = parseInt(partial[i]!, 16) || 0
    if (mask === 0) continue
    const only = new Bitfield(n)
    only.set(i)
    for (const r of picker.pick(filler, only, BLOCKS_PER_PIECE, never)) {
      if (mask & (8 >> (r.begin / BLOCK_LENGTH))) picker.received(r.index, r.begin)
      else picker.released(r.index, r.begin)
    }
  }
  return { picker, peers }
}

/** Availability as a string of digits, for comparing with a fixture. */
export function availabilityOf(picker: PiecePicker): string {
  return Array.from({ length: picker.numPieces }, (_, i) => String(picker.availability(i))).join('')
}

/** The piece of the first block picked for a peer having `pieces` (all by default); -1 when nothing. */
export function testPick(picker: PiecePicker, pieces: Bitfield = allPieces(picker.numPieces), peer: object = {}, opts: PickOptions = {}): number {
  return picker.pick(peer, pieces, 1, never, opts)[0]?.index ?? -1
}

/** Piece:block keys of a batch, for readable expectations. */
export function blocksOf(requests: readonly BlockRequest[]): string[] {
  return requests.map((r) => `${r.index}:${r.begin / BLOCK_LENGTH}`)
}
