// The finished web app: names render as text (no XSS), share links start downloads, the piece map,
// pause/resume and remove (keep or delete data), and screenshots of the main views as artifacts.
import { mkdir } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import type { Locator, Page } from '@playwright/test'
import { addMagnet, appUrl, infoHashOf, seedFiles, torrentItem, torrentItems, waitForDone, waitForMagnet } from './support/app.ts'
import { writeTestFile } from './support/files.ts'
import { expect, test, type Peer } from './support/peers.ts'

const SCREENSHOTS = resolve(import.meta.dirname, 'artifacts', 'screenshots')
const XSS_NAME = '<img src=x onerror=alert(1)>.txt'



async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(SCREENSHOTS, { recursive: true })
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true, animations: 'disabled' })
}

/** Sets the page's download limit through Settings (kB/s), leaving Settings as it was. */
async function limitRate(page: Page, direction: 'download' | 'upload', kBps: number): Promise<void> {
  const settings = page.getByTestId('settings')
  await settings.locator('summary').click()
  await page.getByTestId(`${direction}-limit`).fill(String(kBps))
  await page.getByTestId('limits-save').click()
  await settings.locator('summary').click()
}

async function pieceCounts(map: Locator): Promise<{ pieces: number; have: number }> {
  return {
    pieces: Number(await map.getAttribute('data-pieces')),
    have: Number(await map.getAttribute('data-have')),
  }
}

async function expectNameIsText(peer: Peer, infoHash: string): Promise<void> {
  const item = torrentItem(peer.page, infoHash)
  await expect(item.getByTestId('torrent-name')).toHaveText(XSS_NAME)
  await expect(item.getByTestId('file-name')).toHaveText(XSS_NAME)
  await expect(item.getByTestId('file-name')).toBeVisible()
  await expect(peer.page.locator('img'), 'the name created no <img> element').toHaveCount(0)
  expect(await peer.page.evaluate(() => document.querySelectorAll('[onerror]').length)).toBe(0)
  expect(peer.dialogs, 'no dialog was opened by a name').toEqual([])
}

test('a file named like HTML renders as text for the seeder and the downloader', async ({ openPeer, tmpDir }) => {
  const a = await openPeer('A')
  const b = await openPeer('B')
  // An <img src=x> made from the name, even one removed at once, would have asked for /x.
  const imageRequests: string[] = []
  for (const peer of [a, b]) peer.page.on('request', (req) => new URL(req.url()).pathname === '/x' && imageRequests.push(req.url()))
  await seedFiles(a.page, await writeTestFile(tmpDir, XSS_NAME, 20_000, 11))
  const magnet = await waitForMagnet(a.page)
  const infoHash = infoHashOf(magnet)
  await expectNameIsText(a, infoHash)

  await addMagnet(b.page, magnet)
  await waitForDone(b.page, infoHash)
  await expectNameIsText(b, infoHash)
  expect(imageRequests, 'no image was ever made from the name, so no onerror can fire later').toEqual([])
  expect(a.dialogs).toEqual([])
})

test('the share link, opened in a new browser, starts the download and is used only once', async ({ openPeer, tmpDir, baseURL, tracker }) => {
  const a = await openPeer('A')
  await a.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(baseURL!).origin })
  await seedFiles(a.page, await writeTestFile(tmpDir, 'shared.bin', 300_000, 12))
  const magnet = await waitForMagnet(a.page)
  const infoHash = infoHashOf(magnet)

  const share = torrentItem(a.page, infoHash).getByTestId('share-link')
  await share.click()
  await expect(share).toHaveText('Copied')
  const link = await a.page.evaluate(() => navigator.clipboard.readText())
  expect(link).toBe(`${new URL(baseURL!).origin}/#${encodeURIComponent(magnet)}`)
  expect(await share.getAttribute('href')).toBe(link)

  // The link carries no settings; this test's page adds its tracker settings (?announce, ?ice) to it.
  const b = await openPeer('B', { app: false })
  await b.page.goto(appUrl(baseURL!, tracker.url) + new URL(link).hash)
  await waitForDone(b.page, infoHash)
  await expect(torrentItems(b.page)).toHaveCount(1)
  expect(new URL(b.page.url()).hash, 'the fragment is cleared once used').toBe('')
  await expect(b.page.getByTestId('error-banner')).toBeHidden()
})

