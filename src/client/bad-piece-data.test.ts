import { describe, expect, it } from 'vitest'
import { testClients } from '../test-support/clients.ts'
import { PeerSession } from '../peer/peer-session.ts'
import { connect, once } from '../test-support/connect.ts'
import { memoryChannelPair } from '../test-support/memory-channel.ts'
import { fromHex } from '../util/bytes.ts'


const client = testClients()

describe('downloader', () => {
  it('discards pieces that fail verification, drops the peer after repeated offences, and completes from an honest peer', async () => {
    const data = new Uint8Array(6 * 16384).map((_, i) => (i * 31) & 0xff)
    const honest = client().seed(new File([data], 'data.bin'), { pieceLength: 16384 })
    await once(honest, 'ready')
    const leecher = client().add(honest.torrentFile!)
    await once(leecher, 'ready')

    const [ours, theirs] = memoryChannelPair()
    const liar = new PeerSession(theirs, { infoHash: fromHex(honest.infoHash)!, peerId: new Uint8Array(20).fill(9) })
    let served = 0
    liar.on('handshake', () => liar.send({ type: 'bitfield', bitfield: new Uint8Array([0xfc]) }))
    liar.on('message', (m) => {
      if (m.type === 'interested') liar.send({ type: 'unchoke' })
      if (m.type === 'request') {
        served++
        liar.sendPiece(m.index, m.begin, new Uint8Array(m.length).fill(0xee))
      }
    })
    const warnings: string[] = []
    leecher.on('warning', (w) => warnings.push(w.code))
    leecher.addPeer(ours)
    await new Promise<void>((resolve) => liar.on('close', () => resolve()))
    expect(served).toBeGreaterThanOrEqual(3)
    expect(warnings.filter((c) => c === 'HASH_FAILED').length).toBeGreaterThanOrEqual(3)
    expect(warnings).toContain('BAD_PIECE_DATA')
    expect(leecher.downloaded).toBe(0)

    connect(honest, leecher)
    await once(leecher, 'done')
    expect(new Uint8Array(await leecher.files[0]!.arrayBuffer())).toEqual(data)
  })
})
