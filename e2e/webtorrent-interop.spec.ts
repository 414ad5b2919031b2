// Interop with WebTorrent 3 in real Chromium: WebTorrent seeds → Swarmstream downloads (metadata by
// ut_metadata), Swarmstream seeds → WebTorrent downloads, and a mixed swarm of both. Every file's
// SHA-256 is compared with the original.
import { join } from 'node:path'
import type { Page } from '@playwright/test'
import { addMagnet, infoHashOf, saveFile, seedFiles, seedFolder, waitForDone, waitForMagnet } from './support/app.ts'
import { sha256, writeTestFile } from './support/files.ts'
import { expect, test } from './support/webtorrent-test.ts'
import type { WebTorrentPeer } from './support/webtorrent.ts'


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

async function expectSavedFiles(page: Page, infoHash: string, hashes: Map<string, string>, who: string): Promise<void> {
  for (const [path, hash] of hashes) {
    const bytes = await saveFile(page, path, { infoHash })
    expect(await sha256(bytes), `${who}: SHA-256 of saved ${path}`).toBe(hash)
  }
}

async function expectWebTorrentFiles(peer: WebTorrentPeer, infoHash: string, hashes: Map<string, string>, who: string): Promise<void> {
  const got = await peer.fileHashes(infoHash)
  expect(Object.keys(got).sort(), `${who}: the file list`).toEqual([...hashes.keys()].sort())
  for (const [path, hash] of hashes) expect(got[path], `${who}: SHA-256 of ${path}`).toBe(hash)
}

function recordSpeed(label: string, bytes: number, ms: number): number {
  const mbps = bytes / 1e6 / (ms / 1000)
  const description = `${label}: ${(bytes / 2 ** 20).toFixed(0)} MiB in ${(ms / 1000).toFixed(2)} s = ${mbps.toFixed(2)} MB/s`
  test.info().annotations.push({ type: 'transfer speed', description })
  console.log(`[speed] ${description}`)
  return mbps
}

const BIG = 32 * 2 ** 20

test.describe('WebTorrent interop', () => {
  test('WebTorrent seeds, Swarmstream downloads by magnet (metadata over ut_metadata)', async ({
    openPeer,
    openWebTorrent,
    tracker,
    tmpDir,
  }) => {
    const file: TestFile = { path: 'from-webtorrent-32MiB.bin', size: BIG, seed: 101 }
    const hashes = await writeFiles(tmpDir, [file])
    const wt = await openWebTorrent('WT seeder')
    const ss = await openPeer('SS leecher')

    const seeded = await wt.seed(join(tmpDir, file.path), { announce: [tracker.url] })
    // Only the info hash and our tracker: the info dictionary must come from the WebTorrent peer.
    const magnet = `magnet:?xt=urn:btih:${seeded.infoHash}&tr=${encodeURIComponent(tracker.url)}`

    const started = performance.now()
    await addMagnet(ss.page, magnet)
    await waitForDone(ss.page, seeded.infoHash, { timeout: 90_000 })
    const mbps = recordSpeed('WebTorrent → Swarmstream, magnet paste to done', file.size, performance.now() - started)
    expect(mbps).toBeGreaterThan(0)

    const name = await ss.page.evaluate((h) => window.swarmstream!.client.get(h)?.name, seeded.infoHash)
    expect(name, 'the name came with the metadata from WebTorrent').toBe(file.path)
    await expectSavedFiles(ss.page, seeded.infoHash, hashes, 'Swarmstream')
    expect(await wt.errors()).toEqual([])
  })

  test('Swarmstream seeds (file chooser), WebTorrent downloads by magnet', async ({
    openPeer,
    openWebTorrent,
    tracker,
    tmpDir,
  }) => {
    const file: TestFile = { path: 'from-swarmstream-32MiB.bin', size: BIG, seed: 102 }
    const hashes = await writeFiles(tmpDir, [file])
    const ss = await openPeer('SS seeder')
    const wt = await openWebTorrent('WT leecher')

    await seedFiles(ss.page, join(tmpDir, file.path))
    const magnet = await waitForMagnet(ss.page, { timeout: 60_000 })
    const infoHash = infoHashOf(magnet)

    const started = performance.now()
    await wt.add(magnet, [tracker.url])
    await wt.waitForDone(infoHash, 90_000)
    const mbps = recordSpeed('Swarmstream → WebTorrent, add to done', file.size, performance.now() - started)
    expect(mbps).toBeGreaterThan(0)

    await expectWebTorrentFiles(wt, infoHash, hashes, 'WebTorrent')
    expect(await wt.errors()).toEqual([])
  })

  test('mixed swarm: one Swarmstream seeds a folder to a Swarmstream and two WebTorrent peers at once', async ({
    openPeer,
    openWebTorrent,
    tracker,
    tmpDir,
  }) => {
    const files: TestFile[] = [
      { path: 'mixed/empty.txt', size: 0, seed: 201 },
      { path: 'mixed/a.bin', size: 3_000_017, seed: 202 },
      { path: 'mixed/日本語 – ü.txt', size: 65_537, seed: 203 },
      { path: 'mixed/sub/b.bin', size: 2_500_001, seed: 204 },
      { path: 'mixed/sub/deeper/c.bin', size: 1_048_576, seed: 205 },
    ]
    const hashes = await writeFiles(tmpDir, files)
    const seeder = await openPeer('SS seeder')
    const ssLeecher = await openPeer('SS leecher')
    const wt1 = await openWebTorrent('WT leecher 1')
    const wt2 = await openWebTorrent('WT leecher 2')

    await seedFolder(seeder.page, join(tmpDir, 'mixed'))
    const magnet = await waitForMagnet(seeder.page)
    const infoHash = infoHashOf(magnet)

    await Promise.all([addMagnet(ssLeecher.page, magnet), wt1.add(magnet, [tracker.url]), wt2.add(magnet, [tracker.url])])
    await Promise.all([waitForDone(ssLeecher.page, infoHash), wt1.waitForDone(infoHash), wt2.waitForDone(infoHash)])

    await expectSavedFiles(seeder.page, infoHash, hashes, 'Swarmstream seeder')
    await expectSavedFiles(ssLeecher.page, infoHash, hashes, 'Swarmstream leecher')
    await expectWebTorrentFiles(wt1, infoHash, hashes, 'WebTorrent leecher 1')
    await expectWebTorrentFiles(wt2, infoHash, hashes, 'WebTorrent leecher 2')
    expect([...(await wt1.errors()), ...(await wt2.errors())]).toEqual([])
  })
})
