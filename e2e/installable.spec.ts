// The installable app: a valid manifest with icons of the declared sizes (Chromium's own manifest
// parser and installability check), a real install and a real `.torrent` launch through the file
// handler (Chrome DevTools Protocol `PWA.install` + `PWA.launchFilesInApp`, which headless Chromium
// carries out: the app window receives the file through `launchQueue`), the share target (a POST
// as the browser sends it after another app shares files), and the built app opening from the
// service-worker cache with its server stopped, resuming its torrent from IndexedDB.
//
// Dev vs build: the e2e suite runs on the Vite dev server, where the worker caches nothing (no build,
// no file list). The offline test builds the app (`vite build` into a temp folder), serves it with
// e2e/support/static-server.ts, then stops that server.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { extname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium, type BrowserContext, type Page } from '@playwright/test'
import { contentType } from '../src/serve/content-type.ts'
import { addMagnet, appUrl, infoHashOf, openApp, saveFile, seedFiles, torrentItem, waitForDone, waitForMagnet } from './support/app.ts'
import { CHROMIUM_FLAGS, CHROMIUM_PATH, forwardPageErrors, newPeerPage } from './support/browser.ts'
import { makeTempDir, writeTestFile } from './support/files.ts'
import { expect, test } from './support/peers.ts'
import { startStaticServer } from './support/static-server.ts'

const REPO = fileURLToPath(new URL('..', import.meta.url))

interface Profile {
  context: BrowserContext
  page: Page
  close(): Promise<void>
}

/**
 * A browser with a real (disk) profile: apps cannot be installed in the off-the-record contexts the
 * other tests use (Chromium reports "in-incognito").
 */
async function installableProfile(origin: string): Promise<Profile> {
  const dir = mkdtempSync(join(tmpdir(), 'swarmstream-profile-'))
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM_PATH,
    ignoreDefaultArgs: true,
    args: ['--remote-debugging-pipe', `--user-data-dir=${dir}`, ...CHROMIUM_FLAGS, 'about:blank'],
  })
  await context.grantPermissions(['camera', 'microphone'], { origin })
  const page = context.pages()[0] ?? (await context.newPage())
  forwardPageErrors(page, 'profile')
  return {
    context,
    page,
    close: async () => {
      await context.close()
      rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 })
    },
  }
}

async function controlled(page: Page): Promise<void> {
  await page.waitForFunction(() => !!navigator.serviceWorker.controller, undefined, { timeout: 30_000 })
}

interface IconCheck {
  status: number
  type: string
  width: number
  height: number
  /** Alpha of the top-left pixel: 0 for a rounded "any" icon, 255 for a full-bleed maskable one. */
  cornerAlpha: number
}

function loadIcon(page: Page, src: string): Promise<IconCheck> {
  return page.evaluate(async (src) => {
    const res = await fetch(src, { cache: 'no-store' })
    const blob = await res.blob()
    const bitmap = await createImageBitmap(blob)
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height)
    const ctx = canvas.getContext('2d')!
    ctx.drawImage(bitmap, 0, 0)
    return { status: res.status, type: blob.type, width: bitmap.width, height: bitmap.height, cornerAlpha: ctx.getImageData(0, 0, 1, 1).data[3]! }
  }, src)
}

test('the manifest is valid, the app is installable, and every icon loads at its declared size', async ({ baseURL, tracker }) => {
  const origin = new URL(baseURL!).origin
  const profile = await installableProfile(origin)
  try {
    const { page, context } = profile
    await page.goto(appUrl(baseURL!, tracker.url))
    await controlled(page)
    const cdp = await context.newCDPSession(page)
    const parsed = await cdp.send('Page.getAppManifest')
    expect(parsed.url).toBe(`${origin}/manifest.webmanifest`)
    expect(parsed.errors, 'Chromium finds nothing wrong in the manifest').toEqual([])
    expect((await cdp.send('Page.getInstallabilityErrors')).installabilityErrors, 'Chromium would offer to install it').toEqual([])

    const manifest = JSON.parse(parsed.data!) as Record<string, unknown> & { icons: { src: string; sizes: string; type: string; purpose: string }[] }
    expect(manifest).toMatchObject({ id: '/', name: 'Swarmstream', short_name: 'Swarmstream', start_url: '/', scope: '/', display: 'standalone' })
    expect(manifest['protocol_handlers']).toEqual([{ protocol: 'magnet', url: '/?magnet=%s' }])
    expect(manifest['file_handlers']).toMatchObject([{ action: '/', accept: { 'application/x-bittorrent': ['.torrent'] } }])
    expect(manifest['share_target']).toMatchObject({
      action: '/share-target',
      method: 'POST',
      enctype: 'multipart/form-data',
      params: { files: [{ name: 'files' }] },
    })

    const purposes = new Set(manifest.icons.map((i) => i.purpose))
    expect([...purposes].sort()).toEqual(['any', 'maskable'])
    const sizes = manifest.icons.filter((i) => i.type === 'image/png').map((i) => i.sizes)
    expect(sizes).toEqual(expect.arrayContaining(['192x192', '512x512']))
    for (const icon of manifest.icons) {
      if (icon.sizes === 'any') {
        const svg = await page.evaluate(async (src) => {
          const res = await fetch(src, { cache: 'no-store' })
          return { status: res.status, type: (await res.blob()).type }
        }, icon.src)
        expect(svg, icon.src).toEqual({ status: 200, type: icon.type })
        continue
      }
      const loaded = await loadIcon(page, icon.src)
      expect(loaded.status, icon.src).toBe(200)
      expect(loaded.type, icon.src).toBe(icon.type)
      expect(`${loaded.width}x${loaded.height}`, `${icon.src} is the size it claims`).toBe(icon.sizes)
      expect(loaded.cornerAlpha, `${icon.src}: maskable icons fill the whole square`).toBe(icon.purpose === 'maskable' ? 255 : 0)
    }
    const touch = await page.locator('link[rel="apple-touch-icon"]').getAttribute('href')
    expect((await loadIcon(page, touch!)).width).toBe(180)
  } finally {
    await profile.close()
  }
})

