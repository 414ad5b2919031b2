import { describe, expect, it } from 'vitest'
import { parseMagnet } from '../metainfo/magnet.ts'
import { pattern, referenceInfoHash, referenceTorrent } from '../metainfo/test-helpers.ts'
import { InvalidInputError } from '../util/errors.ts'
import { createTorrent } from './create-torrent-file.ts'

const FILES = [
  { path: 'trip/day 1.txt', data: pattern(50_000, 1) },
  { path: 'trip/photos/ü.bin', data: pattern(20_001, 2) },
]

function asFiles(): File[] {
  return FILES.map((f) => Object.assign(new File([f.data as Uint8Array<ArrayBuffer>], f.path.split('/').pop()!), { path: f.path }))
}

describe('createTorrent (public)', () => {
  it('makes create-torrent’s torrent from Files, and the same from readers', async () => {
    const reference = referenceInfoHash(await referenceTorrent(FILES, { pieceLength: 32_768 }))
    const fromFiles = await createTorrent(asFiles(), { pieceLength: 32_768 })
    const readers = FILES.map((f) => ({ path: f.path, length: f.data.length, read: async (start: number, end: number) => f.data.slice(start, end) }))
    const fromReaders = await createTorrent(readers, { pieceLength: 32_768 })
    expect([fromFiles.metainfo.infoHashHex, fromReaders.metainfo.infoHashHex]).toEqual([reference, reference])
    expect(fromFiles.metainfo.info.name).toBe('trip')
  })

  it('gives a magnet link with the torrent’s name, trackers and web seeds', async () => {
    const { magnetURI, metainfo } = await createTorrent(asFiles()[0]!, { announce: ['wss://t.example'], urlList: ['https://ws.example/'] })
    expect(parseMagnet(magnetURI)).toMatchObject({
      infoHashHex: metainfo.infoHashHex,
      name: 'day 1.txt',
      trackers: ['wss://t.example'],
      webSeeds: ['https://ws.example/'],
    })
  })

  it('names v2 and hybrid torrents by their v2 hash in the magnet link (urn:btmh)', async () => {
    const hybrid = await createTorrent(asFiles(), { version: 'hybrid' })
    expect(parseMagnet(hybrid.magnetURI)).toMatchObject({ version: 'hybrid', infoHashHex: hybrid.metainfo.infoHashHex, infoHashV2Hex: hybrid.metainfo.infoHashV2Hex })
    const v2 = await createTorrent(asFiles(), { version: 'v2' })
    expect(v2.magnetURI).toMatch(new RegExp(`^magnet:\\?xt=urn:btmh:1220${v2.metainfo.infoHashV2Hex}&dn=trip$`))
  })

  it('refuses a mix of Blobs and readers, and nothing at all', async () => {
    const reader = { path: 'a', length: 1, read: async () => new Uint8Array(1) }
    const mixed = [new Blob(['x']), reader] as unknown as Blob[]
    await expect(createTorrent(mixed)).rejects.toMatchObject({ code: 'INVALID_SEED_INPUT' })
    await expect(createTorrent([])).rejects.toBeInstanceOf(InvalidInputError)
  })
})
