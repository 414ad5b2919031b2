/** BEP 3 bitfield: bit 0 is the high bit of byte 0. */
export class Bitfield {
  readonly length: number
  readonly bytes: Uint8Array
  #count = 0

  constructor(length: number, bytes?: Uint8Array) {
    this.length = length
    this.bytes = new Uint8Array(Math.ceil(length / 8))
    if (bytes) {
      this.bytes.set(bytes.subarray(0, this.bytes.length))
      // Spare bits past `length` are never considered set.
      const spare = this.bytes.length * 8 - length
      if (spare > 0) this.bytes[this.bytes.length - 1]! &= (0xff << spare) & 0xff
      for (let i = 0; i < length; i++) if (this.get(i)) this.#count++
    }
  }

  get(index: number): boolean {
    if (index < 0 || index >= this.length) return false
    return (this.bytes[index >> 3]! & (0x80 >> (index & 7))) !== 0
  }

  set(index: number, value = true): void {
    if (index < 0 || index >= this.length || this.get(index) === value) return
    if (value) this.bytes[index >> 3]! |= 0x80 >> (index & 7)
    else this.bytes[index >> 3]! &= ~(0x80 >> (index & 7))
    this.#count += value ? 1 : -1
  }

  setAll(): void {
    for (let i = 0; i < this.length; i++) this.set(i)
  }

  /** Number of set bits. */
  get count(): number {
    return this.#count
  }

  get complete(): boolean {
    return this.#count === this.length
  }

  /** True when `bytes` has spare bits set past `length` (BEP 3 says drop such a peer). */
  static hasSpareBits(length: number, bytes: Uint8Array): boolean {
    const spare = bytes.length * 8 - length
    if (spare <= 0) return false
    return (bytes[bytes.length - 1]! & (0xff >> (8 - spare))) !== 0
  }
}