/** Seeds a file in `page` and writes its .torrent next to it; returns the info hash and the .torrent path. */
async function seedWithTorrentFile(page: Page, dir: string, name: string, seed: number): Promise<{ infoHash: string; torrentFile: string }> {
  await seedFiles(page, await writeTestFile(dir, name, 400_000, seed))
  const infoHash = infoHashOf(await waitForMagnet(page, { index: 0 }))
  const bytes = await page.evaluate((hash) => [...window.swarmstream!.client.get(hash)!.torrentFile!], infoHash)
  const torrentFile = join(dir, `${name}.torrent`)
  await writeFile(torrentFile, new Uint8Array(bytes))
  return { infoHash, torrentFile }
}

test('a .torrent opened with the installed app (file handler → launchQueue) is added and downloads', async ({ baseURL, tracker, openPeer, tmpDir }) => {
  const seeder = await openPeer('seeder')
  const first = await seedWithTorrentFile(seeder.page, tmpDir, 'first.bin', 61)
  const second = await seedWithTorrentFile(seeder.page, tmpDir, 'second.bin', 62)

  const origin = new URL(baseURL!).origin
  const profile = await installableProfile(origin)
  try {
    const { page, context } = profile
    await page.goto(appUrl(baseURL!, tracker.url))
    // A newly opened app window starts at the plain start URL: the saved tracker list is what it uses.
    await page.evaluate((url) => localStorage.setItem('swarmstream:trackers', JSON.stringify([url])), tracker.url)
    await controlled(page)
    const cdp = await context.browser()!.newBrowserCDPSession()
    const manifestId = `${origin}/`
    await cdp.send('PWA.install', { manifestId, installUrlOrBundleUrl: `${origin}/` })

    // Installing moved this tab into the app's window, so (launch_handler: focus-existing) the file
    // is handed to it through launchQueue.
    await cdp.send('PWA.launchFilesInApp', { manifestId, files: [first.torrentFile] })
    await expect(torrentItem(page, first.infoHash).getByTestId('torrent-name')).toHaveText('first.bin')
    await waitForDone(page, first.infoHash)

    // With no window open, the launch opens one, which gets the file the same way.
    await page.close()
    const opened = context.waitForEvent('page')
    await cdp.send('PWA.launchFilesInApp', { manifestId, files: [second.torrentFile] })
    const app = await opened
    forwardPageErrors(app, 'launched app')
    await expect(torrentItem(app, second.infoHash).getByTestId('torrent-name')).toHaveText('second.bin')
    await waitForDone(app, second.infoHash)
    await expect(torrentItem(app, first.infoHash), 'the first one is back from storage').toBeVisible()
    await expect(app.getByTestId('error-banner')).toBeHidden()
  } finally {
    await profile.close()
  }
})

