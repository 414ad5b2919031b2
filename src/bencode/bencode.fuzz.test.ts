import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { BencodeError, MAX_DEPTH, decode, encode, type BencodeValue } from './index.ts'

/** Decodes; any error must be a BencodeError, and no decoded string may be longer than the input. */
function check(input: Uint8Array): void {
  let value: BencodeValue
  try {
    value = decode(input)
  } catch (err) {
    expect(err).toBeInstanceOf(BencodeError)
    return
  }
  expect(stringBytes(value)).toBeLessThanOrEqual(input.length)
}

function stringBytes(v: BencodeValue): number {
  if (typeof v === 'number') return 0
  if (v instanceof Uint8Array) return v.length
  if (Array.isArray(v)) return v.reduce((n: number, x) => n + stringBytes(x), 0)
  return Object.values(v).reduce((n: number, x) => n + (x === undefined ? 0 : stringBytes(x)), 0)
}

const value: fc.Arbitrary<BencodeValue> = fc.letrec<{ v: BencodeValue }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.maxSafeInteger(),
    fc.uint8Array({ maxLength: 20 }),
    fc.array(tie('v'), { maxLength: 4 }),
    fc.dictionary(fc.string({ maxLength: 6 }), tie('v'), { maxKeys: 4 }).map((d) => Object.assign(Object.create(null) as Record<string, BencodeValue>, d)),
  ),
})).v

/** Bencode's own alphabet makes random input reach deep into the parser. */
const tokens = fc
  .array(fc.constantFrom('i', 'e', 'l', 'd', ':', '-', '0', '1', '9', '4:spam', '99999999999999999999:', 'i-0e', 'x'), { maxLength: 60 })
  .map((t) => new TextEncoder().encode(t.join('')))

describe('bencode fuzzing', () => {
  it('random bytes: only BencodeError, strings within the input', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), check), { numRuns: 12_000 })
  })

  it('random token soup (deep nesting, huge lengths, bad numbers): only BencodeError', () => {
    fc.assert(fc.property(tokens, check), { numRuns: 12_000 })
  })

  it('valid encodings with corrupted, cut or inserted bytes: only BencodeError', () => {
    const mutated = fc.tuple(value, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom('set', 'cut', 'insert')), { maxLength: 3 }))
    fc.assert(
      fc.property(mutated, ([v, edits]) => {
        let bytes = encode(v)
        expect(decode(bytes)).toEqual(v)
        for (const [at, b, op] of edits) {
          const i = at % (bytes.length + 1)
          if (op === 'set' && i < bytes.length) bytes[i] = b
          else if (op === 'cut') bytes = bytes.slice(0, i)
          else bytes = Uint8Array.from([...bytes.subarray(0, i), b, ...bytes.subarray(i)])
        }
        check(bytes)
      }),
      { numRuns: 12_000 },
    )
  })

  it('nesting past MAX_DEPTH is a BencodeError, not a stack overflow', () => {
    fc.assert(
      fc.property(fc.integer({ min: MAX_DEPTH + 2, max: 200_000 }), (depth) => {
        expect(() => decode(new TextEncoder().encode('l'.repeat(depth) + 'e'.repeat(depth)))).toThrow(BencodeError)
      }),
      { numRuns: 200 },
    )
  })
})
