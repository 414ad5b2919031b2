import { describe, expect, it } from 'vitest'
import { testClients } from '../test-support/clients.ts'
import { PeerSession } from '../peer/peer-session.ts'
import { connect, once } from '../test-support/connect.ts'
import { memoryChannelPair } from '../test-support/memory-channel.ts'
import { parseTorrentFile } from '../metainfo/torrent-file.ts'
import { fromHex } from '../util/bytes.ts'
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

    // The liar speaks the wire protocol by hand: right info hash, wrong info dictionary.
    const fake = (await parseTorrentFile(other.torrentFile!)).info.raw
    const [ours, theirs] = memoryChannelPair()
    const liar = new PeerSession(theirs, {
      infoHash: fromHex(honest.infoHash)!,
      peerId: new Uint8Array(20).fill(7),
      metadataSize: () => fake.length,
    })
    let liarClosed = false
    liar.on('close', () => (liarClosed = true))
    liar.on('message', (m) => {
      if (m.type !== 'extended' || m.id !== 1) return
      const request = decodeUtMetadata(m.payload)
      if (request.msgType === 'request') {
        liar.sendExtended('ut_metadata', encodeUtMetadata({ msgType: 'data', piece: request.piece, totalSize: fake.length, data: fake }))
      }
    })
    const warnings: string[] = []
    leecher.on('warning', (w) => warnings.push(w.code))
    leecher.addPeer(ours)
    await new Promise((r) => setTimeout(r, 100))
    expect(liarClosed).toBe(true)
    expect(warnings).toContain('METADATA_HASH_MISMATCH')
    expect(leecher.ready).toBe(false)

    connect(honest, leecher)
    await once(leecher, 'done')
    expect(new Uint8Array(await leecher.files[0]!.arrayBuffer())).toEqual(data)
  })
})
