import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { encode, type Encodable } from '../bencode/index.ts'
import { InvalidInputError } from '../util/errors.ts'
import { InvalidMagnetError } from './errors.ts'
import { parseInfoDictionary } from './info-dictionary.ts'
import { formatMagnet, parseInfoHash, parseMagnet } from './magnet.ts'
import { parseTorrentFile } from './torrent-file.ts'

/** Field values of every type, mostly wrong, sometimes right. */
const anything: fc.Arbitrary<Encodable> = fc.oneof(
  fc.integer({ min: -5, max: 2 ** 40 }),
  fc.constantFrom(0, 1, 16384, 2 ** 53 - 1, -1),
  fc.string({ maxLength: 12 }),
  fc.constantFrom('', '..', '/', 'a/b', '\u0000', 'ok.bin'),
  fc.uint8Array({ maxLength: 60 }),
  fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
)
const fileEntry = fc.record(
  {
    length: anything,
    path: fc.oneof(anything, fc.array(fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('..', '', '.')), { maxLength: 3 })),
  },
  { requiredKeys: [] },
)
const infoDict = fc.record(
  {
    name: anything,
    'piece length': fc.oneof(anything, fc.constantFrom(16384, 2 ** 27)),
    pieces: fc.oneof(anything, fc.nat({ max: 5 }).map((n) => new Uint8Array(n * 20))),
    length: anything,
    files: fc.oneof(anything, fc.array(fileEntry, { maxLength: 4 })),
    private: anything,
  },
  { requiredKeys: [] },
)

/** BEP 52 file trees: mostly well-formed leaves and folders, sometimes fields of every type. */
const goodLeaf = fc
  .record({ length: fc.nat({ max: 70_000 }), 'pieces root': fc.uint8Array({ minLength: 32, maxLength: 32 }).map((r) => ((r[0] = 1), r)) })
  .map((leaf) => ({ '': leaf.length === 0 ? { length: 0 } : leaf }))
const oddLeaf = fc
  .record(
    {
      length: fc.oneof(anything, fc.nat({ max: 70_000 })),
      'pieces root': fc.oneof(anything, fc.uint8Array({ minLength: 32, maxLength: 32 })),
      attr: fc.constantFrom('', 'p', 'l', 'x', 'h', 'lx'),
      'symlink path': fc.array(fc.string({ maxLength: 4 }), { maxLength: 2 }),
    },
    { requiredKeys: [] },
  )
  .map((leaf) => ({ '': leaf }))
const fileTree: fc.Arbitrary<Encodable> = fc.letrec<{ node: Encodable }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small' },
    { arbitrary: goodLeaf, weight: 6 },
    { arbitrary: fc.dictionary(fc.constantFrom('a', 'b', 'B', '10', '9', 'é', '..', ''), tie('node'), { minKeys: 1, maxKeys: 4 }), weight: 4 },
    { arbitrary: oddLeaf, weight: 1 },
    { arbitrary: anything, weight: 1 },
  ),
})).node
const v1Half = fc.oneof(
  { arbitrary: fc.constant({}), weight: 8 },
  { arbitrary: fc.record({ files: fc.array(fileEntry, { maxLength: 3 }), pieces: fc.nat({ max: 8 }).map((n) => new Uint8Array(n * 20)) }), weight: 1 },
  { arbitrary: fc.record({ length: fc.nat({ max: 100_000 }), pieces: fc.nat({ max: 8 }).map((n) => new Uint8Array(n * 20)) }), weight: 1 },
)
const v2InfoDict = fc
  .tuple(
    fc.record({
      'file tree': fc.dictionary(fc.constantFrom('a', 'b', '10', 'é'), fileTree, { minKeys: 1, maxKeys: 4 }),
      'meta version': fc.constantFrom(2, 2, 2, 2, 2, 2, 1, 3),
      name: fc.constantFrom('n', 'n', 'n', 'n', '..', ''),
      'piece length': fc.constantFrom(16384, 32768, 16384, 32768, 3 * 16384),
    }),
    v1Half,
  )
  .map(([v2, v1]) => ({ ...v2, ...v1 }))

function typedOnly(err: unknown): void {
  expect(err).toBeInstanceOf(InvalidInputError)
}

