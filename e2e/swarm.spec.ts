// Issue "swarm engine" acceptance: many leechers, resume after a reload (leecher and seeder).
// Every peer is its own browser context; a reload keeps the context, so its IndexedDB survives.
import type { Page } from '@playwright/test'
import { countVerifiedFromLoad, infoHashOf, seedFiles, waitForMagnet } from './support/app.ts'
import { sha256, writeTestFile } from './support/files.ts'
import { expect, test } from './support/peers.ts'



/** Adds a magnet through the library and resolves when that torrent is done; returns the SHA-256 of its first file. */
async function download(page: Page, magnet: string): Promise<string> {
  return page.evaluate(async (magnet) => {
    const client = window.swarmstream!.client
    const t = client.add(magnet)
    await new Promise<void>((resolve, reject) => {
      t.once('done', () => resolve())
      t.once('error', (e) => reject(e))
    })
    const digest = await crypto.subtle.digest('SHA-256', await t.files[0]!.arrayBuffer())
    return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('')
  }, magnet)
}

test('1 seeder and 4 leechers: everyone ends with identical bytes', async ({ openPeer, tmpDir }) => {
  const path = await writeTestFile(tmpDir, 'swarm.bin', 16 * 2 ** 20, 51)
  const seeder = await openPeer('seeder')
  await seedFiles(seeder.page, path)
  const magnet = await waitForMagnet(seeder.page)
  const leechers = await Promise.all(['L1', 'L2', 'L3', 'L4'].map((label) => openPeer(label)))
  const hashes = await Promise.all(leechers.map((l) => download(l.page, magnet)))
  const original = await sha256(path)
  for (const h of hashes) expect(h).toBe(original)
})

test('a download reloaded at 50 % resumes from IndexedDB and finishes, fetching no piece twice', async ({ openPeer, tmpDir }) => {
  const path = await writeTestFile(tmpDir, 'resume.bin', 12 * 2 ** 20, 52)
  const seeder = await openPeer('seeder')
  await seedFiles(seeder.page, path)
  const magnet = await waitForMagnet(seeder.page)
  await seeder.page.evaluate(() => (window.swarmstream!.client.uploadLimit = 3_000_000))
  const leecher = await openPeer('leecher')
  const before = await leecher.page.evaluate(async (magnet) => {
    const t = window.swarmstream!.client.add(magnet)
    await new Promise<void>((resolve) => t.on('verified', () => t.progress >= 0.5 && resolve()))
    let have = 0
    for (let i = 0; i < t.numPieces; i++) if (t.hasPiece(i)) have++
    return { have, numPieces: t.numPieces }
  }, magnet)
  expect(before.have).toBeLessThan(before.numPieces)

  // Pieces verified after the reload are counted from the moment the restored torrent exists, not from
  // whenever this test's code gets to run (on a slow day many pieces arrive before that).
  await countVerifiedFromLoad(leecher.page)
  await leecher.page.reload()
  await expect(leecher.page.getByTestId('magnet-input')).toBeVisible()
  const after = await leecher.page.evaluate(async () => {
    const client = window.swarmstream!.client
    const [t] = await client.restored
    if (!t) throw new Error('the torrent did not come back after the reload')
    if (!t.done) await new Promise<void>((resolve) => t.once('done', () => resolve()))
    const digest = await crypto.subtle.digest('SHA-256', await t.files[0]!.arrayBuffer())
    return {
      resumed: t.resumedPieces,
      fetched: window.verifiedSinceLoad!(t),
      hash: [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join(''),
    }
  })
  console.log(`[resume] ${before.have}/${before.numPieces} pieces before the reload, ${after.resumed} resumed, ${after.fetched} fetched after`)
  // Pieces are counted only once committed, so every piece had before the reload comes back.
  expect(after.resumed).toBeGreaterThanOrEqual(before.have)
  expect(after.resumed + after.fetched).toBe(before.numPieces)
  expect(after.hash).toBe(await sha256(path))
})

test('a seeder that reloads keeps seeding from IndexedDB, without its original file', async ({ openPeer, tmpDir }) => {
  const path = await writeTestFile(tmpDir, 'reseed.bin', 8 * 2 ** 20, 53)
  const seeder = await openPeer('seeder')
  await seedFiles(seeder.page, path)
  const magnet = await waitForMagnet(seeder.page)
  await seeder.page.evaluate(async (infoHash) => {
    const t = window.swarmstream!.client.get(infoHash)!
    if (!t.persisted) await new Promise<void>((resolve) => t.once('persisted', () => resolve()))
  }, infoHashOf(magnet))
  await seeder.page.reload()
  await expect(seeder.page.getByTestId('magnet-input')).toBeVisible()
  const restored = await seeder.page.evaluate(async () => {
    const [t] = await window.swarmstream!.client.restored
    if (!t) throw new Error('the seed did not come back after the reload')
    if (!t.ready) await new Promise<void>((resolve) => t.once('ready', () => resolve()))
    return { done: t.done, resumed: t.resumedPieces, numPieces: t.numPieces }
  })
  expect(restored.done).toBe(true)
  expect(restored.resumed).toBe(restored.numPieces)
  const leecher = await openPeer('leecher')
  expect(await download(leecher.page, magnet)).toBe(await sha256(path))
})
