import { EXTENT_BYTES, type PickerGeometry } from './types.ts'

/**
 * The order new pieces are started in: rarest first; equally rare pieces by a random 1 MiB extent
 * (drawn once per picker), then in order within it, so a seeder reads each extent sequentially.
 */
export class RarestFirst {
  readonly #extentPieces: number
  readonly #extentRank: Float64Array

  constructor(geometry: PickerGeometry, random: () => number) {
    this.#extentPieces = Math.max(1, Math.floor(EXTENT_BYTES / geometry.pieceLength))
    this.#extentRank = new Float64Array(Math.ceil(geometry.numPieces / this.#extentPieces)).map(() => random())
  }

  /** Sorts `pieces` in place by that order, given each piece's availability. */
  sort(pieces: number[], availability: (index: number) => number): number[] {
    const rank = this.#extentRank
    const extent = this.#extentPieces
    return pieces.sort((a, b) => availability(a) - availability(b) || rank[Math.floor(a / extent)]! - rank[Math.floor(b / extent)]! || a - b)
  }
}
