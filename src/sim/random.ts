/**
 * Seeded randomness for the simulator: every random choice of a run (session tie-breaks and optimistic
 * unchokes, peer ids, join times, link parameters, the tracker's peer subsets) comes from one of these,
 * each forked from the run's seed by a label, so adding a consumer never shifts the others' draws.
 */
export class Rng {
  #a: number
  #b: number
  #c: number
  #d: number

  constructor(seed: number | string) {
    const h = typeof seed === 'number' ? hashString(`n:${seed}`) : hashString(seed)
    this.#a = h[0]!
    this.#b = h[1]!
    this.#c = h[2]!
    this.#d = h[3]!
    for (let i = 0; i < 12; i++) this.next()
  }

  /** A uniform draw in [0, 1) (sfc32). */
  next(): number {
    const t = (((this.#a + this.#b) | 0) + this.#d) | 0
    this.#d = (this.#d + 1) | 0
    this.#a = this.#b ^ (this.#b >>> 9)
    this.#b = (this.#c + (this.#c << 3)) | 0
    this.#c = (this.#c << 21) | (this.#c >>> 11)
    this.#c = (this.#c + t) | 0
    return (t >>> 0) / 4294967296
  }

  /** The draw function session code takes (`() => number`). */
  get fn(): () => number {
    return () => this.next()
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n)
  }

  /** A uniform draw in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next()
  }

  /** An exponential draw with the given mean (Poisson arrivals). */
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.next())
  }

  bytes(length: number): Uint8Array {
    const out = new Uint8Array(length)
    for (let i = 0; i < length; i++) out[i] = this.int(256)
    return out
  }

  /** Fisher–Yates, in place. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1)
      ;[items[i], items[j]] = [items[j]!, items[i]!]
    }
    return items
  }
}

/** A child generator for one purpose, independent of every other label's. */
export function fork(seed: number, label: string): Rng {
  return new Rng(`${seed}/${label}`)
}

/** cyrb128: four 32-bit words from a string. */
function hashString(str: string): number[] {
  let h1 = 1779033703
  let h2 = 3144134277
  let h3 = 1013904242
  let h4 = 2773480762
  for (let i = 0; i < str.length; i++) {
    const k = str.charCodeAt(i)
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067)
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233)
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213)
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179)
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067)
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233)
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213)
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179)
  h1 ^= h2 ^ h3 ^ h4
  h2 ^= h1
  h3 ^= h1
  h4 ^= h1
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0]
}
