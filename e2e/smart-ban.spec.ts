// A hostile swarm in real Chromium over real WebRTC and the real tracker (issue 10): a 16 MiB file in
// 256 KiB pieces, one honest Swarmstream seeder capped at 3 MB/s, one Swarmstream leecher, and real
// WebTorrent 3 clients that claim every piece (`skipVerify` over a lying store) and serve garbage.
// The leecher must finish with the right bytes, ban every attacker and never the honest seeder.
import type { Page } from '@playwright/test'
import { WebTorrentAttacker } from './support/attacker.ts'
import { sha256, writeTestFile } from './support/files.ts'
import { seedInPage } from './support/media.ts'
import { expect, test } from './support/peers.ts'

const MiB = 2 ** 20
const FILE_SIZE = 16 * MiB
const PIECE_LENGTH = 256 * 1024
const SEEDER_UPLOAD_LIMIT = 3_000_000
/** Only a bound for a useful failure message; the download normally takes seconds. */
const STALL_LIMIT_MS = 150_000

/** The `torrent.stats` contract of smart ban (peer ids are hex). */
interface SmartBanStats {
  discardedBytes: number
  bannedPeers: string[]
  byPeer: Record<string, { receivedBytes: number; discardedBytes: number; banned: boolean; hashFailures: number }>
  banned: number
  hashFailures: number
}

interface Scenario {
  name: string
  /** One entry per attacker: it lies about every piece whose index is a multiple of this. */
  attackers: number[]
  seed: number
}

const SCENARIOS: Scenario[] = [
  { name: '(a) one WebTorrent attacker serving garbage for every piece', attackers: [1], seed: 1001 },
  { name: '(b) three WebTorrent attackers serving garbage at once', attackers: [1, 1, 1], seed: 1002 },
  { name: '(c) one WebTorrent attacker corrupting 1 piece in 8', attackers: [8], seed: 1003 },
]

interface Seeded {
  infoHash: string
  magnet: string
  torrentFile: Uint8Array
  peerId: string
}

/** Seeds the file in 256 KiB pieces through the library, capped at 3 MB/s. */
async function seed(page: Page, path: string): Promise<Seeded> {
  const infoHash = await seedInPage(page, [{ path, name: 'hostile.bin' }], { pieceLength: PIECE_LENGTH })
  const seeded = await page.evaluate(
    ({ infoHash, limit }) => {
      const client = window.swarmstream!.client
      client.uploadLimit = limit
      const t = client.get(infoHash)!
      const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
      return { magnet: t.magnetURI, torrentFile: [...t.torrentFile!], peerId: hex(client.peerId), pieceLength: t.pieceLength, numPieces: t.numPieces }
    },
    { infoHash, limit: SEEDER_UPLOAD_LIMIT },
  )
  expect(seeded.pieceLength).toBe(PIECE_LENGTH)
  expect(seeded.numPieces).toBe(FILE_SIZE / PIECE_LENGTH)
  return { infoHash, magnet: seeded.magnet, torrentFile: Uint8Array.from(seeded.torrentFile), peerId: seeded.peerId }
}

interface Outcome {
  sha256: string
  stats: SmartBanStats
}

/**
 * Downloads the magnet in the leecher page. Fails at once when the honest seeder is banned, and with
 * the torrent's state if it has not finished after STALL_LIMIT_MS.
 */
async function leech(page: Page, magnet: string, seederId: string): Promise<Outcome> {
  const result = await page.evaluate(
    async ({ magnet, seederId, stallLimitMs }) => {
      const t = window.swarmstream!.client.add(magnet)
      const met = new Set<string>()
      t.on('wire', (peer) => met.add(peer.id))
      const stats = () => t.stats as (typeof t.stats & Partial<SmartBanStats>) | null
      const describe = () => {
        const have = Array.from({ length: t.numPieces }, (_, i) => t.hasPiece(i)).filter(Boolean).length
        return JSON.stringify({ have, numPieces: t.numPieces, seeder: seederId, met: [...met], connected: t.peers.map((p) => p.id), stats: stats() })
      }
      const failure = await new Promise<string | null>((resolve) => {
        const timer = setTimeout(() => finish(`the leecher did not finish: ${describe()}`), stallLimitMs)
        function finish(reason: string | null) {
          clearTimeout(timer)
          resolve(reason)
        }
        t.once('done', () => finish(null))
        t.once('error', (err) => finish(`the torrent failed: ${err.code}: ${err.message}`))
        // Every drop or ban surfaces as a warning: that is when the seeder could have been banned. Bans
        // only hit peers met, so a ban count as large as the peers met means the seeder is banned too
        // (the only sign before `bannedPeers` existed).
        t.on('warning', () => {
          const s = stats()
          const seederBanned = s?.bannedPeers ? s.bannedPeers.includes(seederId) : met.has(seederId) && (s?.banned ?? 0) >= met.size
          if (seederBanned) finish(`the honest seeder was banned: ${describe()}`)
        })
      })
      if (failure) return { failure }
      const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', await t.files[0]!.arrayBuffer()))
      return { sha256: Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join(''), stats: stats() as SmartBanStats }
    },
    { magnet, seederId, stallLimitMs: STALL_LIMIT_MS },
  )
  if ('failure' in result) throw new Error(result.failure)
  return result
}

