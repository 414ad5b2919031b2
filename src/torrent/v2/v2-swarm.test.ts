/**
 * BitTorrent v2 between whole clients over in-memory channels (real clock, real WebCrypto SHA-256): v2
 * magnets, hybrid swarms, every block verified on arrival, liars pinned by block, whole-piece fallback,
 * readers served verified blocks before their piece is complete.
 */
import { describe, expect, it, onTestFinished, vi } from 'vitest'
import { bytesEqual, toHex } from '../../util/bytes.ts'
import { parseTorrentFile } from '../../metainfo/torrent-file.ts'
import { encodeUtMetadata } from '../../wire/index.ts'
import { Attacker } from '../../test-support/attacker.ts'
import { readAll, testClients } from '../../test-support/clients.ts'
import { connect, once } from '../../test-support/connect.ts'
import { patternBytes } from '../../test-support/swarm-lab.ts'
import type { Torrent } from '../torrent.ts'

const client = testClients()
const BLOCK = 16384

function file(data: Uint8Array, name = 'movie.bin'): File {
  return new File([data as Uint8Array<ArrayBuffer>], name)
}

async function seed(data: Uint8Array, version: 'v1' | 'v2' | 'hybrid', pieceLength: number): Promise<Torrent> {
  const t = client().seed(file(data), { version, pieceLength })
  await once(t, 'ready')
  return t
}

async function added(id: string | Uint8Array): Promise<Torrent> {
  const t = client().add(id)
  await once(t, 'infoHash')
  return t
}

