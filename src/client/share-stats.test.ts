import { describe, expect, it, vi } from 'vitest'
import { testClients } from '../test-support/clients.ts'
import { connect, once } from '../test-support/connect.ts'

const client = testClients()

function file(n: number, name: string, seed: number): File {
  const out = new Uint8Array(n)
  let x = seed
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0
    out[i] = x >>> 24
  }
  return new File([out], name)
}

describe('what a seeder shared', () => {
  it('ratio over the length, uploaded totals for the torrent and the client, peers served, speeds back to 0', async () => {
    const seedClient = client()
    const seeder = seedClient.seed(file(200_000, 'shared.bin', 5), { pieceLength: 16_384 })
    await once(seeder, 'ready')
    expect(seeder.ratio).toBe(0)
    expect(seeder.peersServed).toBe(0)

    for (const label of ['first', 'second']) {
      const leecher = client().add(seeder.magnetURI)
      await once(leecher, 'infoHash')
      connect(seeder, leecher)
      await once(leecher, 'done')
      // A finished download shows no speed at all, at once.
      expect(leecher.downloadSpeed, `${label} leecher's speed once done`).toBe(0)
      expect(leecher.ratio, 'a pure leecher uploaded nothing').toBe(0)
      expect(leecher.peersServed).toBe(0)
      await leecher.destroy()
    }

    expect(seeder.uploaded).toBeGreaterThanOrEqual(2 * 200_000)
    expect(seeder.ratio).toBeCloseTo(seeder.uploaded / 200_000, 10)
    expect(seeder.ratio).toBeGreaterThanOrEqual(2)
    expect(seeder.peersServed, 'both leechers, although they left').toBe(2)
    expect(seedClient.uploaded).toBe(seeder.uploaded)

    // The session total outlives the torrent.
    const total = seedClient.uploaded
    await seedClient.remove(seeder)
    expect(seedClient.uploaded).toBe(total)

    // Nothing flows any more: the upload speed reaches 0 (after ~1 s, not the 5 s window).
    await vi.waitFor(() => expect(seeder.uploadSpeed).toBe(0), { timeout: 10_000, interval: 100 })
    expect(seedClient.uploadSpeed).toBe(0)
  })

  it('a paused torrent shows no speed', async () => {
    const seeder = client().seed(file(100_000, 'p.bin', 6), { pieceLength: 16_384 })
    await once(seeder, 'ready')
    const leecher = client().add(seeder.magnetURI)
    await once(leecher, 'infoHash')
    connect(seeder, leecher)
    await new Promise<void>((resolve) => leecher.once('download', () => resolve()))
    leecher.pause()
    expect(leecher.downloadSpeed).toBe(0)
    expect(leecher.uploadSpeed).toBe(0)
  })
})