test('piece map, pause/resume, remove with or without data, and screenshots of the main views', async ({ openPeer, tmpDir }) => {
  const a = await openPeer('A')
  await a.page.setViewportSize({ width: 1100, height: 900 })
  await expect(a.page.getByTestId('storage-usage')).toHaveText(/^Storage: .+ of .+ used$/)
  await screenshot(a.page, '01-empty')

  const big = await writeTestFile(tmpDir, 'holiday-video.bin', 6_000_000, 13)
  const small = await writeTestFile(tmpDir, 'notes.txt', 40_000, 14)
  await seedFiles(a.page, small)
  const smallMagnet = await waitForMagnet(a.page)
  await seedFiles(a.page, big)
  const magnet = await waitForMagnet(a.page, { index: 0 })
  const infoHash = infoHashOf(magnet)
  const seedMap = torrentItem(a.page, infoHash).getByTestId('piece-map')
  await expect(seedMap).toHaveAttribute('data-pieces', /^[1-9]\d+$/)
  const seeded = await pieceCounts(seedMap)
  expect(seeded.have, 'a seed has every piece').toBe(seeded.pieces)
  // A strip that no longer changes (a complete seed) still takes the colours of a new theme.
  const stripColour = () =>
    seedMap.evaluate((canvas: HTMLCanvasElement) => Array.from(canvas.getContext('2d')!.getImageData(canvas.width >> 1, canvas.height >> 1, 1, 1).data.slice(0, 3)).join(','))
  const lightColour = await stripColour()
  await a.page.emulateMedia({ colorScheme: 'dark' })
  await expect.poll(stripColour, { message: 'the strip is repainted in the dark theme' }).not.toBe(lightColour)
  await a.page.emulateMedia({ colorScheme: 'light' })
  await expect.poll(stripColour, { message: 'and back' }).toBe(lightColour)

  // The seeder's cap keeps requests waiting at A, so B always has some in flight; a download cap
  // alone lets each burst of requests land at once and then holds the next back, with nothing in flight.
  await limitRate(a.page, 'upload', 400)
  const b = await openPeer('B')
  await b.page.setViewportSize({ width: 1100, height: 900 })
  await limitRate(b.page, 'download', 400)
  await addMagnet(b.page, smallMagnet)
  await waitForDone(b.page, infoHashOf(smallMagnet))
  await addMagnet(b.page, magnet)
  const item = torrentItem(b.page, infoHash)
  const map = item.getByTestId('piece-map')
  await expect(item).toHaveAttribute('data-state', 'downloading', { timeout: 30_000 })
  await expect.poll(async () => (await pieceCounts(map)).have, { timeout: 30_000 }).toBeGreaterThan(2)
  await expect(map, 'pieces in flight are drawn as downloading').not.toHaveAttribute('data-downloading', '0')
  await screenshot(b.page, '02-downloading')
  await screenshot(a.page, '03-seeding')

  // Pause: nothing is in flight and, once the last answers have landed (speed 0), the verified count
  // stays put while the settings and phone views are taken; resume: it grows again.
  const pause = item.getByTestId('pause-torrent')
  await pause.click()
  await expect(pause).toHaveText('Resume')
  await expect(item.getByTestId('torrent-status')).toHaveText(/^Paused/)
  await expect(map, 'pausing cancels every request in flight').toHaveAttribute('data-downloading', '0')
  await expect
    .poll(() => b.page.evaluate((hash) => window.swarmstream!.client.get(hash)!.downloadSpeed, infoHash), { timeout: 30_000 })
    .toBe(0)
  const paused = (await pieceCounts(map)).have
  expect(paused, 'paused before the end').toBeLessThan(seeded.pieces)
  // Blocks that arrived before the pause may still finish hashing and storing, so the piece count can
  // still move; what must not move while paused is what peers deliver, but for late answers to the
  // requests the pause cancelled (BEP 3 allows them; they are counted apart as late blocks).
  const receivedWhilePaused = () =>
    b.page.evaluate((hash) => {
      const stats = window.swarmstream!.client.get(hash)!.stats!
      return Object.values(stats.byPeer).reduce((sum, p) => sum + p.receivedBytes, 0) - stats.lateBlocks * 16384
    }, infoHash)
  const receivedAtPause = await receivedWhilePaused()

  await b.page.getByTestId('settings').locator('summary').click()
  await screenshot(b.page, '04-settings')
  await b.page.getByTestId('settings').locator('summary').click()

  // Phone-sized: no sideways scrolling (measured after two frames: layout and resize observers have run).
  await b.page.setViewportSize({ width: 375, height: 812 })
  await b.page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))))
  const overflow = await b.page.evaluate(() => {
    const width = document.documentElement.clientWidth
    const wide = [...document.querySelectorAll<HTMLElement>('body *')].filter((e) => e.getBoundingClientRect().right > width + 0.5)
    return { width, scrollWidth: document.documentElement.scrollWidth, wide: wide.slice(0, 8).map((e) => `${e.tagName}.${e.className} ${Math.round(e.getBoundingClientRect().right)}`) }
  })
  expect(overflow.wide, `nothing sticks out of the ${overflow.width} px wide page`).toEqual([])
  expect(overflow.scrollWidth).toBeLessThanOrEqual(overflow.width)
  await screenshot(b.page, '05-phone')
  await b.page.setViewportSize({ width: 1100, height: 900 })

  expect(await receivedWhilePaused(), 'nothing arrives while paused but late answers to cancelled requests').toBeLessThanOrEqual(receivedAtPause)
  await expect(map).toHaveAttribute('data-downloading', '0')
  const settled = (await pieceCounts(map)).have
  await pause.press('Enter')
  await expect(pause).toHaveText('Pause')
  await expect.poll(async () => (await pieceCounts(map)).have, { timeout: 30_000 }).toBeGreaterThan(settled)

  // Remove asks keep-or-delete; Escape cancels and gives the focus back.
  const remove = item.getByTestId('remove-torrent')
  await remove.click()
  await expect(item.getByTestId('remove-keep-data')).toBeFocused()
  await screenshot(b.page, '06-remove-confirm')
  await b.page.keyboard.press('Escape')
  await expect(item.getByTestId('remove-confirm')).toHaveCount(0)
  await expect(remove).toBeFocused()
  await remove.press('Enter')
  await item.getByTestId('remove-delete-data').click()
  await expect(item).toHaveCount(0)
  await expect(torrentItems(b.page)).toHaveCount(1)

  const smallItem = torrentItem(b.page, infoHashOf(smallMagnet))
  await smallItem.getByTestId('remove-torrent').click()
  await smallItem.getByTestId('remove-keep-data').click()
  await expect(torrentItems(b.page)).toHaveCount(0)
  expect(await b.page.evaluate(() => window.swarmstream?.client.torrents.length)).toBe(0)
})

