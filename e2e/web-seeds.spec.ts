// Web seeds (BEP 19) in real Chromium: a .torrent made by the npm `create-torrent` package with a
// `url-list` pointing at a local HTTP server, opened in the app through `torrent-file-input`.
import { createHash } from 'node:crypto'
import { readFile, writeFile } from 'node:fs/promises'
import { basename, join } from 'node:path'
import type { BrowserContext, Page } from '@playwright/test'
import bencode from 'bencode'
import createTorrent from 'create-torrent'
import { openApp, openTorrentFile, saveFile, torrentItem, waitForDone } from './support/app.ts'
import { newPeerPage } from './support/browser.ts'
import { makeTempDir, sha256, writeTestFile } from './support/files.ts'
import { startStaticServer, type StaticServer } from './support/static-server.ts'
import { expect, test as base } from './support/tracker.ts'
import { sortedByPath } from './support/webtorrent.ts'

const FOLDER = 'ws-album'
const PIECE_LENGTH = 256 * 1024
const FILES = [
  { path: 'a.bin', size: 3_000_017 },
  { path: 'sub/b.bin', size: 2_500_001 },
  { path: 'sub/deeper/c – ü.txt', size: 70_001 },
  { path: 'z.bin', size: 1_048_576 },
]

interface Fixture {
  /** Served folder; the torrent's files live in root/FOLDER. */
  root: string
  server: StaticServer
  torrentPath: string
  infoHash: string
  /** SHA-256 by path inside the torrent (top folder included). */
  hashes: Map<string, string>
}

interface Peer {
  context: BrowserContext
  page: Page
}

const test = base.extend<{ web: Fixture; openPeer: (label: string) => Promise<Page> }>({
  web: async ({ tracker }, use) => {
    const tmp = await makeTempDir()
    const server = await startStaticServer(tmp.dir)
    const hashes = new Map<string, string>()
    let seed = 500
    for (const f of FILES) {
      const rel = `${FOLDER}/${f.path}`
      hashes.set(rel, await sha256(await writeTestFile(tmp.dir, rel, f.size, seed++)))
    }
    const { torrent, infoHash } = await makeTorrent(tmp.dir, [`${server.url}/`], tracker.url)
    const torrentPath = join(tmp.dir, 'ws-album.torrent')
    await writeFile(torrentPath, torrent)
    await use({ root: tmp.dir, server, torrentPath, infoHash, hashes })
    await server.close()
    await tmp.cleanup()
  },
  openPeer: async ({ browser, baseURL, tracker }, use) => {
    const peers: Peer[] = []
    await use(async (label) => {
      const peer = await newPeerPage(browser, baseURL!, { label, path: null })
      peers.push(peer)
      await openApp(peer.page, baseURL!, tracker.url)
      return peer.page
    })
    for (const peer of peers) await peer.context.close().catch(() => undefined)
  },
})

/** create-torrent over Files in path order (the order `seedFolderByApi` uses), with a url-list. */
async function makeTorrent(root: string, urlList: string[], announce: string): Promise<{ torrent: Uint8Array; infoHash: string }> {
  const files = await Promise.all(
    sortedByPath(FILES, (f) => f.path).map(async (f) => {
      const rel = `${FOLDER}/${f.path}`
      const file = new File([await readFile(join(root, rel))], basename(rel))
      return Object.assign(file, { fullPath: '/' + rel })
    }),
  )
  const torrent = await new Promise<Uint8Array>((resolve, reject) =>
    createTorrent(
      files,
      { name: FOLDER, pieceLength: PIECE_LENGTH, urlList, announceList: [[announce]] },
      (err, t) => (err ? reject(err) : resolve(t)),
    ),
  )
  const decoded = bencode.decode(torrent)
  const infoHash = createHash('sha1').update(bencode.encode(decoded['info'])).digest('hex')
  return { torrent, infoHash }
}

/** An honest Swarmstream peer: seeds the folder through the library API, files in path order. */
async function seedFolderByApi(page: Page, dir: string): Promise<string> {
  await page.evaluate(() => {
    const input = Object.assign(document.createElement('input'), { type: 'file', id: 'ws-picker', multiple: true, webkitdirectory: true })
    document.body.append(input)
  })
  await page.locator('#ws-picker').setInputFiles(dir)
  return page.evaluate(
    ({ name, pieceLength }) => {
      const input = document.getElementById('ws-picker') as HTMLInputElement
      const pathOf = (f: File) => f.webkitRelativePath
      const files = Array.from(input.files ?? []).sort((a, b) => (pathOf(a) < pathOf(b) ? -1 : pathOf(a) > pathOf(b) ? 1 : 0))
      return new Promise<string>((resolve, reject) => {
        const torrent = window.swarmstream!.client.seed(files, { name, pieceLength }, (t) => resolve(t.infoHash))
        torrent.once('error', (err) => reject(new Error(`seed failed: ${err.code}: ${err.message}`)))
      })
    },
    { name: FOLDER, pieceLength: PIECE_LENGTH },
  )
}

