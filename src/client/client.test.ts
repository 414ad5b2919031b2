import { describe, expect, it } from 'vitest'
import { testClients } from '../test-support/clients.ts'
import { connect, once } from '../test-support/connect.ts'

function bytes(n: number, seed = 1): Uint8Array {
  const out = new Uint8Array(n)
  let x = seed
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0
    out[i] = x >>> 24
  }
  return out
}

const client = testClients()


describe('Client end to end over in-memory channels', () => {
  it('seeds a file and a magnet-only leecher downloads identical bytes', async () => {
    const data = bytes(300_000)
    const seeder = client().seed(new File([data as Uint8Array<ArrayBuffer>], 'hello.bin'), { pieceLength: 32768 })
    await once(seeder, 'ready')
    expect(seeder.magnetURI).toMatch(/^magnet:\?xt=urn:btih:[0-9a-f]{40}/)
    const leecher = client().add(seeder.magnetURI)
    await once(leecher, 'infoHash')
    connect(seeder, leecher, { chunkSize: 5000 })
    await once(leecher, 'done')
    expect(leecher.files).toHaveLength(1)
    const got = new Uint8Array(await leecher.files[0]!.arrayBuffer())
    expect(got).toEqual(data)
    expect(seeder.uploaded).toBeGreaterThanOrEqual(data.length)
  })

  it('downloads a multi-file torrent with a 0-byte file, then passes it on to a third peer', async () => {
    const a = new File([bytes(50_000, 2) as Uint8Array<ArrayBuffer>], 'a.bin')
    const empty = new File([], 'empty.txt')
    const b = new File([bytes(70_001, 3) as Uint8Array<ArrayBuffer>], 'ü.bin')
    for (const [f, p] of [[a, 'dir/a.bin'], [empty, 'dir/empty.txt'], [b, 'dir/sub/ü.bin']] as const) Object.assign(f, { path: p })
    const seeder = client().seed([a, empty, b], { pieceLength: 16384 })
    await once(seeder, 'ready')
    const middle = client().add(seeder.magnetURI)
    await once(middle, 'infoHash')
    connect(seeder, middle)
    await once(middle, 'done')
    await seeder.destroy()
    const last = client().add(middle.torrentFile!)
    await once(last, 'ready')
    connect(middle, last)
    await once(last, 'done')
    const paths = last.files.map((f) => f.path)
    expect(paths).toEqual(['dir/a.bin', 'dir/empty.txt', 'dir/sub/ü.bin'])
    expect(new Uint8Array(await last.files[2]!.arrayBuffer())).toEqual(bytes(70_001, 3))
    expect(last.files[1]!.length).toBe(0)
  })

  it('streams a byte range of a file', async () => {
    const data = bytes(100_000, 9)
    const seeder = client().seed(new File([data as Uint8Array<ArrayBuffer>], 'r.bin'), { pieceLength: 16384 })
    await once(seeder, 'ready')
    const leecher = client().add(seeder.magnetURI)
    await once(leecher, 'infoHash')
    connect(seeder, leecher)
    await once(leecher, 'ready')
    const reader = leecher.files[0]!.stream({ start: 20_000, end: 70_000 }).getReader()
    const parts: Uint8Array[] = []
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      parts.push(value)
    }
    const joined = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
    let o = 0
    for (const p of parts) joined.set(p, (o += p.length) - p.length)
    expect(joined).toEqual(data.subarray(20_000, 70_001))
  })

  it('reports a malformed magnet link as a typed error and keeps running', async () => {
    const c = client()
    const errors: string[] = []
    c.on('error', (e) => errors.push(e.code))
    const bad = c.add('magnet:?xt=urn:btih:xyz')
    await new Promise((r) => bad.once('error', r))
    expect(errors).toHaveLength(1)
    expect(c.torrents).toHaveLength(0)
  })
})