test('the player controls are shown once, hidden, while the app is idle, and nothing is left behind', async ({ openPeer, baseURL, tracker }) => {
  const peer = await openPeer('idle', { app: false })
  await peer.page.addInitScript(() => {
    const seen: { added: number; removed: number; hidden: boolean[] } = { added: 0, removed: 0, hidden: [] }
    ;(window as unknown as { __videos: typeof seen }).__videos = seen
    new MutationObserver((records) => {
      for (const r of records) {
        for (const n of r.addedNodes) {
          if (!(n instanceof HTMLVideoElement)) continue
          seen.added++
          seen.hidden.push(n.controls && n.getAttribute('aria-hidden') === 'true' && n.style.opacity === '0')
        }
        for (const n of r.removedNodes) if (n instanceof HTMLVideoElement) seen.removed++
      }
    }).observe(document, { childList: true, subtree: true })
  })
  await peer.page.goto(appUrl(baseURL!, tracker.url))
  await expect(peer.page.getByTestId('magnet-input')).toBeVisible()
  await expect.poll(() => peer.page.evaluate(() => (window as unknown as { __videos: { removed: number } }).__videos.removed)).toBe(1)
  const seen = await peer.page.evaluate(() => (window as unknown as { __videos: { added: number; hidden: boolean[] } }).__videos)
  expect(seen).toEqual({ added: 1, removed: 1, hidden: [true] })
  await expect(peer.page.locator('video')).toHaveCount(0)
})
