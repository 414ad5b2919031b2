import { it } from 'vitest'
import { createTorrent } from './create-torrent.ts'
it('bench', async () => {
  const size = 256 * 1024 * 1024
  const data = new Uint8Array(size)
  for (let i = 0; i < size; i += 4096) data[i] = i & 255
  const file = { path: 'big.bin', length: size, read: async (s: number, e: number) => data.slice(s, e) }
  for (let r = 0; r < 3; r++) {
    const t0 = performance.now()
    const { metainfo } = await createTorrent([file])
    console.log('ms', (performance.now() - t0).toFixed(0), metainfo.info.pieceLength)
  }
  const { createHash } = await import('node:crypto')
  const t1 = performance.now(); createHash('sha1').update(data).digest(); console.log('node one-shot sha1 ms', (performance.now() - t1).toFixed(0))
}, 60000)
