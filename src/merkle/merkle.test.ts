import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { pattern } from '../test-support/pattern.ts'
import {
  hashBlocks,
  hashRequestProblem,
  leafCount,
  MerkleTree,
  padHash,
  pieceHash,
  subtreeRoot,
  uncleCount,
  verifyBlock,
  verifyHashes,
  verifyPieceLayer,
  type HashRange,
} from './index.ts'

// An independent reference: Node's SHA-256 over the full tree, padded with zero leaves.
const sha = (...parts: Uint8Array[]): Uint8Array => new Uint8Array(createHash('sha256').update(Buffer.concat(parts)).digest())
const ZERO = new Uint8Array(32)
function referenceLayers(data: Uint8Array): Uint8Array[][] {
  const blocks = Math.ceil(data.length / 16384)
  const leaves = Array.from({ length: leafCount(blocks) }, (_, i) => (i < blocks ? sha(data.subarray(i * 16384, (i + 1) * 16384)) : ZERO))
  const layers = [leaves]
  while (layers[layers.length - 1]!.length > 1) {
    const below = layers[layers.length - 1]!
    layers.push(Array.from({ length: below.length / 2 }, (_, i) => sha(below[2 * i]!, below[2 * i + 1]!)))
  }
  return layers
}

const SIZES = [1, 16384, 16385, 3 * 16384, 5 * 16384 - 7, 8 * 16384, 17 * 16384 + 1]

describe('merkle tree math', () => {
  it('pad hashes are roots of all-zero subtrees', async () => {
    let expected: Uint8Array = ZERO
    for (let layer = 0; layer < 12; layer++) {
      expect(await padHash(layer), `layer ${layer}`).toEqual(expected)
      expected = sha(expected, expected)
    }
  })

  it.each(SIZES)('a file of %i bytes: root, every layer, piece hashes', async (size) => {
    const data = pattern(size, size)
    const reference = referenceLayers(data)
    const tree = await MerkleTree.fromBlockHashes(await hashBlocks(data))
    expect(tree.root).toEqual(reference[reference.length - 1]![0])
    expect(tree.height).toBe(reference.length - 1)
    for (let layer = 0; layer <= tree.height; layer++) {
      for (let i = 0; i < tree.width(layer); i++) expect(tree.node(layer, i), `node ${layer}/${i}`).toEqual(reference[layer]![i])
    }
    for (const pieceLength of [16384, 32768, 65536, 1 << 20]) {
      const hashes = tree.pieceHashes(pieceLength)
      expect(hashes).toHaveLength(Math.max(1, Math.ceil(size / pieceLength)))
      for (let p = 0; p < hashes.length; p++) {
        expect(await pieceHash(data.subarray(p * pieceLength, (p + 1) * pieceLength), pieceLength, size)).toEqual(hashes[p])
      }
    }
  })

  it('subtreeRoot pads with the pad hash of the layer', async () => {
    const a = sha(Uint8Array.of(1))
    expect(await subtreeRoot([a], 3, 2)).toEqual(sha(a, await padHash(3)))
    expect(await subtreeRoot([a], 0, 1)).toEqual(a)
  })
})

describe('piece layers', () => {
  const size = 11 * 16384 + 100
  const pieceLength = 32768

  it('a tree rebuilt from the piece layer has the same root and answers piece requests alike', async () => {
    const full = await MerkleTree.fromBlockHashes(await hashBlocks(pattern(size, 3)))
    const upper = await MerkleTree.fromPieceLayer(full.pieceHashes(pieceLength), pieceLength, size)
    expect(upper.root).toEqual(full.root)
    const request: HashRange = { baseLayer: 1, index: 0, length: 4, proofLayers: 2 }
    expect(upper.answer(request)).toEqual(full.answer(request))
    expect(upper.answer({ ...request, baseLayer: 0 }), 'no block hashes held').toBeNull()
  })

  it('verifyPieceLayer accepts the real layer and refuses a changed, short or long one', async () => {
    const tree = await MerkleTree.fromBlockHashes(await hashBlocks(pattern(size, 4)))
    const layer = [...tree.pieceHashes(pieceLength)]
    expect(await verifyPieceLayer(layer, pieceLength, size, tree.root)).toBe(true)
    const changed = layer.map((h, i) => (i === 2 ? h.map((b, j) => (j === 0 ? b ^ 1 : b)) : h))
    expect(await verifyPieceLayer(changed, pieceLength, size, tree.root)).toBe(false)
    expect(await verifyPieceLayer(layer.slice(1), pieceLength, size, tree.root)).toBe(false)
    expect(await verifyPieceLayer([...layer, layer[0]!], pieceLength, size, tree.root)).toBe(false)
  })
})

