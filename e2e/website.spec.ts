// H12: a website inside a torrent, opened through the file URLs of the service worker. Pages load
// on demand (the 8 MiB file next to them is never fetched) and run sandboxed on an opaque origin.
import type { Page } from '@playwright/test'
import { addMagnet, openApp } from './support/app.ts'
import { newPeerPage } from './support/browser.ts'
import { expect, test } from './support/tracker.ts'

const PIECE = 16 * 1024
const BIG = 8 * 1024 * 1024
const SITE: Record<string, string> = {
  'site/index.html': '<!doctype html><link rel="stylesheet" href="style.css"><h1 id="title">Home</h1><a id="next" href="page2.html">Second page</a>',
  'site/page2.html':
    '<!doctype html><link rel="stylesheet" href="style.css"><h1 id="title">Second page</h1><img id="pic" src="img/pic.svg" alt="pic"><a href="index.html">Home</a>',
  'site/style.css': 'h1 { color: rgb(200, 10, 20); }',
  'site/img/pic.svg': '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="30"><rect width="40" height="30" fill="teal"/></svg>',
  'site/probe.html': '<!doctype html><p>probe</p><script src="probe.js"></script>',
  'site/probe.js': `
    const out = { origin: String(self.origin) }
    const attempt = (name, fn) => { try { out[name] = 'allowed: ' + fn() } catch (e) { out[name] = 'blocked: ' + e.name } }
    attempt('cookie', () => document.cookie)
    attempt('localStorage', () => localStorage.length)
    attempt('parentApp', () => typeof parent.swarmstream)
    try {
      const req = indexedDB.open('swarmstream-torrents')
      req.onsuccess = () => { out.indexedDB = 'allowed: opened'; parent.postMessage({ probe: out }, '*') }
      req.onerror = () => { out.indexedDB = 'blocked: ' + (req.error && req.error.name); parent.postMessage({ probe: out }, '*') }
    } catch (e) {
      out.indexedDB = 'blocked: ' + e.name
      parent.postMessage({ probe: out }, '*')
    }`,
}

/** Seeds big.bin (first, piece-aligned: pieces 0..511 are its own) and the site; returns the magnet. */
async function seedSite(page: Page): Promise<string> {
  return page.evaluate(
    async ({ site, big, piece }) => {
      const bytes = new Uint8Array(big).map((_, i) => (i * 7 + (i >> 13)) & 0xff)
      const file = (path: string, body: BlobPart) => Object.assign(new File([body], path.split('/').pop()!), { path })
      const files = [file('site/big.bin', bytes), ...Object.entries(site).map(([path, body]) => file(path, body))]
      const client = window.swarmstream!.client
      return new Promise<string>((resolve, reject) => {
        const torrent = client.seed(files, { pieceLength: piece }, (t) => resolve(t.magnetURI))
        torrent.once('error', reject)
      })
    },
    { site: SITE, big: BIG, piece: PIECE },
  )
}

/** The page's view of src/serve, imported through Vite (the dev server's root is src/). */
type ServeModule = typeof import('../src/serve/index.ts')

/** Waits until the page's service worker controls it and its (only) torrent has metadata. */
async function ready(page: Page): Promise<void> {
  await page.waitForFunction(() => !!navigator.serviceWorker.controller && !!window.swarmstream?.client.torrents[0]?.ready, null, { timeout: 60_000 })
}

async function openSite(page: Page, path: string): Promise<void> {
  await page.evaluate(async ({ path, module }) => {
    const { openWebsite } = (await import(/* @vite-ignore */ module)) as ServeModule
    const torrent = window.swarmstream!.client.torrents[0]!
    const file = torrent.files.find((f) => f.path === path)
    if (!file) throw new Error(`no ${path} in the torrent`)
    const box = document.createElement('div')
    box.id = 'website'
    document.body.prepend(box)
    openWebsite(torrent, file, box)
  }, { path, module: '/serve/index.ts' })
}

test.describe('websites in torrents', () => {
  test('pages, links, images and stylesheets load on demand; the big file is never fetched', async ({ browser, baseURL, tracker }) => {
    const seeder = await newPeerPage(browser, baseURL!, { label: 'seeder', path: null })
    const leecher = await newPeerPage(browser, baseURL!, { label: 'leecher', path: null })
    try {
      await openApp(seeder.page, baseURL!, tracker.url)
      await openApp(leecher.page, baseURL!, tracker.url)
      const magnet = await seedSite(seeder.page)
      // so=1: only index.html is wanted up front; everything else is fetched when it is opened.
      await addMagnet(leecher.page, `${magnet}&so=1`)
      await ready(leecher.page)
      expect(await leecher.page.evaluate(() => window.swarmstream!.client.torrents[0]!.files.map((f) => f.path))).toEqual(['site/big.bin', ...Object.keys(SITE)])

      await openSite(leecher.page, 'site/index.html')
      const frame = leecher.page.frameLocator('#website iframe')
      await expect(frame.locator('#title')).toHaveText('Home')
      await expect(frame.locator('#title'), 'the stylesheet applies').toHaveCSS('color', 'rgb(200, 10, 20)')
      await frame.locator('#next').click()
      await expect(frame.locator('#title')).toHaveText('Second page')
      await expect(frame.locator('#title')).toHaveCSS('color', 'rgb(200, 10, 20)')
      await expect.poll(() => frame.locator('#pic').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth), { message: 'the image renders' }).toBe(40)

      const state = await leecher.page.evaluate((bigPieces) => {
        const torrent = window.swarmstream!.client.torrents[0]!
        const big = Array.from({ length: bigPieces }, (_, i) => torrent.hasPiece(i)).filter(Boolean).length
        return { big, bigDownloaded: torrent.files[0]!.downloaded, total: torrent.numPieces, pageDone: torrent.files[2]!.done }
      }, BIG / PIECE)
      expect(state.pageDone).toBe(true)
      expect(state.total).toBeGreaterThan(BIG / PIECE)
      expect(state.big, 'no piece of big.bin was fetched').toBe(0)
      expect(state.bigDownloaded).toBe(0)
    } finally {
      await seeder.context.close()
      await leecher.context.close()
    }
  })

  test("a script in a torrent's page cannot read the app's storage", async ({ browser, baseURL, tracker }) => {
    const seeder = await newPeerPage(browser, baseURL!, { label: 'seeder', path: null })
    const leecher = await newPeerPage(browser, baseURL!, { label: 'leecher', path: null })
    try {
      await openApp(seeder.page, baseURL!, tracker.url)
      await openApp(leecher.page, baseURL!, tracker.url)
      const magnet = await seedSite(seeder.page)
      await addMagnet(leecher.page, `${magnet}&so=5`)
      await ready(leecher.page)
      await leecher.page.evaluate(() => {
        document.cookie = 'app-secret=1; path=/'
        localStorage.setItem('app-secret', '1')
      })
      const probe = leecher.page.evaluate(
        () => new Promise<Record<string, string>>((resolve) => window.addEventListener('message', (e) => e.data?.probe && resolve(e.data.probe))),
      )
      await openSite(leecher.page, 'site/probe.html')
      const result = await probe
      expect(result.origin, 'the page runs on an opaque origin').toBe('null')
      for (const key of ['cookie', 'localStorage', 'parentApp', 'indexedDB']) expect(result[key], key).toMatch(/^blocked: /)
    } finally {
      await seeder.context.close()
      await leecher.context.close()
    }
  })
})
