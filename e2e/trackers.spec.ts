// A dead tracker next to a live one must not slow a download down, and the app shows the seeders and
// leechers the tracker reports.
import { mkdir } from 'node:fs/promises'
import { createServer, type AddressInfo, type Socket } from 'node:net'
import { join, resolve } from 'node:path'
import type { BrowserContext, Page } from '@playwright/test'
import { addMagnet, infoHashOf, openApp, saveFile, seedFiles, torrentItem, waitForDone, waitForMagnet } from './support/app.ts'
import { newPeerPage } from './support/browser.ts'
import { makeTempDir, sha256, writeTestFile } from './support/files.ts'
import { expect, test } from './support/tracker.ts'

/** Port 9 (discard) on loopback: nothing listens there (Chromium also refuses it as an unsafe port). */
const DEAD_TRACKER = 'ws://127.0.0.1:9'

/** A port that was free a moment ago: a real connection attempt that is refused. */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

/** A tracker that accepts the TCP connection and then never answers, not even the WebSocket upgrade. */
async function silentTracker(): Promise<{ url: string; sockets: Socket[]; open(): number; close(): Promise<void> }> {
  const sockets: Socket[] = []
  const server = createServer((socket) => {
    sockets.push(socket)
    socket.on('error', () => undefined)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `ws://127.0.0.1:${port}`,
    sockets,
    open: () => sockets.filter((s) => !s.destroyed && !s.readableEnded).length,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      }),
  }
}
const SIZE = 16 * 2 ** 20
const SCREENSHOTS = resolve(import.meta.dirname, 'artifacts', 'screenshots')

function magnetFor(infoHash: string, trackers: string[]): string {
  return `magnet:?xt=urn:btih:${infoHash}&dn=tracker-test.bin${trackers.map((t) => `&tr=${encodeURIComponent(t)}`).join('')}`
}

function record(label: string, ms: number): void {
  const mbps = SIZE / 1e6 / (ms / 1000)
  const description = `${label}: 16 MiB in ${(ms / 1000).toFixed(2)} s = ${mbps.toFixed(2)} MB/s`
  test.info().annotations.push({ type: 'transfer speed', description })
  console.log(`[speed] ${description}`)
}

test('dead and silent trackers beside a live one hold nothing up; the swarm counts from the tracker are shown', async ({
  browser,
  baseURL,
  tracker,
}) => {
  const tmp = await makeTempDir()
  const silent = await silentTracker()
  const contexts: BrowserContext[] = []
  const openPeer = async (label: string): Promise<Page> => {
    const peer = await newPeerPage(browser, baseURL!, { label, path: null })
    contexts.push(peer.context)
    // The app itself announces to the live tracker only; the magnet adds the dead ones.
    await openApp(peer.page, baseURL!, tracker.url)
    return peer.page
  }
  try {
    const path = await writeTestFile(tmp.dir, 'tracker-test.bin', SIZE, 401)
    const hash = await sha256(path)
    const seeder = await openPeer('seeder')
    await seedFiles(seeder, path)
    const infoHash = infoHashOf(await waitForMagnet(seeder))

    // A fresh leecher per download; each leaves before the next starts so that both download from the
    // seeder alone. The times are logged as figures only: this machine is too noisy to compare them.
    const download = async (label: string, trackers: string[], whileDone?: () => void): Promise<void> => {
      const leecher = await openPeer(label)
      const started = performance.now()
      await addMagnet(leecher, magnetFor(infoHash, trackers))
      await waitForDone(leecher, infoHash, { timeout: 60_000 })
      whileDone?.()
      record(`${label}, magnet paste to done`, performance.now() - started)
      expect(await sha256(await saveFile(leecher, 'tracker-test.bin', { infoHash })), `${label}: SHA-256`).toBe(hash)
      if (trackers.length > 1) {
        const swarm = torrentItem(leecher, infoHash).getByTestId('torrent-swarm')
        await expect(swarm, 'the live tracker answered: seeders/leechers are shown').toHaveText(/^\d+ S · \d+ L$/)
        const [seeders] = /^(\d+)/.exec(await swarm.innerText()) ?? []
        expect(Number(seeders), 'the tracker knows at least the seeder').toBeGreaterThanOrEqual(1)
      }
      await leecher.context().close()
    }

    const refused = `ws://127.0.0.1:${await closedPort()}`
    let silentAtDone = { connections: 0, open: 0 }
    await download('dead, refused and silent trackers + live', [DEAD_TRACKER, refused, silent.url, tracker.url], () => {
      silentAtDone = { connections: silent.sockets.length, open: silent.open() }
    })
    // The download finished while the silent tracker still had not answered the leecher's connection:
    // nothing waited for it (a client that tried trackers in turn, or waited for all, would still be stuck).
    expect(silentAtDone.connections, 'the leecher did try the silent tracker').toBeGreaterThanOrEqual(1)
    expect(silentAtDone.open, 'its connection was still hanging when the download was done').toBeGreaterThanOrEqual(1)
    await download('live tracker only', [tracker.url])

    // The seeder's row shows the tracker's counts too.
    await expect(torrentItem(seeder, infoHash).getByTestId('torrent-swarm')).toHaveText(/^[1-9]\d* S · \d+ L$/)
  } finally {
    for (const context of contexts) await context.close().catch(() => undefined)
    await silent.close()
    await tmp.cleanup()
  }
})

