// Sharing as a person sees it: a multi-file drop asks for a name (the torrent gets it, and so do the
// file URLs), and a seeder's row shows what it shared — ratio, uploaded bytes, peers served — with
// speeds back at 0 once the transfer stops. Also makes the README screenshot of a finished seeding row.
import { copyFile, mkdir, readFile } from 'node:fs/promises'
import { basename, join, resolve } from 'node:path'
import type { Page } from '@playwright/test'
import { addMagnet, fileItem, infoHashOf, seedFiles, torrentItem, torrentItems, waitForDone, waitForMagnet } from './support/app.ts'
import { writeTestFile } from './support/files.ts'
import { expect, test } from './support/peers.ts'

const SCREENSHOTS = resolve(import.meta.dirname, 'artifacts', 'screenshots')
const README_SCREENSHOT = resolve(import.meta.dirname, '..', 'public', 'screenshot.png')

/** Drops files on the page as the browser does (a `drop` event whose DataTransfer holds the Files). */
async function dropFiles(page: Page, paths: string[]): Promise<void> {
  const files = await Promise.all(paths.map(async (path) => ({ name: basename(path), bytes: [...(await readFile(path))] })))
  await page.evaluate((files) => {
    const data = new DataTransfer()
    for (const f of files) data.items.add(new File([new Uint8Array(f.bytes)], f.name, { type: 'application/octet-stream' }))
    const target = document.querySelector('[data-testid="drop-zone"]')!
    for (const type of ['dragenter', 'dragover', 'drop']) target.dispatchEvent(new DragEvent(type, { dataTransfer: data, bubbles: true, cancelable: true }))
  }, files)
}

/** Waits until the service worker serves this page's files, then fetches one file URL. */
async function fetchFileUrl(page: Page, path: string): Promise<{ status: number; bytes: number[] }> {
  await page.waitForFunction(() => !!navigator.serviceWorker.controller)
  return page.evaluate(async (url) => {
    const res = await fetch(url)
    return { status: res.status, bytes: [...new Uint8Array(await res.arrayBuffer())] }
  }, path)
}

test('a three-file drop named by the person gives the torrent that name, and its file URLs', async ({ openPeer, tmpDir }) => {
  const a = await openPeer('A')
  const names = ['beach.bin', 'dunes.bin', 'harbour.bin']
  const paths = await Promise.all(names.map((name, i) => writeTestFile(tmpDir, name, 90_000 + i * 7_001, 40 + i)))

  // Cancel forgets the drop; an unusable name is refused with the reason and the form stays.
  await dropFiles(a.page, paths.slice(0, 2))
  const form = a.page.getByTestId('share-name-form')
  await expect(form.getByTestId('share-name-input')).toHaveValue('2 files')
  await form.getByTestId('share-name-cancel').click()
  await expect(form).toBeHidden()
  await expect(torrentItems(a.page)).toHaveCount(0)

  await dropFiles(a.page, paths)
  const input = form.getByTestId('share-name-input')
  await expect(input, 'loose files are proposed as "N files"').toHaveValue('3 files')
  await expect(input).toBeFocused()
  await expect(form.getByTestId('share-name-summary')).toContainText('beach.bin, dunes.bin, harbour.bin')
  await input.fill('Trip/2024')
  await input.press('Enter')
  await expect(form.getByTestId('share-name-error')).toContainText('cannot contain /')
  await mkdir(SCREENSHOTS, { recursive: true })
  await a.page.screenshot({ path: join(SCREENSHOTS, '08-name-a-share.png'), animations: 'disabled' })
  await expect(torrentItems(a.page)).toHaveCount(0)
  await input.fill('  Summer trip 2024 ')
  await form.getByTestId('share-name-confirm').click()
  await expect(form).toBeHidden()

  const magnet = await waitForMagnet(a.page)
  const infoHash = infoHashOf(magnet)
  expect(new URL(magnet).searchParams.get('dn')).toBe('Summer trip 2024')
  await expect(torrentItem(a.page, infoHash).getByTestId('torrent-name')).toHaveText('Summer trip 2024')

  const b = await openPeer('B')
  await addMagnet(b.page, magnet)
  await waitForDone(b.page, infoHash)
  await expect(torrentItem(b.page, infoHash).getByTestId('torrent-name')).toHaveText('Summer trip 2024')
  for (const name of names) await expect(fileItem(b.page, `Summer trip 2024/${name}`, infoHash)).toBeVisible()
  const file = await fetchFileUrl(b.page, `/files/${infoHash}/${encodeURIComponent('Summer trip 2024')}/dunes.bin`)
  expect(file.status).toBe(200)
  expect(Buffer.from(file.bytes).equals(await readFile(paths[1]!)), 'the file URL has the folder the person named').toBe(true)
})