interface Sources {
  webSeeds: { url: string; downloaded: number; failures: number; demoted: boolean }[]
  received: number
  length: number
}

function sources(page: Page, infoHash: string): Promise<Sources> {
  return page.evaluate((hash) => {
    const t = window.swarmstream!.client.get(hash)
    if (!t) throw new Error(`no torrent ${hash}`)
    return { webSeeds: t.webSeeds, received: t.received, length: t.length }
  }, infoHash)
}

async function expectSavedFiles(page: Page, fx: Fixture): Promise<void> {
  for (const [path, hash] of fx.hashes) {
    expect(await sha256(await saveFile(page, path, { infoHash: fx.infoHash })), `SHA-256 of saved ${path}`).toBe(hash)
  }
}

function log(label: string, s: Sources): void {
  const seed = s.webSeeds[0]
  const fromSeed = seed?.downloaded ?? 0
  const description =
    `${label}: torrent ${s.length} B; received ${s.received} B, of which web seed ${fromSeed} B and peers ${s.received - fromSeed} B ` +
    `(web seed failures ${seed?.failures ?? 0}, demoted ${seed?.demoted})`
  test.info().annotations.push({ type: 'sources', description })
  console.log(`[web-seed] ${description}`)
}

test.describe('web seeds', () => {
  test('web seed only, no peers: a multi-file torrent downloads over HTTP with equal bytes', async ({ openPeer, web }) => {
    const page = await openPeer('leecher')
    await openTorrentFile(page, web.torrentPath)
    await waitForDone(page, web.infoHash, { timeout: 60_000 })
    await expect(torrentItem(page, web.infoHash).getByTestId('file-item')).toHaveCount(FILES.length)
    await expectSavedFiles(page, web)

    const s = await sources(page, web.infoHash)
    log('web seed only', s)
    expect(s.webSeeds.map((w) => w.url)).toEqual([`${web.server.url}/`])
    expect(s.webSeeds[0]!.downloaded, 'every byte came from the web seed').toBe(s.length)
    expect(s.webSeeds[0]!.demoted).toBe(false)
    const ranged = web.server.requests.filter((r) => r.method === 'GET' && r.range)
    expect(ranged.length, 'the web seed was asked with Range requests').toBeGreaterThan(0)
    for (const f of FILES) {
      expect(ranged.some((r) => r.path === `/${FOLDER}/${f.path}`), `${f.path} was fetched at its BEP 19 URL`).toBe(true)
    }
  })

  test('web seed plus one Swarmstream peer: equal bytes', async ({ openPeer, web }) => {
    const seeder = await openPeer('peer')
    expect(await seedFolderByApi(seeder, join(web.root, FOLDER)), 'the peer seeds the same torrent').toBe(web.infoHash)
    const page = await openPeer('leecher')
    await openTorrentFile(page, web.torrentPath)
    await waitForDone(page, web.infoHash, { timeout: 60_000 })
    await expectSavedFiles(page, web)

    const s = await sources(page, web.infoHash)
    log('web seed + peer', s)
    expect(s.webSeeds[0]!.demoted).toBe(false)
    expect(s.webSeeds[0]!.downloaded + s.received, 'the pieces came from the web seed and the peer').toBeGreaterThanOrEqual(s.length)
  })

  test('a lying web seed plus an honest peer: correct bytes, and the web seed is demoted', async ({ openPeer, web }) => {
    for (const f of FILES) web.server.lie(`/${FOLDER}/${f.path}`)
    const seeder = await openPeer('honest peer')
    expect(await seedFolderByApi(seeder, join(web.root, FOLDER))).toBe(web.infoHash)
    // Slower than the web seed: unthrottled on loopback, the peer sometimes sent every piece before three of the web seed's had failed.
    await seeder.evaluate(() => (window.swarmstream!.client.uploadLimit = 1_000_000))
    const page = await openPeer('leecher')
    await openTorrentFile(page, web.torrentPath)
    await waitForDone(page, web.infoHash, { timeout: 60_000 })
    await expectSavedFiles(page, web)

    const s = await sources(page, web.infoHash)
    log('lying web seed + honest peer', s)
    expect(web.server.requests.some((r) => r.method === 'GET'), 'the lying web seed was asked').toBe(true)
    const webSeeds = await page.evaluate(() => window.swarmstream!.client.torrents[0]!.webSeeds)
    expect(webSeeds[0]?.demoted, 'the web seed whose pieces fail verification is demoted').toBe(true)
  })
})