describe('BitTorrent v2 between Swarmstream peers', () => {
  it('a v2-only torrent from a urn:btmh magnet: info dictionary, piece layers and block hashes from the peer, every block verified on arrival', async () => {
    const data = patternBytes(1_500_000, 11)
    const seeder = await seed(data, 'v2', 65536)
    expect(seeder.magnetURI).toMatch(/^magnet:\?xt=urn:btmh:1220[0-9a-f]{64}&/)
    expect(seeder.magnetURI).not.toContain('urn:btih')
    const leecher = await added(seeder.magnetURI)
    expect(leecher.infoHash).toBe(seeder.infoHash)
    expect(leecher.infoHashV2).toBe(seeder.infoHashV2)
    connect(seeder, leecher)
    await once(leecher, 'done')

    expect(bytesEqual(await readAll(leecher.files[0]!.stream()), data)).toBe(true)
    const v2 = leecher.stats!.v2
    expect(v2.peers).toBe(1)
    // Every block of every piece (the last file is padded to a whole piece, as libtorrent lays it out).
    expect(v2.blocksVerified).toBe(leecher.numPieces * (65536 / BLOCK))
    expect([v2.badBlocks, v2.wholePieces, leecher.stats!.hashFailures]).toEqual([0, 0, 0])
    // One piece-layer request, then one block-hash request per piece; the seeder answered them all.
    expect(seeder.stats!.v2.requestsAnswered).toBe(v2.hashesAccepted)
    expect(v2.hashesAccepted).toBe(1 + leecher.numPieces)
    // What the leecher learnt makes a complete .torrent: it can seed from it.
    const again = await parseTorrentFile(leecher.torrentFile!)
    expect(again.infoHashV2Hex).toBe(seeder.infoHashV2)
    expect([...again.pieceLayers.keys()]).toEqual([toHex(again.info.files[0]!.piecesRoot!)])
  })

  it('a hybrid torrent: our peers upgrade to v2 under the v1 info hash; a peer that knows only the v1 hash stays v1', async () => {
    const data = patternBytes(700_000, 12)
    const seeder = await seed(data, 'hybrid', 32768)
    expect(seeder.magnetURI).toMatch(/xt=urn:btih:[0-9a-f]{40}&xt=urn:btmh:1220/)
    const v2Leecher = await added(seeder.magnetURI)
    expect(v2Leecher.infoHash).toBe(seeder.infoHash)
    connect(seeder, v2Leecher)
    await once(v2Leecher, 'done')
    expect(v2Leecher.stats!.v2.peers).toBe(1)
    expect(v2Leecher.stats!.v2.blocksVerified).toBeGreaterThanOrEqual(Math.ceil(data.length / BLOCK))

    const v1Leecher = await added(`magnet:?xt=urn:btih:${seeder.infoHash}`)
    connect(seeder, v1Leecher)
    await once(v1Leecher, 'done')
    expect(v1Leecher.infoHashV2).toBe('')
    expect(v1Leecher.stats!.v2).toMatchObject({ peers: 0, blocksVerified: 0, requestsSent: 0 })
    expect(bytesEqual(await readAll(v1Leecher.files[0]!.stream()), data)).toBe(true)
  })

  it('a hybrid torrent from v1-only peers (WebTorrent speaks no hash messages): each piece is verified whole, SHA-1 and merkle', async () => {
    const data = patternBytes(200_000, 17)
    const reference = await seed(data, 'hybrid', 32768)
    const leecher = await added(reference.magnetURI)
    // The v1-only peer gives the metadata too (no piece layers: those come only with hash messages).
    const info = (await parseTorrentFile(reference.torrentFile!)).info.raw
    const v1Peer = new Attacker({ infoHash: leecher.infoHash, metadataSize: info.length }, leecher)
    v1Peer.onMessage((m) => {
      if (m.type === 'extended' && m.id !== 0) v1Peer.sendMetadataMessage(encodeUtMetadata({ msgType: 'data', piece: 0, totalSize: info.length, data: info }))
    })
    await once(leecher, 'ready')
    v1Peer.offerEverything(leecher.numPieces)
    v1Peer.serve((index, begin, length) => data.subarray(index * 32768 + begin, index * 32768 + begin + length))
    await once(leecher, 'done')
    expect(bytesEqual(await readAll(leecher.files[0]!.stream()), data)).toBe(true)
    expect(leecher.stats!.v2).toMatchObject({ peers: 0, requestsSent: 0, blocksVerified: 0, wholePieces: leecher.numPieces })
  })

  it('a peer that refuses block hashes: pieces are verified whole against the merkle tree and the download completes', async () => {
    const data = patternBytes(300_000, 13)
    const reference = await seed(data, 'v2', 32768)
    const leecher = await added(reference.torrentFile!)
    await once(leecher, 'ready')
    const honest = new Attacker({ infoHash: leecher.infoHash, v2: true }, leecher)
    honest.rejectHashRequests()
    honest.offerEverything(leecher.numPieces)
    const padded = new Uint8Array(Math.ceil(data.length / 32768) * 32768)
    padded.set(data)
    honest.serve((index, begin, length) => padded.subarray(index * 32768 + begin, index * 32768 + begin + length))
    await once(leecher, 'done')
    expect(bytesEqual(await readAll(leecher.files[0]!.stream()), data)).toBe(true)
    expect(leecher.stats!.v2.wholePieces).toBe(leecher.numPieces)
    expect(leecher.stats!.v2.requestsSent).toBeGreaterThanOrEqual(leecher.numPieces)
    expect(leecher.stats!.v2.blocksVerified).toBe(0)
  })
})

describe('checking block hashes fails on our side', () => {
  it('the piece asks another peer for its leaves and the download completes', async () => {
    const data = patternBytes(300_000, 17)
    const first = await seed(data, 'v2', 32768)
    const second = await seed(data, 'v2', 32768)
    const leecher = client().add(first.torrentFile!)
    await once(leecher, 'ready')
    // From here SHA-256 fails once, on the first pair of hashes a proof combines (64 bytes): the seeders
    // answer from the trees they keep, so that is the leecher checking an answer.
    const digest = crypto.subtle.digest.bind(crypto.subtle)
    let failed = 0
    const spy = vi.spyOn(crypto.subtle, 'digest').mockImplementation(async (algorithm, bytes) => {
      if (algorithm === 'SHA-256' && (bytes as ArrayBufferView).byteLength === 64 && failed++ === 0) throw new Error('digest unavailable')
      return digest(algorithm, bytes)
    })
    onTestFinished(() => spy.mockRestore())
    connect(first, leecher)
    connect(second, leecher)
    await once(leecher, 'done')
    expect(failed).toBeGreaterThan(1)
    expect(bytesEqual(await readAll(leecher.files[0]!.stream()), data)).toBe(true)
    expect(leecher.stats!.hashFailures).toBe(0)
  })
})