/** The number in the row's Ratio cell. */
async function ratioOf(page: Page, infoHash: string): Promise<number> {
  return Number(await torrentItem(page, infoHash).getByTestId('torrent-ratio').innerText())
}

test("a seeder's row shows its ratio, uploaded total and peers served; speeds drop to 0 when transfers stop", async ({ openPeer, tmpDir }) => {
  const seeder = await openPeer('seeder')
  await seeder.page.setViewportSize({ width: 1100, height: 760 })
  const size = 3_000_000
  const path = await writeTestFile(tmpDir, 'concert-recording.bin', size, 51)
  await seedFiles(seeder.page, path)
  const magnet = await waitForMagnet(seeder.page)
  const infoHash = infoHashOf(magnet)
  const row = torrentItem(seeder.page, infoHash)
  await expect(row.getByTestId('torrent-ratio')).toHaveText('0.00')
  await expect(row.getByTestId('torrent-peers-served')).toHaveText('0 peers')

  for (const label of ['leecher 1', 'leecher 2']) {
    const leecher = await openPeer(label)
    await addMagnet(leecher.page, magnet)
    // The row that turns "seeding" shows 0 B/s down in the same redraw: no last speed left over.
    const item = torrentItem(leecher.page, infoHash)
    await expect(item).toHaveAttribute('data-state', 'seeding', { timeout: 90_000 })
    const finished = await item.evaluate((el) => ({
      state: el.getAttribute('data-state'),
      down: el.querySelector('[data-testid="torrent-down-speed"]')?.textContent,
    }))
    expect(finished).toEqual({ state: 'seeding', down: '0 B/s' })
    await waitForDone(leecher.page, infoHash)
    await leecher.context.close()
  }

  await expect(row.getByTestId('torrent-peers-served')).toHaveText('2 peers')
  await expect(row.getByTestId('torrent-peers'), 'both leechers have gone').toHaveText('0 peers', { timeout: 60_000 })
  const uploaded = Number(await row.getByTestId('torrent-uploaded').getAttribute('data-bytes'))
  expect(uploaded, 'two whole copies were uploaded').toBeGreaterThanOrEqual(2 * size)
  await expect(row.getByTestId('torrent-uploaded')).toHaveText(/^\d+(\.\d+)? MB$/)
  const ratio = await ratioOf(seeder.page, infoHash)
  expect(ratio, 'a seeder divides by the length: two copies read 2.00').toBeGreaterThanOrEqual(2)
  expect(ratio).toBeCloseTo(uploaded / size, 2)
  await expect(seeder.page.locator('.session-summary')).toHaveAttribute('data-uploaded', String(uploaded))
  // Nothing flows any more, so both speeds read 0.
  await expect(row.getByTestId('torrent-up-speed')).toHaveText('0 B/s')
  await expect(row.getByTestId('torrent-down-speed')).toHaveText('0 B/s')
  await expect(seeder.page.getByTestId('session-uploaded')).toContainText('↑ 0 B/s')

  await mkdir(SCREENSHOTS, { recursive: true })
  const shot = join(SCREENSHOTS, '07-seeding-finished.png')
  await seeder.page.screenshot({ path: shot, fullPage: true, animations: 'disabled' })
  // The README's picture; refreshed only on request so that a test run leaves the tree clean.
  if (process.env['SWARMSTREAM_UPDATE_SCREENSHOT']) await copyFile(shot, README_SCREENSHOT)
})

/** Whether the page has fetched the seeding code (client/create.ts in dev, its chunk in a build). */
function seedingCodeLoaded(page: Page): Promise<boolean> {
  return page.evaluate(() => performance.getEntriesByType('resource').some((e) => /\/client\/create\.ts$|\/create-[\w-]{8}\.js$/.test(new URL(e.name).pathname)))
}

test('pressing "Share files" or dragging files over the page readies seeding before any file is chosen', async ({ openPeer }) => {
  const a = await openPeer('A')
  expect(await seedingCodeLoaded(a.page), 'a page that only downloads does not load the seeding code').toBe(false)
  const chooser = a.page.waitForEvent('filechooser')
  await a.page.locator('label', { has: a.page.getByTestId('seed-files-input') }).click()
  await chooser
  await expect.poll(() => seedingCodeLoaded(a.page), { message: 'the press loads the seeding code (and starts its hashing workers)' }).toBe(true)

  const b = await openPeer('B')
  await b.page.evaluate(() => {
    const data = new DataTransfer()
    data.items.add(new File(['x'], 'x.bin'))
    document.querySelector('[data-testid="drop-zone"]')!.dispatchEvent(new DragEvent('dragenter', { dataTransfer: data, bubbles: true, cancelable: true }))
  })
  await expect.poll(() => seedingCodeLoaded(b.page), { message: 'files dragged over the page load the seeding code' }).toBe(true)
  await expect(torrentItems(b.page), 'nothing is shared until the drop').toHaveCount(0)
})
