// <torrent-video> acceptance: an app tab seeds a test video; a plain page that is not the app plays
// it through the element (dev source on the demo page, then the built dist module on a static page),
// and removing the element closes its peer connections.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { copyFile, mkdir, readdir, readFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Browser, Page } from '@playwright/test'
import { moduleSpecifiers } from '../src/node/bundle-sizes.ts'
import { infoHashOf, openApp, seedFiles, seedFolder, waitForMagnet } from './support/app.ts'
import { forwardPageErrors, newPeerPage } from './support/browser.ts'
import { makeTempDir, sha256, writeTestFile } from './support/files.ts'
import { expect, test as base } from './support/tracker.ts'

const test = base.extend<{ tmpDir: string }>({
  tmpDir: async ({}, use) => {
    const tmp = await makeTempDir()
    await use(tmp.dir)
    await tmp.cleanup()
  },
})

const REPO = fileURLToPath(new URL('..', import.meta.url))
const GENERATOR = join(REPO, 'e2e/media/generate.mjs')
const VIDEO = join(REPO, 'e2e/artifacts/media/faststart.mp4')
/** H.265: Chromium's MediaSource cannot play it (LAB.md §4). */
const UNPLAYABLE = join(REPO, 'e2e/artifacts/media/hevc.mp4')
const SUBTITLES = join(REPO, 'e2e/artifacts/media/video.srt')

interface Recorded {
  type: string
  detail: unknown
}

declare global {
  interface Window {
    elementEvents?: Recorded[]
    removedClient?: { destroyed: boolean } | null
    rtc?: { connections: RTCPeerConnection[]; channels: RTCDataChannel[] }
  }
}

/** Init script: keeps every RTCPeerConnection and RTCDataChannel of the page in window.rtc. */
function trackRtc(): void {
  const rtc = (window.rtc = { connections: [] as RTCPeerConnection[], channels: [] as RTCDataChannel[] })
  const Native = window.RTCPeerConnection
  window.RTCPeerConnection = class extends Native {
    constructor(config?: RTCConfiguration) {
      super(config)
      rtc.connections.push(this)
      this.addEventListener('datachannel', (e) => rtc.channels.push(e.channel))
    }
    override createDataChannel(label: string, init?: RTCDataChannelInit): RTCDataChannel {
      const channel = super.createDataChannel(label, init)
      rtc.channels.push(channel)
      return channel
    }
  }
}

/** Data channels of the page that are open (or still closing). */
function openChannels(page: Page): Promise<number> {
  return page.evaluate(() => (window.rtc?.channels ?? []).filter((c) => c.readyState === 'open' || c.readyState === 'closing').length)
}

test.beforeAll(async () => {
  test.setTimeout(240_000)
  const run = spawnSync(process.execPath, [GENERATOR], { cwd: REPO, encoding: 'utf8', timeout: 200_000 })
  if (run.status !== 0 || ![VIDEO, UNPLAYABLE, SUBTITLES].every(existsSync)) throw new Error(`Could not generate test media: ${run.stderr || run.error?.message}`)
})

/**
 * A folder torrent: the video, its subtitles and a file the element must not fetch. (The element then
 * never holds every piece, so the seeder keeps the connection: two complete seeders would close it.)
 */
async function movieFolder(dir: string): Promise<string> {
  const folder = join(dir, 'movie')
  await mkdir(folder, { recursive: true })
  await copyFile(VIDEO, join(folder, 'faststart.mp4'))
  await copyFile(SUBTITLES, join(folder, 'faststart.srt'))
  await writeTestFile(folder, 'extras.bin', 1_500_000, 9)
  return folder
}

/** An app tab seeding `input` (a file, or a folder); returns its magnet and a way to read its peer count. */
async function startSeeder(browser: Browser, baseURL: string, trackerUrl: string, input: { file: string } | { folder: string }) {
  const { context, page } = await newPeerPage(browser, baseURL, { label: 'seeder', path: null })
  await page.addInitScript(trackRtc)
  await openApp(page, baseURL, trackerUrl)
  if ('file' in input) await seedFiles(page, input.file)
  else await seedFolder(page, input.folder)
  const magnet = await waitForMagnet(page)
  const infoHash = infoHashOf(magnet)
  const numPeers = () => page.evaluate((hash) => window.swarmstream?.client.get(hash)?.numPeers ?? -1, infoHash)
  return { context, page, magnet, numPeers }
}

