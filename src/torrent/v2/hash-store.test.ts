import { describe, expect, it } from 'vitest'
import { hashBlocks, type HashRange } from '../../merkle/index.ts'
import { createTorrent } from '../../metainfo/create-torrent.ts'
import type { CreatedTorrent } from '../../metainfo/create-torrent.ts'
import { toHex } from '../../util/bytes.ts'
import { patternBytes } from '../../test-support/swarm-lab.ts'
import { layerRequests, leafRequest } from './geometry.ts'
import { V2HashStore } from './hash-store.ts'

const PIECE = 32768

async function made(sizes: number[], version: 'v2' | 'hybrid' = 'v2') {
  const files = sizes.map((size, i) => {
    const data = patternBytes(size, 40 + i)
    return { path: `f${i}.bin`, length: size, data, read: async (s: number, e: number) => data.subarray(s, e) }
  })
  const created: CreatedTorrent<(typeof files)[number]> = await createTorrent(files, { pieceLength: PIECE, version, name: 'set' })
  const { info } = created.metainfo
  /** The torrent's piece space, pad files as zeros. */
  const space = new Uint8Array(info.length)
  let i = 0
  for (const entry of info.files) if (!entry.padding) space.set(files[i++]!.data, entry.offset)
  const piece = (index: number) => space.subarray(index * PIECE, Math.min(info.length, (index + 1) * PIECE))
  return { created, info, space, piece }
}

