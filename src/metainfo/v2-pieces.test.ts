import { describe, expect, it } from 'vitest'
import { createTorrent } from './create-torrent.ts'
import { pieceCount } from './layout.ts'
import { pattern, seedInputs } from './test-helpers.ts'
import { encodeTorrentFile, parseTorrentFile } from './torrent-file.ts'
import { v2PieceAt, v2PieceHash, verifyV2Piece } from './v2-pieces.ts'

const files = [
  { path: 'd/a', data: pattern(70_000, 41) },
  { path: 'd/b', data: pattern(10, 42) },
  { path: 'd/c', data: pattern(32_768, 43) },
]

describe('v2 pieces: where each piece sits in its file tree, and checking it', () => {
  for (const version of ['v2', 'hybrid'] as const) {
    it(`${version}: every piece maps to its file and verifies; a changed or short piece does not`, async () => {
      const { metainfo } = await createTorrent(seedInputs(files), { version, pieceLength: 32768 })
      const space = new Uint8Array(metainfo.info.length)
      const byPath = new Map(files.map((f) => [f.path, f.data]))
      for (const f of metainfo.info.files) if (!f.padding) space.set(byPath.get(f.path)!, f.offset)
      const seen: string[] = []
      for (let i = 0; i < pieceCount(metainfo.info); i++) {
        const piece = v2PieceAt(metainfo.info, i)!
        seen.push(`${piece.file.path}#${piece.pieceInFile}:${piece.dataLength}`)
        const data = space.subarray(i * 32768, i * 32768 + piece.dataLength)
        expect(await verifyV2Piece(metainfo, i, data), `piece ${i}`).toBe(true)
        const changed = data.slice()
        changed[data.length - 1]! ^= 1
        expect(await verifyV2Piece(metainfo, i, changed)).toBe(false)
        expect(await verifyV2Piece(metainfo, i, data.subarray(1))).toBe(false)
      }
      expect(seen).toEqual(['d/a#0:32768', 'd/a#1:32768', 'd/a#2:4464', 'd/b#0:10', 'd/c#0:32768'])
    })
  }

  it('a piece whose layer the .torrent left out has no known hash yet', async () => {
    const { metainfo } = await createTorrent(seedInputs(files), { version: 'v2', pieceLength: 32768 })
    const bare = await parseTorrentFile(encodeTorrentFile({ info: metainfo.info.raw, announce: [], pieceLayers: new Map() }))
    expect(v2PieceHash(bare, v2PieceAt(bare.info, 1)!)).toBeUndefined()
    expect(await verifyV2Piece(bare, 1, new Uint8Array(32768))).toBeUndefined()
    expect(v2PieceHash(bare, v2PieceAt(bare.info, 3)!), 'a file of one piece: its root').toEqual(bare.info.files.find((f) => f.path === 'd/b')!.piecesRoot)
  })

  it('nothing for v1 torrents or pieces outside the torrent', async () => {
    const { metainfo } = await createTorrent(seedInputs(files), { pieceLength: 32768 })
    expect(v2PieceAt(metainfo.info, 0)).toBeNull()
    const v2 = (await createTorrent(seedInputs(files), { version: 'v2', pieceLength: 32768 })).metainfo
    expect(v2PieceAt(v2.info, -1)).toBeNull()
    expect(v2PieceAt(v2.info, 5)).toBeNull()
  })
})