test.describe('smart ban against real WebTorrent attackers', () => {
  for (const scenario of SCENARIOS) {
    test(`${scenario.name}: the leecher finishes, bans every attacker and never the honest seeder`, async ({
      openPeer,
      tmpDir,
      browser,
      baseURL,
      tracker,
    }) => {
      test.setTimeout(240_000)
      const path = await writeTestFile(tmpDir, 'hostile.bin', FILE_SIZE, scenario.seed)
      const original = await sha256(path)
      const seeder = await openPeer('seeder')
      const seeded = await seed(seeder.page, path)

      const attackers: WebTorrentAttacker[] = []
      try {
        for (const [i, lieEvery] of scenario.attackers.entries()) {
          const attacker = await WebTorrentAttacker.open(browser, baseURL!, `attacker ${i + 1}`)
          attackers.push(attacker)
          await attacker.attack({ torrentFile: seeded.torrentFile, announce: [tracker.url], lieEvery, ...(lieEvery > 1 ? { filePath: path } : {}) })
        }
        // Every attacker is in the tracker's swarm before the leecher announces, so its offers reach them all.
        await expect
          .poll(() => tracker.stats().swarms[seeded.infoHash]?.seeders ?? 0, { message: 'the seeder and every attacker announced', timeout: 60_000 })
          .toBe(1 + attackers.length)

        const leecher = await openPeer('leecher')
        const outcome = await leech(leecher.page, seeded.magnet, seeded.peerId)
        const { stats } = outcome

        const lines = [`seeder ${seeded.peerId}: ${describePeer(stats, seeded.peerId)}`]
        for (const a of attackers) lines.push(`${a.label} ${a.peerId}: ${describePeer(stats, a.peerId)}; it served ${JSON.stringify(await a.lies())} of garbage`)
        lines.push(`total thrown away: ${stats.discardedBytes} B, hash failures ${stats.hashFailures}, banned ${JSON.stringify(stats.bannedPeers)}`)
        for (const line of lines) {
          test.info().annotations.push({ type: 'smart ban', description: line })
          console.log(`[smart-ban] ${scenario.name}: ${line}`)
        }

        expect(outcome.sha256, 'the leecher has exactly the seeder’s bytes').toBe(original)
        expect(stats.byPeer, 'torrent.stats reports each peer (byPeer)').toBeDefined()
        expect(stats.bannedPeers, 'torrent.stats lists the banned peer ids (bannedPeers)').toBeDefined()
        const seederRecord = stats.byPeer[seeded.peerId]
        expect(seederRecord, 'the honest seeder took part').toBeDefined()
        expect(seederRecord!.receivedBytes, 'the honest seeder delivered blocks').toBeGreaterThan(0)
        expect(seederRecord!.banned, 'the honest seeder is not banned').toBe(false)
        for (const a of attackers) {
          const record = stats.byPeer[a.peerId]
          expect(record, `${a.label} connected to the leecher`).toBeDefined()
          expect(record!.receivedBytes, `${a.label} delivered blocks`).toBeGreaterThan(0)
          expect((await a.lies()).bytes, `${a.label} served garbage`).toBeGreaterThan(0)
          expect(record!.banned, `${a.label} is banned`).toBe(true)
          expect(record!.discardedBytes, `${a.label}'s garbage was thrown away`).toBeGreaterThan(0)
        }
        expect([...stats.bannedPeers].sort(), 'exactly the attackers are banned').toEqual(attackers.map((a) => a.peerId).sort())
      } finally {
        for (const a of attackers) await a.close()
      }
    })
  }
})

function describePeer(stats: SmartBanStats, id: string): string {
  if (!stats.byPeer) return 'no per-peer stats'
  const p = stats.byPeer[id]
  if (!p) return 'never delivered a block'
  return `received ${p.receivedBytes} B, thrown away ${p.discardedBytes} B, hash failures ${p.hashFailures}, ${p.banned ? 'banned' : 'not banned'}`
}
