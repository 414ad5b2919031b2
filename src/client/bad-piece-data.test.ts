import { describe, expect, it } from 'vitest'
import { bytesEqual } from '../util/bytes.ts'
import { Attacker } from '../test-support/attacker.ts'
import { testClients } from '../test-support/clients.ts'
import { connect, once } from '../test-support/connect.ts'

const client = testClients()

describe('a client downloading from a liar (real time, real clock and WebCrypto)', () => {
  it('discards pieces that fail verification, bans a peer that sent a bad piece alone, and completes from an honest peer', async () => {
    const data = new Uint8Array(6 * 16384).map((_, i) => (i * 31) & 0xff)
    const honest = client().seed(new File([data], 'data.bin'), { pieceLength: 16384 })
    await once(honest, 'ready')
    const leecher = client().add(honest.torrentFile!)
    await once(leecher, 'ready')
    const warnings: string[] = []
    leecher.on('warning', (w) => warnings.push(w.code))

    const liar = new Attacker({ infoHash: leecher.infoHash, peerId: new Uint8Array(20).fill(9) }, leecher)
    liar.offerEverything(6)
    let served = 0
    liar.serve((_index, _begin, length) => {
      served++
      return new Uint8Array(length).fill(0xee)
    })
    await liar.whenClosed()
    expect(served).toBeGreaterThanOrEqual(1)
    expect(warnings).toContain('HASH_FAILED')
    expect(warnings).toContain('BAD_PIECE_DATA')
    expect(leecher.stats!.bannedPeers).toEqual(['09'.repeat(20)])
    expect(leecher.downloaded).toBe(0)

    connect(honest, leecher)
    await once(leecher, 'done')
    expect(bytesEqual(new Uint8Array(await leecher.files[0]!.arrayBuffer()), data)).toBe(true)
    expect(leecher.stats!.byPeer['09'.repeat(20)]!.banned).toBe(true)
  })
})
