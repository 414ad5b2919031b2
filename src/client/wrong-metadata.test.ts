import { describe, expect, it } from 'vitest'
import { bytesEqual } from '../util/bytes.ts'
import { parseTorrentFile } from '../metainfo/torrent-file.ts'
import { Attacker } from '../test-support/attacker.ts'
import { testClients } from '../test-support/clients.ts'
import { connect, once } from '../test-support/connect.ts'
import { decodeUtMetadata, encodeUtMetadata } from '../wire/index.ts'

const client = testClients()

async function seed(data: Uint8Array, name: string) {
  const t = client().seed(new File([data as Uint8Array<ArrayBuffer>], name), { pieceLength: 16384 })
  await once(t, 'ready')
  return t
}

describe('metadata exchange (BEP 9)', () => {
  it('rejects a peer whose metadata does not match the info hash, then completes from an honest peer', async () => {
    const data = new Uint8Array(40_000).map((_, i) => i * 7)
    const honest = await seed(data, 'real.bin')
    const other = await seed(new Uint8Array(123).fill(1), 'fake.bin')

    const leecher = client().add(honest.magnetURI)
    await once(leecher, 'infoHash')
    const warnings: string[] = []
    leecher.on('warning', (w) => warnings.push(w.code))

    // The liar speaks the wire protocol by hand: right info hash, wrong info dictionary.
    const fake = (await parseTorrentFile(other.torrentFile!)).info.raw
    const liar = new Attacker({ infoHash: leecher.infoHash, peerId: new Uint8Array(20).fill(7), metadataSize: fake.length }, leecher)
    liar.onMessage((m) => {
      if (m.type !== 'extended' || m.id !== 3) return
      const request = decodeUtMetadata(m.payload)
      if (request.msgType === 'request') {
        liar.sendMetadataMessage(encodeUtMetadata({ msgType: 'data', piece: request.piece, totalSize: fake.length, data: fake }))
      }
    })
    await liar.whenClosed()
    expect(warnings).toContain('METADATA_HASH_MISMATCH')
    expect(leecher.ready).toBe(false)

    connect(honest, leecher)
    await once(leecher, 'done')
    expect(bytesEqual(new Uint8Array(await leecher.files[0]!.arrayBuffer()), data)).toBe(true)
  })
})