describe('a lying peer on a v2 torrent', () => {
  it('sends bad blocks into pieces an honest seeder also serves: each bad block is pinned on the liar alone, the honest blocks are kept', async () => {
    // One piece: both peers are asked for blocks of the same piece.
    const pieceLength = 1 << 20
    const data = patternBytes(pieceLength, 14)
    const seeder = await seed(data, 'v2', pieceLength)
    const leecher = await added(seeder.torrentFile!)
    await once(leecher, 'ready')
    const liar = new Attacker({ infoHash: leecher.infoHash, v2: true, peerId: new Uint8Array(20).fill(0x66) }, leecher)
    liar.rejectHashRequests()
    liar.offerEverything(leecher.numPieces)
    let lies = 0
    liar.serve((index, begin, length) => {
      lies++
      return new Uint8Array(length).fill(0xee)
    })
    connect(seeder, leecher)
    await once(leecher, 'done')

    expect(bytesEqual(await readAll(leecher.files[0]!.stream()), data)).toBe(true)
    const stats = leecher.stats!
    const liarId = toHex(new Uint8Array(20).fill(0x66))
    expect(lies).toBeGreaterThan(0)
    expect(stats.bannedPeers).toEqual([liarId])
    expect(stats.v2.badBlocks).toBeGreaterThanOrEqual(1)
    // No piece ever failed as a whole: there was never a piece to untangle.
    expect(stats.hashFailures).toBe(0)
    const seederCounters = Object.entries(stats.byPeer).filter(([id]) => id !== liarId)
    expect(seederCounters).toHaveLength(1)
    expect(seederCounters[0]![1]).toMatchObject({ banned: false, hashFailures: 0 })
    expect(stats.byPeer[liarId]).toMatchObject({ banned: true })
  })

  it('sends hashes that do not prove out: banned', async () => {
    const data = patternBytes(200_000, 15)
    const reference = await seed(data, 'v2', 32768)
    const leecher = await added(reference.torrentFile!)
    await once(leecher, 'ready')
    const liar = new Attacker({ infoHash: leecher.infoHash, v2: true }, leecher)
    liar.offerEverything(leecher.numPieces)
    liar.onMessage((m) => {
      if (m.type === 'hash-request') liar.send({ ...m, type: 'hashes', hashes: Array.from({ length: m.length }, () => new Uint8Array(32).fill(1)) })
    })
    await liar.whenClosed()
    expect(leecher.stats!.bannedPeers).toHaveLength(1)
    expect(leecher.stats!.protocolErrors).toMatchObject({ BAD_HASHES: 1 })
  })
})

describe('reading a v2 torrent while it downloads', () => {
  it('a stream gets each block once it is verified, before its piece is complete (a v1 piece waits whole)', async () => {
    const pieceLength = 1 << 20
    const data = patternBytes(2 * pieceLength, 16)
    for (const version of ['v2', 'v1'] as const) {
      const seeder = await seed(data, version, pieceLength)
      const leecher = await added(seeder.torrentFile!)
      await once(leecher, 'ready')
      const reader = leecher.files[0]!.stream().getReader()
      // About 2 s per piece on this channel: the first block is here long before the rest of its piece.
      connect(seeder, leecher, { bytesPerSecond: 512 * 1024 })
      const first = await reader.read()
      const pieceDone = leecher.hasPiece(0)
      await reader.cancel()
      expect(bytesEqual(first.value!, data.subarray(0, first.value!.length))).toBe(true)
      if (version === 'v2') {
        expect(pieceDone, 'v2: the first bytes come before piece 0 is complete').toBe(false)
        expect(first.value!.length).toBeLessThan(pieceLength)
      } else {
        expect(pieceDone, 'v1: nothing before the whole piece is verified').toBe(true)
        expect(first.value!.length).toBe(pieceLength)
      }
      await Promise.all([seeder.destroy(), leecher.destroy()])
    }
  })
})
