import { describe, expect, it } from 'vitest'
import { Attacker } from '../test-support/attacker.ts'
import { testClients } from '../test-support/clients.ts'
import { once } from '../test-support/connect.ts'

const client = testClients()

async function magnetLeecher() {
  const data = new Uint8Array(40_000).map((_, i) => i * 3)
  const seeder = client().seed(new File([data], 'a.bin'), { pieceLength: 16384 })
  await once(seeder, 'ready')
  const leecher = client().add(seeder.magnetURI)
  await once(leecher, 'infoHash')
  return leecher
}


describe('interest before the metadata', () => {
  it('is sent to a peer that shows pieces, so its unchoke travels while the metadata does', async () => {
    const leecher = await magnetLeecher()
    const holder = new Attacker({ infoHash: leecher.infoHash, metadataSize: 1234 }, leecher)
    holder.send({ type: 'have-all' })
    await holder.waitFor('interested')
    expect(leecher.ready).toBe(false)

    const partial = new Attacker({ infoHash: leecher.infoHash, metadataSize: 1234, peerId: new Uint8Array(20).fill(3) }, leecher)
    partial.send({ type: 'bitfield', bitfield: new Uint8Array([0, 0x20, 0]) })
    await partial.waitFor('interested')
  })

  it('is not sent to a peer that shows nothing', async () => {
    const leecher = await magnetLeecher()
    const empty = new Attacker({ infoHash: leecher.infoHash, metadataSize: 1234 }, leecher)
    empty.send({ type: 'bitfield', bitfield: new Uint8Array(3) })
    await empty.waitFor('extended')
    const shows = new Attacker({ infoHash: leecher.infoHash, metadataSize: 1234, peerId: new Uint8Array(20).fill(5) }, leecher)
    shows.send({ type: 'have', index: 1 })
    await shows.waitFor('interested') // the leecher has handled both peers' messages by now
    expect(empty.received.map((m) => m.type)).not.toContain('interested')
  })
})
