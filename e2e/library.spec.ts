// The built library (dist/swarmstream.js and its sibling modules, built here from source) on a plain
// static server: in a module worker it answers exactly as in Node; a page imports it without touching
// WebRTC, WebSocket or IndexedDB; the tracker code loads with a Client and the media code only when
// something plays; error names survive the build.
import { spawnSync } from 'node:child_process'
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Page } from '@playwright/test'
import createTorrent from 'create-torrent'
import { parseTorrentFile } from '../src/metainfo/torrent-file.ts'
import { librarySizes, REPO, viteBuild, type LibrarySizes } from '../src/node/bundle-sizes.ts'
import { PROBE_FILES, probeBytes } from '../src/node/library-probe.mjs'
import { openApp, seedFolder, waitForMagnet } from './support/app.ts'
import { forwardPageErrors, newPeerPage } from './support/browser.ts'
import { makeTempDir, sha256, writeTestFile } from './support/files.ts'
import { testMedia } from './support/media.ts'
import { startModuleServer } from './support/module-server.ts'
import { expect, test } from './support/tracker.ts'

type Library = typeof import('../src/index.ts')

declare global {
  interface Window {
    swarmstreamLib?: Library
    libTouched?: { rtc: number; ws: number; idb: number }
    libClient?: InstanceType<Library['Client']>
    libVideo?: HTMLVideoElement
  }
}

const PAGE = `<!doctype html><meta charset="utf-8"><title>library</title><link rel="icon" href="data:,">
<script type="module">import * as lib from './swarmstream.js'; window.swarmstreamLib = lib</script>`

const WORKER = `import * as lib from './swarmstream.js'
import { probe } from './library-probe.mjs'
self.onmessage = (event) => probe(lib, event.data).then(
  (ok) => self.postMessage({ ok }),
  (err) => self.postMessage({ error: String((err && err.stack) || err) }),
)`

let build: { dir: string; cleanup(): Promise<void> }
let sizes: LibrarySizes

test.beforeAll(async () => {
  test.setTimeout(240_000)
  build = await makeTempDir('swarmstream-library-build-')
  viteBuild('lib', build.dir)
  sizes = librarySizes(build.dir)
})
test.afterAll(async () => build?.cleanup())

/** The .js files fetched from the server, without the test's own page scripts. */
function libraryFiles(fetched: readonly string[]): string[] {
  return [...new Set(fetched.filter((p) => p.endsWith('.js') && p !== '/worker.js').map((p) => p.slice(1)))].sort()
}

/** The create-torrent package's .torrent for the probe's files (the reference, made in Node). */
function referenceTorrent(): Promise<Uint8Array> {
  const blobs = PROBE_FILES.map((f) => Object.assign(new Blob([probeBytes(f.length, f.seed) as Uint8Array<ArrayBuffer>]), { name: f.path }))
  return new Promise((resolve, reject) =>
    createTorrent(blobs, { pieceLength: 16_384, announceList: [], creationDate: 1_700_000_000_000 }, (err, torrent) =>
      err ? reject(err) : resolve(new Uint8Array(torrent)),
    ),
  )
}

test('in a module worker the built library parses, creates torrents and names its errors exactly as in Node', async ({ browser }) => {
  const torrent = await referenceTorrent()
  const torrentPath = join(build.dir, 'probe.torrent')
  await writeFile(torrentPath, torrent)
  const node = spawnSync(process.execPath, ['src/node/run-library-probe.mjs', join(build.dir, 'swarmstream.js'), torrentPath], { cwd: REPO, encoding: 'utf8', timeout: 120_000 })
  expect(node.status, `node: ${node.stderr}`).toBe(0)
  const inNode = JSON.parse(node.stdout) as Record<string, unknown>

  const probeSource = await readFile(join(REPO, 'src/node/library-probe.mjs'), 'utf8')
  const server = await startModuleServer(build.dir, { '/': PAGE.replace(/<script[\s\S]*<\/script>/, ''), '/worker.js': WORKER, '/library-probe.mjs': probeSource })
  const context = await browser.newContext()
  try {
    const page = await context.newPage()
    forwardPageErrors(page, 'worker page')
    await page.goto(server.url + '/')
    const inWorker = await page.evaluate(
      (bytes) =>
        new Promise<unknown>((resolve, reject) => {
          const worker = new Worker('/worker.js', { type: 'module' })
          worker.onmessage = (e: MessageEvent<{ ok?: unknown; error?: string }>) => (e.data.error ? reject(new Error(e.data.error)) : resolve(e.data.ok))
          worker.onerror = (e) => reject(new Error(`the worker failed to load: ${e.message}`))
          worker.postMessage(new Uint8Array(bytes))
        }),
      [...torrent],
    )
    expect(inWorker, 'the worker answers as Node does').toEqual(inNode)
    expect(inWorker).toMatchObject({ errors: { badMagnet: { name: 'InvalidMagnetError' }, noInfo: { name: 'InvalidTorrentError' } } })
    expect(libraryFiles(server.fetched), 'the worker loads the core, and torrent creation when it creates one').toEqual([...sizes.core.files, ...sizes.create.files].sort())
  } finally {
    await context.close()
    await server.close()
  }
})

