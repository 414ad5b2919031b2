/**
 * libtorrent 2.0 (Debian's python3-libtorrent, driven by test-support/libtorrent-peer.py) as a peer of the
 * session core over TCP on 127.0.0.1 (test-support/tcp-channel.ts): whole torrents both ways for v1, v2
 * and hybrid, each started from a magnet link, so the info dictionary and (v2) the piece layers travel on
 * the wire. libtorrent's own verification judges what we send; SHA-256 of the files judges both sides.
 */
import { createHash } from 'node:crypto'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { toHex } from '../util/bytes.ts'
import { createTorrent } from '../metainfo/create-torrent.ts'
import { formatMagnet } from '../metainfo/magnet.ts'
import type { TorrentVersion } from '../metainfo/types.ts'
import { Attacker } from '../test-support/attacker.ts'
import { readAll, testClients } from '../test-support/clients.ts'
import { once } from '../test-support/connect.ts'
import { LibtorrentPeer, libtorrentVersion } from '../test-support/libtorrent-peer.ts'
import { patternBytes } from '../test-support/swarm-lab.ts'
import { dialTcp, listenTcp } from '../test-support/tcp-channel.ts'
import type { Torrent } from '../torrent/torrent.ts'

const client = testClients()
const PIECE = 256 * 1024
const BLOCK = 16384
const VERSIONS: TorrentVersion[] = ['v1', 'v2', 'hybrid']

/** Two files with odd sizes (v2 and hybrid pad the first to a piece boundary), in torrent order. */
const FILES = [
  { path: 'set/clip.bin', data: patternBytes(12 * 1024 * 1024 + 12_345, 71) },
  { path: 'set/notes.txt', data: patternBytes(3_001, 72) },
]
const TOTAL = FILES.reduce((n, f) => n + f.data.length, 0)

const work = mkdtempSync(join(tmpdir(), 'swarmstream-lt-interop-'))
const speeds: string[] = []
afterAll(() => {
  rmSync(work, { recursive: true, force: true })
  console.log(`libtorrent ${libtorrentVersion()} interop, ${(TOTAL / 2 ** 20).toFixed(1)} MiB, ${PIECE / 1024} KiB pieces, TCP on 127.0.0.1 (MB/s from add to done):\n${speeds.join('\n')}`)
})

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex')

function freshDir(): string {
  return mkdtempSync(join(work, 'peer-'))
}

function writeFiles(dir: string): void {
  for (const f of FILES) {
    mkdirSync(dirname(join(dir, f.path)), { recursive: true })
    writeFileSync(join(dir, f.path), f.data)
  }
}

async function torrentOf(version: TorrentVersion) {
  const inputs = FILES.map((f) => ({ path: f.path, length: f.data.length, read: async (s: number, e: number) => f.data.subarray(s, e) }))
  const { metainfo, torrentFile } = await createTorrent(inputs, { pieceLength: PIECE, version })
  const magnet = formatMagnet({ infoHashHex: metainfo.infoHashHex, ...(metainfo.infoHashV2Hex ? { infoHashV2Hex: metainfo.infoHashV2Hex } : {}), version })
  return { metainfo, torrentFile, magnet }
}

/** Our download's files, by path (pad files left out). */
async function filesOf(t: Torrent): Promise<Map<string, string>> {
  const out = new Map<string, string>()
  for (const f of t.files) if (!f.padding) out.set(f.path, sha256(await readAll(f.stream())))
  return out
}

const expected = new Map(FILES.map((f) => [f.path, sha256(f.data)]))

async function withLibtorrent(run: (lt: LibtorrentPeer) => Promise<void>): Promise<void> {
  const lt = await LibtorrentPeer.start()
  try {
    await run(lt)
  } finally {
    await lt.stop()
  }
}

function rate(started: number): string {
  return (TOTAL / ((performance.now() - started) / 1000) / 1e6).toFixed(1)
}

