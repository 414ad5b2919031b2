import { EXTENT_BYTES, type PickerGeometry } from './types.ts'

/**
 * The order new pieces are started in: rarest first; equally rare pieces by a random 1 MiB extent
 * (drawn once per picker), then in order within it, so a seeder reads each extent sequentially.
 */
export class RarestFirst {
  /** Each piece's place in the tie order (extent rank, then index), and the piece at each place. */
  readonly #place: Uint32Array
  readonly #piece: Uint32Array

  constructor(geometry: PickerGeometry, random: () => number) {
    const extent = Math.max(1, Math.floor(EXTENT_BYTES / geometry.pieceLength))
    const rank = new Float64Array(Math.ceil(geometry.numPieces / extent)).map(() => random())
    this.#piece = new Uint32Array(geometry.numPieces).map((_, i) => i).sort((a, b) => rank[Math.floor(a / extent)]! - rank[Math.floor(b / extent)]! || a - b)
    this.#place = new Uint32Array(geometry.numPieces)
    this.#piece.forEach((piece, place) => (this.#place[piece] = place))
  }

  /** `pieces` in that order, given each piece's availability (one numeric key each: a sort without a comparator). */
  sort(pieces: number[], availability: (index: number) => number): number[] {
    const n = this.#place.length
    const keys = Float64Array.from(pieces, (i) => availability(i) * n + this.#place[i]!).sort()
    return Array.from(keys, (key) => this.#piece[key % n]!)
  }
}
