// Issue 1 acceptance: tab A seeds through the file chooser, tab B pastes A's magnet and downloads,
// and every saved file has the original's SHA-256. Every tab is its own browser context.
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Page } from '@playwright/test'
import {
  addMagnet,
  dismissError,
  errorBannerText,
  infoHashOf,
  openTorrentFile,
  saveFile,
  seedFiles,
  seedFolder,
  torrentItem,
  torrentItems,
  waitForDone,
  waitForMagnet,
} from './support/app.ts'
import { sha256, writeTestFile } from './support/files.ts'
import { expect, test } from './support/peers.ts'


// `openPeer(label)`: a new context with the app open on the worker's tracker; closed after the test.

interface TestFile {
  /** Path inside the torrent, top folder included for folders. */
  path: string
  size: number
  seed: number
}

async function writeFiles(dir: string, files: TestFile[]): Promise<Map<string, string>> {
  const hashes = new Map<string, string>()
  for (const f of files) hashes.set(f.path, await sha256(await writeTestFile(dir, f.path, f.size, f.seed)))
  return hashes
}

/** Saves every file from `page` and compares its SHA-256 with the original. */
async function expectSavedFiles(page: Page, infoHash: string, hashes: Map<string, string>): Promise<void> {
  for (const [path, hash] of hashes) {
    const bytes = await saveFile(page, path, { infoHash })
    expect(await sha256(bytes), `SHA-256 of saved ${path}`).toBe(hash)
  }
}

function recordSpeed(label: string, bytes: number, ms: number): number {
  const mbps = bytes / 1e6 / (ms / 1000)
  const description = `${label}: ${(bytes / 2 ** 20).toFixed(0)} MiB in ${(ms / 1000).toFixed(2)} s = ${mbps.toFixed(2)} MB/s`
  test.info().annotations.push({ type: 'transfer speed', description })
  console.log(`[speed] ${description}`)
  return mbps
}

test.describe('seed in tab A, download in tab B', () => {
  test('(a) one small file', async ({ openPeer, tmpDir }) => {
    const file: TestFile = { path: 'small-file.bin', size: 100_000, seed: 1 }
    const hashes = await writeFiles(tmpDir, [file])
    const a = await openPeer('A')
    const b = await openPeer('B')

    await seedFiles(a.page, join(tmpDir, file.path))
    const magnet = await waitForMagnet(a.page)
    const infoHash = infoHashOf(magnet)

    await addMagnet(b.page, magnet)
    await waitForDone(b.page, infoHash)
    await expect(torrentItems(b.page)).toHaveCount(1)
    await expect(torrentItem(b.page, infoHash).getByTestId('file-item')).toHaveCount(1)
    await expectSavedFiles(b.page, infoHash, hashes)
  })

  test('(b) a folder with an empty file, a non-ASCII name and subfolders; then tab C from B alone', async ({
    openPeer,
    tmpDir,
  }) => {
    const files: TestFile[] = [
      { path: 'album-b/empty.txt', size: 0, seed: 2 },
      // Not a multiple of any power-of-two piece length: ends mid-piece.
      { path: 'album-b/mid-piece.bin', size: 1_000_003, seed: 3 },
      { path: 'album-b/日本語 – ü.txt', size: 54_321, seed: 4 },
      { path: 'album-b/sub/readme.txt', size: 777, seed: 5 },
      { path: 'album-b/sub/deeper/nested.bin', size: 300_001, seed: 6 },
    ]
    const hashes = await writeFiles(tmpDir, files)
    const a = await openPeer('A')
    const b = await openPeer('B')

    await seedFolder(a.page, join(tmpDir, 'album-b'))
    const magnet = await waitForMagnet(a.page)
    const infoHash = infoHashOf(magnet)
    await expect(torrentItem(a.page, infoHash).getByTestId('torrent-name')).toHaveText('album-b')

    await addMagnet(b.page, magnet)
    await waitForDone(b.page, infoHash)
    await expect(torrentItem(b.page, infoHash).getByTestId('file-item')).toHaveCount(files.length)
    await expectSavedFiles(b.page, infoHash, hashes)

    // A leaves; C must get everything from B.
    await a.context.close()
    const c = await openPeer('C')
    await addMagnet(c.page, magnet)
    await waitForDone(c.page, infoHash)
    await expectSavedFiles(c.page, infoHash, hashes)
  })

  test('(c) a 64 MiB file, with the transfer speed logged', async ({ openPeer, tmpDir }) => {
    const size = 64 * 2 ** 20
    const file: TestFile = { path: 'big-64MiB.bin', size, seed: 7 }
    const hashes = await writeFiles(tmpDir, [file])
    const a = await openPeer('A')
    const b = await openPeer('B')

    await seedFiles(a.page, join(tmpDir, file.path))
    const magnet = await waitForMagnet(a.page, { timeout: 90_000 })
    const infoHash = infoHashOf(magnet)

    const started = performance.now()
    await addMagnet(b.page, magnet)
    await waitForDone(b.page, infoHash, { timeout: 100_000 })
    const mbps = recordSpeed('64 MiB A→B, magnet paste to done', size, performance.now() - started)
    expect(mbps, 'transfer speed is a positive number').toBeGreaterThan(0)

    await expectSavedFiles(b.page, infoHash, hashes)
  })
})

test.describe('bad input', () => {
  test('a malformed magnet and a non-torrent file show a clear error, and the page keeps working', async ({
    openPeer,
    tmpDir,
  }) => {
    const file: TestFile = { path: 'after-errors.bin', size: 50_000, seed: 8 }
    const hashes = await writeFiles(tmpDir, [file])
    const notTorrent = join(tmpDir, 'not-a-torrent.torrent')
    await writeFile(notTorrent, 'this is plain text, not a bencoded torrent\n')
    const a = await openPeer('A')
    const b = await openPeer('B')
    await seedFiles(a.page, join(tmpDir, file.path))
    const magnet = await waitForMagnet(a.page)
    const infoHash = infoHashOf(magnet)

    await addMagnet(b.page, 'magnet:?xt=urn:btih:xyz')
    const magnetError = await errorBannerText(b.page)
    expect(magnetError, 'the banner says the magnet link is the problem').toMatch(/magnet/i)
    expect(magnetError.length, 'the banner explains, not just "Error"').toBeGreaterThan(20)
    await expect(torrentItems(b.page), 'nothing is added for a bad magnet').toHaveCount(0)
    await dismissError(b.page)

    await openTorrentFile(b.page, notTorrent)
    const fileError = await errorBannerText(b.page)
    expect(fileError, 'the banner says the file is not a torrent').toMatch(/torrent/i)
    expect(fileError.length).toBeGreaterThan(20)
    await expect(torrentItems(b.page), 'nothing is added for a bad .torrent').toHaveCount(0)

    // A later valid add still works.
    await addMagnet(b.page, magnet)
    await waitForDone(b.page, infoHash)
    await expectSavedFiles(b.page, infoHash, hashes)
  })
})