/** Bytes of a file of the large-torrent test: the same in Node and in the page. */
function patternBytes(length: number, seed: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(length)
  for (let i = 0; i < length; i++) out[i] = (Math.imul(i, 2654435761) >>> 24) ^ seed ^ (i >> 16)
  return out
}

test('a large torrent is hashed on workers (started ahead by prepareSeed, reused while idle), with the info hash create-torrent gives', async ({ browser }) => {
  test.setTimeout(180_000)
  const lengths = [17_000_001, 5, 23_456_789]
  const blobs = lengths.map((n, i) => Object.assign(new Blob([patternBytes(n, i + 1)]), { name: `part-${i}.bin` }))
  const reference = await new Promise<Uint8Array>((resolve, reject) =>
    createTorrent(blobs, { name: 'big', announceList: [] }, (err, torrent) => (err ? reject(err) : resolve(new Uint8Array(torrent)))),
  )
  const server = await startModuleServer(build.dir, { '/': PAGE })
  const context = await browser.newContext()
  try {
    const page = await context.newPage()
    forwardPageErrors(page, 'hashing page')
    await context.addInitScript(() => {
      const W = window.Worker
      ;(window as unknown as { workersStarted: number }).workersStarted = 0
      window.Worker = class extends W {
        constructor(url: string | URL, opts?: WorkerOptions) {
          super(url, opts)
          ;(window as unknown as { workersStarted: number }).workersStarted++
          ;((window as unknown as { workerUrls?: string[] }).workerUrls ??= []).push(String(url))
        }
      }
    })
    await page.goto(server.url + '/')
    await page.waitForFunction(() => !!window.swarmstreamLib)
    const made = await page.evaluate(
      async ({ lengths, pattern }) => {
        const started = (): number => (window as unknown as { workersStarted: number }).workersStarted
        const make = new Function(`return (${pattern})`)() as (n: number, seed: number) => Uint8Array<ArrayBuffer>
        const files = lengths.map((n, i) => new File([make(n, i + 1)], `part-${i}.bin`))
        const progress: number[] = []
        const { metainfo } = await window.swarmstreamLib!.createTorrent(files, { name: 'big', onProgress: (n) => progress.push(n) })
        const workers = started()
        // The finished workers wait for the next job: a second torrent starts none.
        const again = await window.swarmstreamLib!.createTorrent(files, { name: 'big' })
        return { infoHash: metainfo.infoHashHex, workers, lastProgress: progress.at(-1), againInfoHash: again.metainfo.infoHashHex, workersAfterAgain: started() }
      },
      { lengths, pattern: patternBytes.toString() },
    )
    const expected = (await parseTorrentFile(reference)).infoHashHex
    expect(made.workers, 'hashing ran on workers').toBeGreaterThanOrEqual(2)
    expect(made.lastProgress).toBe(lengths.reduce((a, b) => a + b, 0))
    expect(made.infoHash, "create-torrent's info hash for the same files").toBe(expected)
    expect(made.againInfoHash, 'the reused workers hash the same files alike').toBe(expected)
    expect(made.workersAfterAgain, 'the second torrent reused the idle workers').toBe(made.workers)

    // prepareSeed (the app calls it when a share picker is pressed or files are dragged over the page)
    // starts the workers before any file is chosen; the seed that follows uses them.
    const fresh = await context.newPage()
    forwardPageErrors(fresh, 'prepared seeding page')
    await fresh.goto(server.url + '/')
    await fresh.waitForFunction(() => !!window.swarmstreamLib)
    await fresh.evaluate(() => {
      window.libClient = new window.swarmstreamLib!.Client({ announce: [] })
      window.libClient.prepareSeed()
    })
    // The hashing workers share one script URL (a Client's storage worker has its own).
    const hashUrl = await fresh.waitForFunction(() => {
      const urls = (window as unknown as { workerUrls?: string[] }).workerUrls ?? []
      return urls.find((u) => urls.filter((v) => v === u).length >= 2) ?? null
    })
    const seeded = await fresh.evaluate(
      async ({ lengths, pattern, hashUrl }) => {
        const started = (): number => ((window as unknown as { workerUrls: string[] }).workerUrls ?? []).filter((u) => u === hashUrl).length
        const before = started()
        const make = new Function(`return (${pattern})`)() as (n: number, seed: number) => Uint8Array<ArrayBuffer>
        const files = lengths.map((n, i) => new File([make(n, i + 1)], `part-${i}.bin`))
        const torrent = window.libClient!.seed(files, { name: 'big' })
        await new Promise<void>((resolve, reject) => {
          torrent.once('ready', () => resolve())
          torrent.once('error', reject)
        })
        const infoHash = torrent.infoHash
        await window.libClient!.destroy()
        return { before, after: started(), infoHash }
      },
      { lengths, pattern: patternBytes.toString(), hashUrl: (await hashUrl.jsonValue()) as string },
    )
    expect(seeded.after, 'the seed hashed on the workers prepareSeed started').toBe(seeded.before)
    expect(seeded.infoHash).toBe(expected)
  } finally {
    await context.close()
    await server.close()
  }
})