describe('hash requests and answers', () => {
  const size = 13 * 16384 - 5
  const blocks = 13

  it('every valid request is answered, and the answer proves itself against the root alone', async () => {
    const tree = await MerkleTree.fromBlockHashes(await hashBlocks(pattern(size, 5)))
    const root = (layer: number, index: number) => (layer === tree.height && index === 0 ? tree.root : undefined)
    let checked = 0
    for (let base = 0; base < tree.height; base++) {
      for (let length = 1; length <= tree.width(base); length++) {
        for (let index = 0; index + length <= tree.width(base); index += leafCount(length)) {
          const range = { baseLayer: base, index, length, proofLayers: tree.height - base - 1 }
          if (hashRequestProblem(range, blocks) !== null) continue
          const answer = tree.answer(range)!
          expect(answer, JSON.stringify(range)).not.toBeNull()
          expect(answer).toHaveLength(length + uncleCount(range))
          expect(await verifyHashes(range, answer, blocks, root)).toEqual(answer.slice(0, length))
          checked++
        }
      }
    }
    expect(checked).toBeGreaterThan(30)
  })

  it('fewer proof layers prove against a node trusted below the root', async () => {
    const tree = await MerkleTree.fromBlockHashes(await hashBlocks(pattern(size, 6)))
    const range = { baseLayer: 0, index: 4, length: 2, proofLayers: 1 }
    const answer = tree.answer(range)!
    expect(answer).toHaveLength(3)
    const trusted = (layer: number, index: number) => (layer === 2 && index === 1 ? tree.node(2, 1) : undefined)
    expect(await verifyHashes(range, answer, blocks, trusted)).toEqual(answer.slice(0, 2))
    expect(await verifyHashes(range, answer, blocks, () => undefined), 'nothing trusted').toBeNull()
  })

  it('a changed hash, a missing or extra one, or a bad range fails', async () => {
    const tree = await MerkleTree.fromBlockHashes(await hashBlocks(pattern(size, 7)))
    const root = (layer: number) => (layer === tree.height ? tree.root : undefined)
    const range = { baseLayer: 0, index: 8, length: 4, proofLayers: 3 }
    const answer = tree.answer(range)!
    for (let i = 0; i < answer.length; i++) {
      const bad = answer.map((h, j) => (j === i ? h.map((b, k) => (k === 31 ? b ^ 0x80 : b)) : h))
      expect(await verifyHashes(range, bad, blocks, root), `hash ${i} changed`).toBeNull()
    }
    expect(await verifyHashes(range, answer.slice(1), blocks, root)).toBeNull()
    expect(await verifyHashes(range, [...answer, answer[0]!], blocks, root)).toBeNull()
    expect(await verifyHashes({ ...range, index: 4 }, answer, blocks, root)).toBeNull()
  })

  it.each<[string, HashRange, number]>([
    ['zero length', { baseLayer: 0, index: 0, length: 0, proofLayers: 0 }, 16],
    ['too many hashes', { baseLayer: 0, index: 0, length: 8193, proofLayers: 0 }, 16384],
    ['past the end of the layer', { baseLayer: 0, index: 12, length: 8, proofLayers: 0 }, 16],
    ['a layer above the root', { baseLayer: 5, index: 0, length: 1, proofLayers: 0 }, 16],
    ['proof reaching the root', { baseLayer: 0, index: 0, length: 2, proofLayers: 4 }, 16],
    ['not an aligned subtree', { baseLayer: 0, index: 2, length: 4, proofLayers: 0 }, 16],
    ['a partial subtree inside the file', { baseLayer: 0, index: 0, length: 3, proofLayers: 0 }, 16],
    ['a fraction', { baseLayer: 0, index: 0.5, length: 1, proofLayers: 0 }, 16],
    ['an empty file', { baseLayer: 0, index: 0, length: 1, proofLayers: 0 }, 0],
  ])('refuses a request with %s', (_, range, fileBlocks) => {
    expect(hashRequestProblem(range, fileBlocks)).toEqual(expect.any(String))
  })
})

describe('verifying a block as it arrives', () => {
  const size = 9 * 16384 + 1
  const pieceLength = 65536

  it('against its piece hash and against the root, with the uncles in between', async () => {
    const data = pattern(size, 8)
    const tree = await MerkleTree.fromBlockHashes(await hashBlocks(data))
    const pieces = tree.pieceHashes(pieceLength)
    for (let block = 0; block < 10; block++) {
      const bytes = data.subarray(block * 16384, (block + 1) * 16384)
      const piece = Math.floor(block / 4)
      expect(await verifyBlock(bytes, block, tree.uncles(0, block, 2), pieces[piece]!), `block ${block} vs piece`).toBe(true)
      expect(await verifyBlock(bytes, block, tree.uncles(0, block, tree.height), tree.root), `block ${block} vs root`).toBe(true)
      const bad = bytes.slice()
      bad[0]! ^= 1
      expect(await verifyBlock(bad, block, tree.uncles(0, block, 2), pieces[piece]!)).toBe(false)
      expect(await verifyBlock(bytes, block ^ 1, tree.uncles(0, block, 2), pieces[piece]!), 'wrong position').toBe(false)
    }
    expect(await verifyBlock(new Uint8Array(16385), 0, [], tree.root), 'larger than a block').toBe(false)
  })
})