test('files shared to the app (share target POST) are seeded under the name the person confirms', async ({ openPeer, tmpDir }) => {
  const a = await openPeer('A')
  await controlled(a.page)
  const names = ['ana-1.bin', 'ana-2.bin']
  const paths = await Promise.all(names.map((name, i) => writeTestFile(tmpDir, name, 150_000 + i, 70 + i)))

  // What the browser sends when another app shares files: a POST navigation to the manifest's
  // action with the manifest's field names (this page's own query keeps the test's trackers).
  await a.page.evaluate(() => {
    const form = document.createElement('form')
    form.method = 'post'
    form.enctype = 'multipart/form-data'
    form.action = `/share-target${location.search}`
    form.id = 'os-share'
    const title = Object.assign(document.createElement('input'), { name: 'title', value: 'Photos from Ana' })
    const files = Object.assign(document.createElement('input'), { type: 'file', name: 'files', multiple: true, id: 'os-share-files' })
    form.append(title, files)
    document.body.append(form)
  })
  await a.page.locator('#os-share-files').setInputFiles(paths)
  await a.page.evaluate(() => (document.getElementById('os-share') as HTMLFormElement).submit())
  const form = a.page.getByTestId('share-name-form')
  await expect(form.getByTestId('share-name-input'), "the share's title is proposed as the name").toHaveValue('Photos from Ana')
  expect(new URL(a.page.url()).searchParams.has('share'), 'the share id is cleared from the address bar').toBe(false)
  await form.getByTestId('share-name-confirm').click()
  const magnet = await waitForMagnet(a.page)
  const infoHash = infoHashOf(magnet)
  await expect(torrentItem(a.page, infoHash).getByTestId('torrent-name')).toHaveText('Photos from Ana')
  // Once the seed is in IndexedDB, the shared copies are dropped from the share inbox.
  await a.page.waitForFunction((hash) => window.swarmstream!.client.get(hash)?.persisted === true, infoHash)
  await expect.poll(() => a.page.evaluate(async () => (await (await caches.open('swarmstream-share-target')).keys()).length)).toBe(0)

  const b = await openPeer('B')
  await addMagnet(b.page, magnet)
  await waitForDone(b.page, infoHash)
  for (const [i, name] of names.entries()) {
    expect((await saveFile(b.page, `Photos from Ana/${name}`, { infoHash })).equals(await readFile(paths[i]!))).toBe(true)
  }

  // A magnet link shared as text is downloaded.
  const c = await openPeer('C')
  await controlled(c.page)
  await c.page.evaluate((magnet) => {
    const form = Object.assign(document.createElement('form'), { method: 'post', enctype: 'multipart/form-data', action: `/share-target${location.search}` })
    form.append(Object.assign(document.createElement('input'), { name: 'text', value: `Have a look: ${magnet}` }))
    document.body.append(form)
    form.submit()
  }, magnet)
  await waitForDone(c.page, infoHash)
})

/** The file list the build told its worker (the line src/node/app-shell.ts prepends to sw.js). */
async function shellFiles(dir: string): Promise<string[]> {
  const sw = await readFile(join(dir, 'sw.js'), 'utf8')
  const match = /^self\.__SWARMSTREAM_SHELL__ = (\{.*\});$/m.exec(sw)
  if (!match) throw new Error('The built sw.js has no app-shell file list.')
  return (JSON.parse(match[1]!) as { files: string[] }).files
}

test('the built app opens from the service-worker cache with its server stopped and resumes its torrent', async ({ browser, baseURL, tracker, openPeer, tmpDir }) => {
  test.setTimeout(240_000)
  const out = await makeTempDir('swarmstream-app-build-')
  try {
    const build = spawnSync('npx', ['vite', 'build', '--outDir', out.dir, '--logLevel', 'warn'], { cwd: REPO, encoding: 'utf8', timeout: 180_000 })
    expect(build.status, `vite build: ${build.stderr}`).toBe(0)
    const files = await shellFiles(out.dir)
    expect(files).toEqual(expect.arrayContaining(['/', '/manifest.webmanifest', '/icons/icon-192.png']))
    expect(files.some((f) => /^\/assets\/index-.+\.js$/.test(f))).toBe(true)

    const server = await startStaticServer(out.dir, { index: true, contentType: (path) => (extname(path) === '.webmanifest' ? 'application/manifest+json' : contentType(path)) })
    const peer = await newPeerPage(browser, server.url, { label: 'built app', path: null })
    try {
      const { page } = peer
      await openApp(page, server.url, tracker.url)
      await controlled(page)
      await expect
        .poll(() => page.evaluate(async (files) => {
          const names = await caches.keys()
          const shell = names.find((n) => n.startsWith('swarmstream-shell-'))
          if (!shell) return files.length
          const cache = await caches.open(shell)
          let missing = 0
          for (const f of files) if (!(await cache.match(f))) missing++
          return missing
        }, files), { message: 'every file of the build is cached', timeout: 30_000 })
        .toBe(0)

      const path = await writeTestFile(tmpDir, 'offline.bin', 700_000, 81)
      await seedFiles(page, path)
      const magnet = await waitForMagnet(page)
      const infoHash = infoHashOf(magnet)
      await page.waitForFunction((hash) => window.swarmstream!.client.get(hash)?.persisted === true, infoHash)

      await server.close()
      const probe = await page.evaluate(() => fetch(`/not-in-the-cache-${Date.now()}`).then(() => 'answered', () => 'failed'))
      expect(probe, 'the server is really gone').toBe('failed')
      await page.reload()
      await expect(page.getByTestId('magnet-input'), 'the app opens from the cache').toBeVisible()
      const item = torrentItem(page, infoHash)
      await expect(item, 'its torrent is back from IndexedDB').toHaveAttribute('data-state', 'seeding', { timeout: 30_000 })

      // …and seeding: a new peer downloads it from the page that opened offline.
      const leecher = await openPeer('leecher')
      await addMagnet(leecher.page, magnet)
      await waitForDone(leecher.page, infoHash)
      expect((await saveFile(leecher.page, 'offline.bin', { infoHash })).equals(await readFile(path))).toBe(true)
      expect(baseURL).not.toBe(server.url)
    } finally {
      await peer.context.close()
      await server.close().catch(() => undefined)
    }
  } finally {
    await out.cleanup()
  }
})