/** Init script: counts RTCPeerConnections, WebSockets and IndexedDB opens in window.libTouched. */
function countTouches(): void {
  const touched = (window.libTouched = { rtc: 0, ws: 0, idb: 0 })
  const Rtc = window.RTCPeerConnection
  window.RTCPeerConnection = class extends Rtc {
    constructor(config?: RTCConfiguration) {
      super(config)
      touched.rtc++
    }
  }
  const Ws = window.WebSocket
  window.WebSocket = class extends Ws {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols)
      touched.ws++
    }
  }
  const open = indexedDB.open.bind(indexedDB)
  indexedDB.open = (name: string, version?: number) => {
    touched.idb++
    return open(name, version)
  }
}

async function seededMovie(page: Page, baseURL: string, trackerUrl: string, dir: string): Promise<string> {
  const folder = join(dir, 'movie')
  await mkdir(folder, { recursive: true })
  await copyFile(testMedia('faststart.mp4'), join(folder, 'faststart.mp4'))
  await writeTestFile(folder, 'notes.bin', 300_000, 11)
  await openApp(page, baseURL, trackerUrl)
  await seedFolder(page, folder)
  return waitForMagnet(page)
}

test('a page imports the library without WebRTC, WebSocket or IndexedDB; the tracker loads with a Client, the players when something plays', async ({
  browser,
  baseURL,
  tracker,
}) => {
  test.setTimeout(240_000)
  const tmp = await makeTempDir()
  const seeder = await newPeerPage(browser, baseURL!, { label: 'seeder', path: null })
  const server = await startModuleServer(build.dir, { '/': PAGE })
  const context = await browser.newContext()
  try {
    const magnet = await seededMovie(seeder.page, baseURL!, tracker.url, tmp.dir)
    await context.grantPermissions(['camera', 'microphone'], { origin: server.url })
    const page = await context.newPage()
    forwardPageErrors(page, 'library page')
    await page.addInitScript(countTouches)
    await page.goto(server.url + '/')
    await page.waitForFunction(() => !!window.swarmstreamLib)
    expect(await page.evaluate(() => window.libTouched), 'importing touches nothing').toEqual({ rtc: 0, ws: 0, idb: 0 })
    expect(libraryFiles(server.fetched), 'importing loads the core only').toEqual(sizes.core.files)

    const notes = await page.evaluate(
      async ({ magnet, trackerUrl }) => {
        const client = (window.libClient = new window.swarmstreamLib!.Client({ announce: [trackerUrl], rtcConfig: { iceServers: [] } }))
        const torrent = client.add(magnet)
        await new Promise<void>((resolve, reject) => {
          torrent.once('ready', () => resolve())
          torrent.once('error', reject)
        })
        const bytes = new Uint8Array(await torrent.files.find((f) => f.name === 'notes.bin')!.arrayBuffer())
        return [...new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))].map((b) => b.toString(16).padStart(2, '0')).join('')
      },
      { magnet, trackerUrl: tracker.url },
    )
    expect(notes, 'a file arrives intact').toBe(await sha256(join(tmp.dir, 'movie/notes.bin')))
    const downloading = [...sizes.core.files, ...sizes.tracker.files, ...sizes.opfs.files]
    expect(libraryFiles(server.fetched), 'a downloading Client adds the tracker and OPFS store siblings, not the media one').toEqual(downloading.sort())

    const wrongTarget = await page.evaluate(async () => {
      const mp4 = window.libClient!.torrents[0]!.files.find((f) => f.name === 'faststart.mp4')!
      try {
        await mp4.appendTo(document.createElement('video'))
        return null
      } catch (err) {
        const e = err as Error & { code?: string }
        return { name: e.name, code: e.code, typed: e instanceof window.swarmstreamLib!.SwarmstreamError }
      }
    })
    expect(wrongTarget, 'a media error from the sibling module is a SwarmstreamError with its name').toEqual({ name: 'MediaError', code: 'INVALID_TARGET', typed: true })
    expect(libraryFiles(server.fetched), 'playing loads the media sibling').toEqual([...downloading, ...sizes.media.files].sort())

    await page.evaluate(async () => {
      const video = (window.libVideo = document.createElement('video'))
      video.muted = true
      document.body.append(video)
      const mp4 = window.libClient!.torrents[0]!.files.find((f) => f.name === 'faststart.mp4')!
      await mp4.renderTo(video, { autoplay: true })
    })
    await expect.poll(() => page.evaluate(() => window.libVideo!.currentTime), { message: 'the video plays', timeout: 60_000, intervals: [500] }).toBeGreaterThan(1)
    await page.evaluate(() => window.libClient!.destroy())
  } finally {
    await context.close()
    await seeder.context.close()
    await server.close()
    await tmp.cleanup()
  }
})
