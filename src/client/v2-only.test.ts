import { describe, expect, it } from 'vitest'
import { createTorrent } from '../metainfo/create-torrent.ts'
import { testClients } from '../test-support/clients.ts'

const client = testClients()

async function refusal(torrentId: string | Uint8Array): Promise<string> {
  const c = client()
  const torrent = c.add(torrentId)
  const error = await new Promise<{ code: string; message: string }>((resolve) => torrent.once('error', resolve))
  expect(c.torrents).toHaveLength(0)
  expect(error.message).toMatch(/v1 or hybrid/)
  return error.code
}

describe('v2-only torrents until the session verifies merkle trees', () => {
  it('a v2-only .torrent or magnet is refused with a typed error, not added with no pieces', async () => {
    const data = new Uint8Array(40_000).fill(7)
    const { torrentFile } = await createTorrent([{ path: 'a.bin', length: data.length, read: async (s, e) => data.subarray(s, e) }], { version: 'v2' })
    expect(await refusal(torrentFile)).toBe('V2_ONLY_UNSUPPORTED')
    expect(await refusal(`magnet:?xt=urn:btmh:1220${'ab'.repeat(32)}`)).toBe('V2_ONLY_UNSUPPORTED')
  })

  it('a hybrid .torrent is added as a v1 torrent', async () => {
    const data = new Uint8Array(40_000).fill(9)
    const { torrentFile, metainfo } = await createTorrent([{ path: 'a.bin', length: data.length, read: async (s, e) => data.subarray(s, e) }], { version: 'hybrid' })
    const torrent = client().add(torrentFile)
    await new Promise<void>((resolve) => torrent.once('ready', () => resolve()))
    expect(torrent.infoHash).toBe(metainfo.infoHashHex)
    expect(torrent.files.map((f) => f.length)).toEqual([40_000])
  })
})
