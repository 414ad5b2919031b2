import { Bitfield } from '../util/bitfield.ts'
import { ProtocolError } from '../util/errors.ts'

/**
 * What a peer announced before we knew the piece count (a magnet link before its metadata): a bitfield,
 * have-all and haves (as a bitmap of at most `maxPieces` bits, not one entry per message), replayed
 * once the count is known; anything invalid then is a protocol error.
 */
export class PendingPieces {
  #bitfield: Uint8Array | null = null
  #haveAll = false
  #haves = new Uint8Array(0)

  constructor(private readonly maxPieces: number) {}

  bitfield(bytes: Uint8Array): void {
    if (bytes.length > Math.ceil(this.maxPieces / 8)) {
      throw new ProtocolError('BAD_BITFIELD', `Bitfield of ${bytes.length} bytes; no torrent we accept has that many pieces`)
    }
    // A copy: the message is a view into the peer's chunk, which need not stay alive until metadata arrives.
    this.#bitfield = bytes.slice()
  }

  haveAll(): void {
    this.#haveAll = true
  }

  have(index: number): void {
    if (index >= this.maxPieces) throw new ProtocolError('BAD_HAVE', `Have for piece ${index}; no torrent we accept has that many pieces`)
    const byte = index >> 3
    if (byte >= this.#haves.length) {
      const grown = new Uint8Array(Math.min(Math.ceil(this.maxPieces / 8), Math.max(byte + 1, this.#haves.length * 2)))
      grown.set(this.#haves)
      this.#haves = grown
    }
    this.#haves[byte] = (this.#haves[byte] ?? 0) | (0x80 >> (index & 7))
  }

  /** Applies everything kept to `pieces` (throws ProtocolError when it does not fit) and forgets it. */
  replay(pieces: Bitfield): void {
    const { length } = pieces
    const bitfield = this.#bitfield
    const haves = this.#haves
    const haveAll = this.#haveAll
    this.#bitfield = null
    this.#haves = new Uint8Array(0)
    this.#haveAll = false
    if (haveAll) pieces.setAll()
    if (bitfield) {
      const checked = PendingPieces.checkedBitfield(length, bitfield)
      for (let i = 0; i < length; i++) if (checked.get(i)) pieces.set(i)
    }
    for (let i = 0; i < haves.length * 8; i++) if ((haves[i >> 3]! & (0x80 >> (i & 7))) !== 0) PendingPieces.checkedHave(pieces, i)
  }

  /** BEP 3: a bitfield of the wrong length or with spare bits set is a protocol error. */
  static checkedBitfield(length: number, bytes: Uint8Array): Bitfield {
    if (bytes.length !== Math.ceil(length / 8)) throw new ProtocolError('BAD_BITFIELD', `Bitfield of ${bytes.length} bytes for ${length} pieces`)
    if (Bitfield.hasSpareBits(length, bytes)) throw new ProtocolError('BAD_BITFIELD', 'Bitfield has spare bits set')
    return new Bitfield(length, bytes)
  }

  static checkedHave(pieces: Bitfield, index: number): void {
    if (index >= pieces.length) throw new ProtocolError('BAD_HAVE', `Have for piece ${index} of ${pieces.length}`)
    pieces.set(index)
  }
}