describe(`libtorrent ${libtorrentVersion() ?? '(not installed: apt-get install python3-libtorrent)'} over TCP on 127.0.0.1`, () => {
  it('python3-libtorrent 2.0 runs under /usr/bin/python3', () => {
    expect(libtorrentVersion()).toMatch(/^2\.0\./)
  })

  for (const version of VERSIONS) {
    it(`libtorrent seeds a ${version} torrent; Swarmstream downloads it from its magnet link`, async () => {
      await withLibtorrent(async (lt) => {
        const { torrentFile, magnet, metainfo } = await torrentOf(version)
        const dir = freshDir()
        writeFiles(dir)
        const added = await lt.add({ torrent: torrentFile }, dir)
        expect([added.v1, added.v2]).toEqual([version === 'v2' ? null : metainfo.infoHashHex, metainfo.infoHashV2Hex ?? null])
        await lt.waitFor((e) => e.event === 'checked')

        const started = performance.now()
        const leecher = client().add(magnet)
        await once(leecher, 'infoHash')
        leecher.addPeer(await dialTcp(lt.port))
        await once(leecher, 'done')
        speeds.push(`  libtorrent → Swarmstream, ${version}: ${rate(started)}`)

        expect(await filesOf(leecher)).toEqual(expected)
        const v2 = leecher.stats!.v2
        if (version === 'v1') expect(v2.peers).toBe(0)
        else {
          // libtorrent gave the clip's piece layer and the block hashes of each of its pieces (the notes are one
          // block: their root is their only leaf); every block was checked on arrival.
          expect(v2.peers).toBe(1)
          expect(v2.blocksVerified).toBe((leecher.numPieces * PIECE) / BLOCK)
          expect(v2.hashesAccepted).toBe(1 + Math.ceil(FILES[0]!.data.length / PIECE))
          expect([v2.badBlocks, v2.wholePieces]).toEqual([0, 0])
        }
      })
    })

    it(`Swarmstream seeds a ${version} torrent; libtorrent downloads it from the magnet link and verifies every piece`, async () => {
      await withLibtorrent(async (lt) => {
        const seeder = client().seed(
          FILES.map((f) => Object.assign(new File([f.data as Uint8Array<ArrayBuffer>], f.path.split('/').pop()!), { path: f.path })),
          { pieceLength: PIECE, version },
        )
        await once(seeder, 'ready')
        const { magnet } = await torrentOf(version)
        expect(seeder.magnetURI.split('&dn=')[0]).toBe(magnet)
        const listener = await listenTcp((channel) => seeder.addPeer(channel))
        try {
          const dir = freshDir()
          const started = performance.now()
          const added = await lt.add({ magnet }, dir)
          lt.connect(added.id, listener.port)
          await lt.waitFor((e) => e.event === 'finished' && e.id === added.id)
          speeds.push(`  Swarmstream → libtorrent, ${version}: ${rate(started)}`)

          expect(lt.events.filter((e) => e.event === 'hash_failed')).toEqual([])
          for (const f of FILES) expect(sha256(readFileSync(join(dir, f.path))), f.path).toBe(expected.get(f.path))
          if (version !== 'v1') {
            // libtorrent had only the magnet link: it asked us for the piece layers.
            expect(seeder.stats!.v2.requestsAnswered).toBeGreaterThanOrEqual(1)
            expect(lt.events.some((e) => e.event === 'peer_log' && String(e['message']).includes('==> HASH_REQUEST'))).toBe(true)
          }
        } finally {
          await listener.close()
        }
      })
    })
  }

  it('a libtorrent seed and a lying peer on one v2 torrent: each bad block is pinned on the liar alone', async () => {
    await withLibtorrent(async (lt) => {
      const { torrentFile, metainfo } = await torrentOf('v2')
      const dir = freshDir()
      writeFiles(dir)
      await lt.add({ torrent: torrentFile }, dir)
      await lt.waitFor((e) => e.event === 'checked')

      const leecher = client().add(torrentFile)
      await once(leecher, 'ready')
      const liarId = new Uint8Array(20).fill(0x6c)
      const liar = new Attacker({ infoHash: metainfo.infoHashHex, v2: true, peerId: liarId }, leecher)
      liar.rejectHashRequests()
      liar.offerEverything(leecher.numPieces)
      liar.serve((_index, _begin, length) => new Uint8Array(length).fill(0x5a))
      leecher.addPeer(await dialTcp(lt.port))
      await once(leecher, 'done')

      expect(await filesOf(leecher)).toEqual(expected)
      const stats = leecher.stats!
      expect(stats.bannedPeers).toEqual([toHex(liarId)])
      expect(stats.v2.badBlocks).toBeGreaterThanOrEqual(1)
      // Nothing was ever ambiguous: no piece failed as a whole, and libtorrent was never struck.
      expect(stats.hashFailures).toBe(0)
      const others = Object.entries(stats.byPeer).filter(([id]) => id !== toHex(liarId))
      expect(others).toHaveLength(1)
      expect(others[0]![1]).toMatchObject({ banned: false, hashFailures: 0 })
      expect(others[0]![1].receivedBytes).toBeGreaterThan(0)
      expect(stats.byPeer[toHex(liarId)]!.receivedBytes).toBeGreaterThan(0)
    })
  })
})