/** Records every text the page-wide banner shows, from page load on (a warning that came and went counts). */
async function recordBanner(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const shown: string[] = []
    ;(window as unknown as { bannerTexts: string[] }).bannerTexts = shown
    new MutationObserver(() => {
      const banner = document.querySelector('[data-testid="error-banner"]')
      const text = banner && !banner.hasAttribute('hidden') ? (banner.textContent ?? '').trim() : ''
      if (text && shown.at(-1) !== text) shown.push(text)
    }).observe(document, { subtree: true, childList: true, attributes: true, characterData: true })
  })
}

/** Records the library's warning codes and messages for every torrent of the page. */
async function recordWarnings(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { sourceWarnings: { code: string; message: string }[] }
    w.sourceWarnings = []
    const watch = (t: { on(e: 'warning', l: (err: { code: string; message: string }) => void): void }) =>
      t.on('warning', (err) => w.sourceWarnings.push({ code: err.code, message: err.message }))
    window.swarmstream!.client.torrents.forEach(watch)
    window.swarmstream!.client.on('torrent', watch)
  })
}

function trackerLine(page: Page, infoHash: string, url: string) {
  return torrentItem(page, infoHash).locator(`[data-testid="tracker-status"][data-url="${url}"]`)
}

test('a dead public tracker next to a working local one shows in Sources, never across the page; with no working source the page warns', async ({
  browser,
  baseURL,
  tracker,
}) => {
  const tmp = await makeTempDir()
  const contexts: BrowserContext[] = []
  const openPeer = async (label: string, trackers: string[]): Promise<Page> => {
    const peer = await newPeerPage(browser, baseURL!, { label, path: null })
    contexts.push(peer.context)
    await recordBanner(peer.context)
    const url = new URL('/', baseURL)
    for (const t of trackers) url.searchParams.append('announce', t)
    url.searchParams.set('ice', 'none')
    await peer.page.goto(url.toString())
    await expect(peer.page.getByTestId('magnet-input')).toBeVisible()
    await recordWarnings(peer.page)
    return peer.page
  }
  try {
    // Stand-ins for a public tracker that cannot be reached: one refuses the connection, one is a port
    // the browser will not even try.
    const dead = [`ws://127.0.0.1:${await closedPort()}`, DEAD_TRACKER]
    const path = await writeTestFile(tmp.dir, 'sources.bin', 2 * 2 ** 20, 402)
    const seeder = await openPeer('seeder', [...dead, tracker.url])
    await seedFiles(seeder, path)
    const infoHash = infoHashOf(await waitForMagnet(seeder))
    const leecher = await openPeer('leecher', [...dead, tracker.url])
    await addMagnet(leecher, magnetFor(infoHash, []))
    await waitForDone(leecher, infoHash, { timeout: 60_000 })
    expect(await sha256(await saveFile(leecher, 'sources.bin', { infoHash }))).toBe(await sha256(path))

    for (const [label, page] of [['seeder', seeder], ['leecher', leecher]] as const) {
      const item = torrentItem(page, infoHash)
      for (const url of dead) {
        await expect(trackerLine(page, infoHash, url), `${label}: ${url} is shown failing`).toHaveAttribute('data-status', 'failing')
        await expect(trackerLine(page, infoHash, url)).toContainText('failing: ')
      }
      await expect(trackerLine(page, infoHash, tracker.url), `${label}: the local tracker is connected`).toHaveAttribute('data-status', 'connected')
      await expect(trackerLine(page, infoHash, tracker.url)).toContainText(/last announce .* ago · \d+ peers? from it/)
      await expect(item.getByTestId('torrent-source-notice')).toHaveText('2 of 3 trackers failing — see Sources')
      const stats = await page.evaluate((hash) => window.swarmstream!.client.get(hash)!.trackerStats, infoHash)
      expect(stats.find((s) => s.url === tracker.url)?.peers, `${label}: the local tracker gave the peer`).toBeGreaterThanOrEqual(1)
      // The library still says so (once per tracker, not at every retry), but the page shows no banner.
      const warnings = await page.evaluate(() => (window as unknown as { sourceWarnings: { code: string; message: string }[] }).sourceWarnings)
      for (const url of dead) expect(warnings.filter((w) => w.code === 'TRACKER_FAILED' && w.message.includes(url)), `${label}: ${url}`).toHaveLength(1)
      expect(await page.evaluate(() => (window as unknown as { bannerTexts: string[] }).bannerTexts), `${label}: no page-wide warning`).toEqual([])
      await expect(page.getByTestId('error-banner')).toBeHidden()
    }

    await torrentItem(leecher, infoHash).getByTestId('torrent-sources').locator('summary').click()
    await mkdir(SCREENSHOTS, { recursive: true })
    await torrentItem(leecher, infoHash).screenshot({ path: join(SCREENSHOTS, '09-sources.png'), animations: 'disabled' })

    // Only dead trackers, no web seed, no peer: now the page warns, naming what failed.
    const alone = await openPeer('alone', dead)
    await addMagnet(alone, magnetFor('cd'.repeat(20), []))
    await expect(alone.getByTestId('error-banner')).toBeVisible({ timeout: 30_000 })
    await expect(alone.getByTestId('error-message')).toContainText('no source works: every tracker is failing')
    for (const url of dead) await expect(alone.getByTestId('error-message')).toContainText(url)
  } finally {
    for (const context of contexts) await context.close().catch(() => undefined)
    await tmp.cleanup()
  }
})