describe('the v2 hash store', () => {
  it('answers every request a seed (whole trees) answers, from piece layers plus the pieces it holds', async () => {
    const { created, info, piece } = await made([300_000, 5_000, 70_001])
    const seed = await V2HashStore.create(info, created.metainfo.pieceLayers, created.trees)
    const leecher = await V2HashStore.create(info, created.metainfo.pieceLayers)
    const all = () => true
    const read = async (i: number) => piece(i)
    let compared = 0
    for (const entry of info.files) {
      if (!entry.piecesRoot) continue
      const tree = created.trees.get(toHex(entry.piecesRoot))!
      const layers = entry.length > PIECE ? layerRequests(info, entry.length) : []
      const leaves: HashRange[] = [{ baseLayer: 0, index: 0, length: 2, proofLayers: 1 }, { baseLayer: 1, index: 0, length: 1, proofLayers: 0 }]
      for (const range of [...layers, ...leaves]) {
        const expected = tree.answer(range)
        if (!expected) continue
        expect(await seed.answer(entry.piecesRoot, range, all, read), JSON.stringify(range)).toEqual(expected)
        expect(await leecher.answer(entry.piecesRoot, range, all, read), JSON.stringify(range)).toEqual(expected)
        compared++
      }
    }
    expect(compared).toBeGreaterThanOrEqual(5)
    // A piece we do not hold cannot give its leaves; a root no file has gets nothing.
    const fresh = await V2HashStore.create(info, created.metainfo.pieceLayers)
    const root = info.files[0]!.piecesRoot!
    expect(await fresh.answer(root, { baseLayer: 0, index: 0, length: 2, proofLayers: 1 }, () => false, read)).toBeNull()
    expect(await fresh.answer(new Uint8Array(32), { baseLayer: 1, index: 0, length: 1, proofLayers: 0 }, all, read)).toBeNull()
  })

  it('answers libtorrent-style leaf requests (a whole piece, proven above the piece layer) from the piece data', async () => {
    const { created, info, piece } = await made([500_000])
    const leecher = await V2HashStore.create(info, created.metainfo.pieceLayers)
    const tree = created.trees.get(toHex(info.files[0]!.piecesRoot!))!
    const range: HashRange = { baseLayer: 0, index: 2 * (PIECE / 16384), length: PIECE / 16384, proofLayers: 3 }
    expect(await leecher.answer(info.files[0]!.piecesRoot!, range, () => true, async (i) => piece(i))).toEqual(tree.answer(range))
  })

  it('fetches a piece layer in proven chunks of 512 hashes; a chunk that does not prove out is refused', async () => {
    const { created, info } = await made([700 * PIECE + 123])
    const entry = info.files[0]!
    const tree = created.trees.get(toHex(entry.piecesRoot!))!
    const store = await V2HashStore.create(info, new Map())
    expect(store.complete).toBe(false)
    const needs = store.missingLayers()
    expect(needs.map((n) => [n.range.index, n.range.length])).toEqual([
      [0, 512],
      [512, 256],
    ])
    const [first, second] = needs
    const bad = tree.answer(first!.range)!.map((h, i) => (i === 3 ? h.map((b) => b ^ 1) : h))
    expect(await store.acceptLayer(entry.piecesRoot!, first!.range, bad)).toBe(false)
    expect(await store.acceptLayer(entry.piecesRoot!, first!.range, tree.answer(first!.range)!)).toBe(true)
    expect(store.complete).toBe(false)
    expect(store.missingLayers()).toHaveLength(1)
    expect(await store.acceptLayer(entry.piecesRoot!, second!.range, tree.answer(second!.range)!)).toBe(true)
    expect(store.complete).toBe(true)
    const last = Math.ceil(entry.length / PIECE) - 1
    expect(store.pieceHash(last)).toEqual(tree.pieceHashes(PIECE)[last])
  })

  it('completes a piece layer whose chunks arrive out of order or at once', async () => {
    const { created, info } = await made([700 * PIECE + 123])
    const entry = info.files[0]!
    const tree = created.trees.get(toHex(entry.piecesRoot!))!
    const last = Math.ceil(entry.length / PIECE) - 1
    const backwards = await V2HashStore.create(info, new Map())
    const [first, second] = backwards.missingLayers()
    expect(await backwards.acceptLayer(entry.piecesRoot!, second!.range, tree.answer(second!.range)!)).toBe(true)
    expect(backwards.complete).toBe(false)
    expect(await backwards.acceptLayer(entry.piecesRoot!, first!.range, tree.answer(first!.range)!)).toBe(true)
    expect(backwards.pieceHash(last)).toEqual(tree.pieceHashes(PIECE)[last])
    const together = await V2HashStore.create(info, new Map())
    const answers = together.missingLayers().flatMap((n) => [n, n]).map((n) => together.acceptLayer(entry.piecesRoot!, n.range, tree.answer(n.range)!))
    expect(await Promise.all(answers)).toEqual([true, true, true, true])
    expect(together.complete).toBe(true)
    expect(together.pieceHash(0)).toEqual(tree.pieceHashes(PIECE)[0])
  })

  it('keeps a piece\'s leaves only when they prove out against its piece hash', async () => {
    const { created, info, piece } = await made([200_000])
    const store = await V2HashStore.create(info, created.metainfo.pieceLayers)
    const tree = created.trees.get(toHex(info.files[0]!.piecesRoot!))!
    const g = store.geometry(3)!
    const range = leafRequest(g)!
    const answer = tree.answer(range)!
    expect(await store.acceptLeaves(3, range, answer.map((h, i) => (i === 0 ? new Uint8Array(32) : h)))).toBeNull()
    expect(store.leaves(3)).toBeUndefined()
    expect(await store.acceptLeaves(3, range, answer)).toEqual(await hashBlocks(piece(3)))
    expect(store.leaves(3)).toHaveLength(PIECE / 16384)
  })

  it('checks a whole piece: its file bytes against the merkle tree, the padding after them as zeros', async () => {
    const { created, info, piece } = await made([40_000, 9_000])
    const store = await V2HashStore.create(info, created.metainfo.pieceLayers)
    // Piece 1 holds the tail of the first file, then padding.
    expect(store.geometry(1)).toMatchObject({ fileIndex: 0, dataLength: 40_000 - PIECE })
    expect(await store.checkPiece(1, piece(1))).toBe(true)
    const paddingNotZero = piece(1).slice()
    paddingNotZero[PIECE - 1] = 1
    expect(await store.checkPiece(1, paddingNotZero)).toBe(false)
    const changed = piece(2).slice()
    changed[0]! ^= 1
    expect(await store.checkPiece(2, changed)).toBe(false)
    expect(await store.checkPiece(2, piece(2))).toBe(true)
  })

  it('a seed knows every leaf from its trees; a piece of a single block is its own leaf', async () => {
    const { created, info } = await made([100_000, 10_000])
    const store = await V2HashStore.create(info, created.metainfo.pieceLayers, created.trees)
    const tree = created.trees.get(toHex(info.files[0]!.piecesRoot!))!
    expect(store.leaves(0)).toEqual([tree.node(0, 0), tree.node(0, 1)])
    const small = info.files.findIndex((f) => f.length === 10_000)
    const index = info.files[small]!.offset / PIECE
    expect(leafRequest(store.geometry(index)!)).toBeNull()
    expect(store.leaves(index)).toEqual([info.files[small]!.piecesRoot])
  })
})