/** Records the element's events (they bubble) into window.elementEvents. */
async function recordEvents(page: Page): Promise<void> {
  await page.evaluate(() => {
    const events: Recorded[] = (window.elementEvents = [])
    for (const type of ['ready', 'progress', 'playing', 'error']) {
      document.addEventListener(type, (e) => {
        if (!(e.target instanceof HTMLElement) || e.target.localName !== 'torrent-video') return
        const detail = (e as CustomEvent<unknown>).detail
        events.push({ type, detail: detail instanceof Error ? { code: (detail as Error & { code?: string }).code, message: detail.message } : detail })
      })
    }
  })
}

function events(page: Page, type: string): Promise<Recorded[]> {
  return page.evaluate((t) => (window.elementEvents ?? []).filter((e) => e.type === t), type)
}

function currentTime(page: Page): Promise<number> {
  return page.evaluate(() => document.querySelector('torrent-video')?.shadowRoot?.querySelector('video')?.currentTime ?? -1)
}

/** Plays to currentTime > 2 s and checks the events and the overlay. */
async function expectPlayback(page: Page): Promise<void> {
  await expect.poll(() => currentTime(page), { message: 'the video plays past 2 s', timeout: 60_000, intervals: [500] }).toBeGreaterThan(2)
  expect(await events(page, 'error'), 'no error events').toEqual([])
  const [ready] = await events(page, 'ready')
  expect(ready?.detail, 'ready names the torrent and the chosen file').toMatchObject({ name: 'movie', file: { path: 'movie/faststart.mp4' } })
  expect((await events(page, 'playing')).length, 'playing fired').toBeGreaterThan(0)
  const progress = await events(page, 'progress')
  expect(progress.length, 'progress fired').toBeGreaterThan(0)
  expect(progress.at(-1)?.detail).toEqual({ progress: expect.any(Number), downloadSpeed: expect.any(Number), numPeers: 1 })
  const overlay = page.locator('torrent-video [part="stats"]')
  await expect(overlay, 'the overlay shows the peer count').toContainText('1 peer')
  await expect(page.locator('torrent-video [part="buffered"] span').first(), 'the buffered bar is drawn').toBeAttached()
  await expect(page.locator('torrent-video video track[kind="subtitles"]'), 'the matching subtitles are attached').toHaveCount(1)
  const extras = await page.evaluate(() => document.querySelector('torrent-video')?.torrent?.files.find((f) => f.name === 'extras.bin')?.selected)
  expect(extras, 'files the element does not show are not fetched').toBe(false)
}

/**
 * Removes the element: its own Client is destroyed (nothing thrown) and every peer connection it opened
 * is closed, on its side and on the seeder's. (The seeder's `numPeers` is not asserted: see the lead's report.)
 */
async function expectRemovalFreesPeers(page: Page, seeder: { page: Page; numPeers(): Promise<number> }): Promise<void> {
  expect(await seeder.numPeers(), 'the seeder has the element as its peer').toBe(1)
  expect(await openChannels(seeder.page), 'one open data channel to the element').toBe(1)
  expect(await openChannels(page), "the element's data channel is open").toBe(1)
  const uncaught: string[] = []
  page.on('pageerror', (err) => uncaught.push(err.message))
  await page.evaluate(() => {
    const element = document.querySelector('torrent-video')
    window.removedClient = element?.client ?? null
    element?.remove()
  })
  await expect.poll(() => page.evaluate(() => window.removedClient?.destroyed), { message: "the element's client is destroyed" }).toBe(true)
  await expect
    .poll(() => page.evaluate(() => (window.rtc?.connections ?? []).filter((pc) => pc.connectionState !== 'closed').length), {
      message: 'every RTCPeerConnection of the page is closed',
    })
    .toBe(0)
  await expect.poll(() => openChannels(seeder.page), { message: "the seeder's data channel to the element closes" }).toBe(0)
  expect(uncaught, 'removing the element while it plays throws nothing').toEqual([])
}

test('the demo page plays a seeded video through <torrent-video>, and removing it frees its peers', async ({ browser, baseURL, tracker, tmpDir }) => {
  const seeder = await startSeeder(browser, baseURL!, tracker.url, { folder: await movieFolder(tmpDir) })
  const query = new URLSearchParams({ announce: tracker.url, ice: 'none' })
  const viewer = await newPeerPage(browser, baseURL!, { label: 'demo', path: null })
  try {
    await viewer.page.addInitScript(trackRtc)
    await viewer.page.goto(`/demo/torrent-video.html?${query}`)
    await expect(viewer.page.locator('torrent-video')).toHaveAttribute('announce', tracker.url)
    await recordEvents(viewer.page)
    await viewer.page.locator('#source-input').fill(seeder.magnet)
    await viewer.page.locator('#source-button').click()
    await expectPlayback(viewer.page)
    await expectRemovalFreesPeers(viewer.page, seeder)
  } finally {
    await viewer.context.close()
    await seeder.context.close()
  }
})