describe('metainfo fuzzing', () => {
  it('info dictionaries with fields of every type: parsed or InvalidInputError, nothing larger than the input', () => {
    fc.assert(
      fc.property(infoDict, (dict) => {
        const raw = encode(dict as Encodable)
        try {
          const info = parseInfoDictionary(raw)
          expect(info.pieceHashes.length * 20).toBeLessThanOrEqual(raw.length)
          expect(info.files.length).toBeLessThanOrEqual(raw.length)
        } catch (err) {
          typedOnly(err)
        }
      }),
      { numRuns: 12_000 },
    )
  })

  it('v2 and hybrid info dictionaries: parsed or InvalidInputError; a parsed one is one contiguous, aligned layout', () => {
    fc.assert(
      fc.property(v2InfoDict, (dict) => {
        const raw = encode(dict as Encodable)
        try {
          const info = parseInfoDictionary(raw, { infoHashes: { v1: '1'.repeat(40), v2: '2'.repeat(64) } })
          let offset = 0
          for (const f of info.files) {
            expect(f.offset).toBe(offset)
            if (f.piecesRoot && info.version !== 'v1') expect(f.offset % info.pieceLength).toBe(0)
            offset += f.length
          }
          expect(info.length).toBe(offset)
          expect(new Set(info.files.filter((f) => !f.padding).map((f) => f.path.toLowerCase())).size).toBe(info.files.filter((f) => !f.padding).length)
        } catch (err) {
          typedOnly(err)
        }
      }),
      { numRuns: 8_000 },
    )
  })

  it('.torrent files, random, truncated or corrupted: parsed or InvalidInputError', async () => {
    const valid = encode({ announce: 'wss://t.example', info: { name: 'a.bin', 'piece length': 16384, length: 40_000, pieces: new Uint8Array(60) } })
    const input = fc.oneof(
      fc.uint8Array({ maxLength: 100 }),
      fc.nat({ max: valid.length }).map((n) => valid.slice(0, n)),
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 3 }).map((flips) => {
        const out = valid.slice()
        for (const [at, v] of flips) out[at % out.length] = v
        return out
      }),
      infoDict.map((info) => encode({ info: info as Encodable })),
    )
    await fc.assert(
      fc.asyncProperty(input, async (bytes) => {
        try {
          await parseTorrentFile(bytes)
        } catch (err) {
          typedOnly(err)
        }
      }),
      { numRuns: 6_000 },
    )
  })

  it('magnet links, random or mutated: parsed or InvalidMagnetError', () => {
    const valid = formatMagnet({ infoHashHex: 'c9e15763f722f23e98a29decdfae341b98d53056', name: 'x y', trackers: ['wss://t.example/a?b=c'], webSeeds: ['https://e.example/f'] })
    const input = fc.oneof(
      fc.string({ maxLength: 120 }),
      fc.string({ unit: 'binary', maxLength: 80 }).map((s) => `magnet:?${s}`),
      fc
        .array(fc.tuple(fc.constantFrom('xt', 'dn', 'tr', 'ws', 'so', 'xl', 'xs', 'tr.1', 'XT'), fc.string({ maxLength: 50 })), { maxLength: 6 })
        .map((params) => `magnet:?${params.map(([k, v]) => `${k}=${v}`).join('&')}`),
      fc.constantFrom('urn:btih:', 'urn:btmh:1220', 'so=', '%', '%zz', '0-', '-1', '99999999999999999999', '&&', '=').chain((piece) =>
        fc.nat({ max: valid.length }).map((at) => valid.slice(0, at) + piece + valid.slice(at)),
      ),
    )
    fc.assert(
      fc.property(input, (uri) => {
        try {
          parseMagnet(uri)
        } catch (err) {
          expect(err).toBeInstanceOf(InvalidMagnetError)
        }
      }),
      { numRuns: 15_000 },
    )
  })

  it('info hashes of every length and alphabet: 20 bytes or null, never a throw', () => {
    const input = fc.oneof(fc.string({ maxLength: 60 }), fc.stringMatching(/^[0-9a-fA-F]{0,50}$/), fc.stringMatching(/^[A-Z2-7]{0,40}$/))
    fc.assert(
      fc.property(input, (text) => {
        const hash = parseInfoHash(text)
        if (hash !== null) expect(hash.length).toBe(20)
      }),
      { numRuns: 10_000 },
    )
  })
})