test('a video the browser cannot play: the overlay says so in words and Save downloads the file', async ({ browser, baseURL, tracker }) => {
  const seeder = await startSeeder(browser, baseURL!, tracker.url, { file: UNPLAYABLE })
  const query = new URLSearchParams({ announce: tracker.url, ice: 'none', src: seeder.magnet })
  const viewer = await newPeerPage(browser, baseURL!, { label: 'demo', path: null })
  try {
    await viewer.page.addInitScript(() => {
      const events: { type: string; detail: unknown }[] = (window.elementEvents = [])
      document.addEventListener('error', (e: Event) => {
        if (!(e instanceof CustomEvent)) return
        const detail = e.detail as { code?: string; message?: string } | undefined
        events.push({ type: 'error', detail: { code: detail?.code, message: detail?.message } })
      })
    })
    await viewer.page.goto(`/demo/torrent-video.html?${query}`)
    const message = viewer.page.locator('torrent-video [part="message"]')
    await expect(message, 'the overlay explains the problem').toContainText('cannot play "hevc.mp4"', { timeout: 60_000 })
    const [error] = await events(viewer.page, 'error')
    expect(error?.detail, 'the error event carries the typed error').toMatchObject({ code: 'UNSUPPORTED_FORMAT' })
    const save = viewer.page.locator('torrent-video [part="save"]')
    await expect(save).toBeVisible()
    const [download] = await Promise.all([viewer.page.waitForEvent('download'), save.click()])
    expect(download.suggestedFilename()).toBe('hevc.mp4')
    expect(await sha256(await download.path()), 'the saved file is the original').toBe(await sha256(UNPLAYABLE))
  } finally {
    await viewer.context.close()
    await seeder.context.close()
  }
})

test('the built dist/torrent-video.js works alone on a static page', async ({ browser, baseURL, tracker, tmpDir }) => {
  test.setTimeout(240_000)
  const out = await makeTempDir('swarmstream-element-build-')
  const build = spawnSync('npx', ['vite', 'build', '--mode', 'element', '--outDir', out.dir, '--logLevel', 'warn'], { cwd: REPO, encoding: 'utf8', timeout: 180_000 })
  expect(build.status, `vite build --mode element: ${build.stderr}`).toBe(0)
  const emitted = (await readdir(out.dir, { recursive: true })).filter((f) => f.endsWith('.js'))
  const script = await readFile(join(out.dir, 'torrent-video.js'), 'utf8')
  await out.cleanup()
  expect(emitted, 'one module, no code-split chunks').toEqual(['torrent-video.js'])
  expect(moduleSpecifiers('torrent-video.js', script), 'no imports at all (so no bare ones)').toEqual([])

  const seeder = await startSeeder(browser, baseURL!, tracker.url, { folder: await movieFolder(tmpDir) })
  const page = `<!doctype html><meta charset="utf-8"><title>static</title><link rel="icon" href="data:,">
<torrent-video src="${seeder.magnet.replace(/&/g, '&amp;')}" muted autoplay announce="${tracker.url}" ice="none"></torrent-video>
<script type="module" src="/torrent-video.js"></script>`
  const server = await serve({ '/': ['text/html', page], '/torrent-video.js': ['text/javascript', script] })
  const context = await browser.newContext()
  try {
    await context.grantPermissions(['camera', 'microphone'], { origin: server.url })
    const viewer = await context.newPage()
    forwardPageErrors(viewer, 'static')
    await viewer.addInitScript(trackRtc)
    await viewer.addInitScript(() => {
      window.elementEvents = []
      for (const type of ['ready', 'progress', 'playing', 'error']) {
        document.addEventListener(type, (e) => {
          if (e.target instanceof HTMLElement && e.target.localName === 'torrent-video') window.elementEvents!.push({ type, detail: (e as CustomEvent<unknown>).detail })
        })
      }
    })
    await viewer.goto(server.url + '/')
    await expectPlayback(viewer)
    await expectRemovalFreesPeers(viewer, seeder)
  } finally {
    await context.close()
    await seeder.context.close()
    server.server.closeAllConnections()
    await new Promise((r) => server.server.close(r))
  }
})

/** A throwaway static server on 127.0.0.1 (a real origin, so the page may reach the loopback tracker). */
async function serve(routes: Record<string, [type: string, body: string]>): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const route = routes[new URL(req.url ?? '/', 'http://x').pathname]
    if (!route) return void res.writeHead(404).end('not found')
    res.writeHead(200, { 'Content-Type': route[0] }).end(route[1])
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server }
}
