// Play while it downloads, over real peers: a seeder page throttled to about twice the media bitrate and
// a leecher page (each its own context, on the worker's tracker). Playback must start, seek and show
// subtitles long before the download ends, and ranged reads of a file still downloading must be exact.
import { createHash } from 'node:crypto'
import { copyFile, mkdir, readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { Page } from '@playwright/test'
import { addMagnet, fileItem, openApp, seedFolder, waitForMagnet } from './support/app.ts'
import { newPeerPage, type PeerPage } from './support/browser.ts'
import { makeTempDir } from './support/files.ts'
import { destroyClient, playWatchingStreams, seedInPage, seekAndPlay, testMedia, type TestMediaName } from './support/media.ts'
import { heardStopWithin, playByFileUrl, playingGaps, samplePeerPlaying, unloadPlayer } from './support/playing-flag.ts'
import { expect, test as base } from './support/tracker.ts'

const VIDEO_SECONDS = 60
/** The seeder uploads at this many times the media bitrate: the download takes ~30 s, playback starts in a few. */
const UPLOAD_OVER_BITRATE = 2

const test = base.extend<{ seeder: PeerPage; leecher: PeerPage }>({
  seeder: async ({ browser, baseURL, tracker }, use) => {
    const peer = await newPeerPage(browser, baseURL!, { label: 'seeder', path: null })
    await openApp(peer.page, baseURL!, tracker.url)
    await use(peer)
    await peer.context.close().catch(() => undefined)
  },
  leecher: async ({ browser, baseURL, tracker }, use) => {
    const peer = await newPeerPage(browser, baseURL!, { label: 'leecher', path: null })
    await openApp(peer.page, baseURL!, tracker.url)
    await recordPlayStarts(peer.page)
    await use(peer)
    await peer.context.close().catch(() => undefined)
  },
})

interface PlayStart {
  /** Seconds buffered ahead of the playhead. */
  ahead: number
  toEnd: boolean
  /** The played file's `available` (every piece here or at a connected peer). */
  available: boolean | undefined
}

/** What each media element had buffered when it started playing. */
async function recordPlayStarts(page: Page): Promise<void> {
  await page.evaluate(() => {
    const starts: PlayStart[] = []
    Object.assign(window, { __playStarts: starts })
    document.addEventListener(
      'play',
      (event) => {
        const media = event.target as HTMLMediaElement
        const t = media.currentTime
        let ahead = 0
        for (let i = 0; i < media.buffered.length; i++) if (media.buffered.start(i) <= t + 0.5 && media.buffered.end(i) > t) ahead = media.buffered.end(i) - t
        const file = window.swarmstream!.client.torrents[0]?.files.find((f) => /\.(mp4|webm)$/.test(f.name))
        starts.push({ ahead, toEnd: t + ahead >= media.duration - 0.1, available: file?.available })
      },
      true,
    )
  })
}

function playStarts(page: Page): Promise<PlayStart[]> {
  return page.evaluate(() => (window as unknown as { __playStarts: PlayStart[] }).__playStarts)
}

/** Throttles the seeder's upload to UPLOAD_OVER_BITRATE × the bitrate of a `bytes`-long 60 s video. */
async function throttle(page: Page, bytes: number): Promise<number> {
  const limit = Math.round((UPLOAD_OVER_BITRATE * bytes) / VIDEO_SECONDS)
  await page.evaluate((limit) => (window.swarmstream!.client.uploadLimit = limit), limit)
  return limit
}

/** Seeds one test video through the client API, throttled; returns its magnet URI. */
async function seedVideo(page: Page, name: TestMediaName): Promise<string> {
  const path = testMedia(name)
  const infoHash = await seedInPage(page, [{ path, name }])
  await throttle(page, (await stat(path)).size)
  return page.evaluate((infoHash) => window.swarmstream!.client.get(infoHash)!.magnetURI, infoHash)
}

/** Adds the magnet through the client API and renders its video with `file.renderTo` (muted, autoplay). */
async function addAndRender(page: Page, magnet: string): Promise<void> {
  await page.evaluate(async (magnet) => {
    Object.assign(window, { __t0: performance.now() })
    const client = window.swarmstream!.client
    const torrent = await new Promise<(typeof client.torrents)[number]>((resolve, reject) => {
      const t = client.add(magnet, {}, resolve)
      t.once('error', reject)
    })
    const video = document.body.appendChild(document.createElement('video'))
    Object.assign(window, { __video: video })
    await torrent.files[0]!.renderTo(video, { autoplay: true, muted: true, maxBlobLength: 0 })
  }, magnet)
}

interface Started {
  /** ms from adding the torrent to currentTime > 0. */
  msToFirstFrame: number
  /** The torrent's progress when currentTime passed `past`. */
  progress: number
  duration: number
}

/** Waits until `window.__video` plays past `past` seconds; timed from `window.__t0`. */
function untilPlayingPast(page: Page, past: number): Promise<Started> {
  return page.evaluate(async (past) => {
    const w = window as unknown as { __video: HTMLVideoElement; __t0: number }
    const video = w.__video
    let firstFrame = 0
    await new Promise<void>((resolve, reject) => {
      const check = () => {
        if (video.error) return reject(new Error(`video error ${video.error.code}: ${video.error.message}`))
        if (!firstFrame && video.currentTime > 0) firstFrame = performance.now()
        if (video.currentTime > past) return resolve()
        setTimeout(check, 20)
      }
      check()
    })
    const progress = window.swarmstream!.client.torrents[0]!.progress
    return { msToFirstFrame: Math.round(firstFrame - w.__t0), progress, duration: video.duration }
  }, past)
}

function report(label: string, started: Started, seek?: { msToPlaying: number; progressAtSeek: number }): void {
  const parts = [`add → currentTime > 0 in ${started.msToFirstFrame} ms`, `progress ${(started.progress * 100).toFixed(1)} % at 2 s`]
  if (seek) parts.push(`seek → playing in ${seek.msToPlaying} ms (progress ${(seek.progressAtSeek * 100).toFixed(1)} % at the seek)`)
  const description = `${label}: ${parts.join(', ')}`
  test.info().annotations.push({ type: 'streaming', description })
  console.log(`[streaming] ${description}`)
}

/** Plays past 2 s below 50 % progress, then seeks to 80 % while downloading and checks playback goes on there. */
async function expectStreamingPlayback(page: Page, label: string): Promise<void> {
  const started = await untilPlayingPast(page, 2)
  const [start] = await playStarts(page)
  expect(start, 'autoplay started the element once').toBeDefined()
  // One seeder shows every piece: no start buffer is needed (StartGate).
  expect(start!.available, 'the whole file was within reach when playback started').toBe(true)
  expect(started.progress, 'playback passed 2 s while less than half was downloaded').toBeLessThan(0.5)
  expect(started.duration, 'the whole 60 s are known').toBeGreaterThan(59)
  const seek = await seekAndPlay(page, 0.8)
  report(label, started, seek)
  expect(seek.progressAtSeek, 'the seek happened while the download was incomplete').toBeLessThan(1)
  expect(seek.reached, 'playback goes on from the seek target').toBeGreaterThan(seek.target + 1)
  expect(seek.reached).toBeLessThan(seek.target + 10)
}

test.describe('play while it downloads (throttled seeder → leecher)', () => {
  test('MP4 faststart in a folder, played with the Play button: starts early, seeks to 80 %, shows video.srt', async ({ seeder, leecher }) => {
    const tmp = await makeTempDir()
    try {
      const dir = join(tmp.dir, 'movie')
      await mkdir(dir)
      await copyFile(testMedia('faststart.mp4'), join(dir, 'video.mp4'))
      await copyFile(testMedia('video.srt'), join(dir, 'video.srt'))
      await seedFolder(seeder.page, dir)
      const magnet = await waitForMagnet(seeder.page)
      await throttle(seeder.page, (await stat(join(dir, 'video.mp4'))).size)

      const page = leecher.page
      await page.evaluate(() => Object.assign(window, { __t0: performance.now() }))
      await addMagnet(page, magnet)
      await fileItem(page, 'movie/video.mp4').getByTestId('play-file').click()
      await page.getByTestId('player-video').waitFor()
      await page.evaluate(() => Object.assign(window, { __video: document.querySelector('[data-testid="player-video"]') }))
      await expectStreamingPlayback(page, 'faststart.mp4 (Play button)')

      const cues = await page.evaluate(async () => {
        const video = (window as unknown as { __video: HTMLVideoElement }).__video
        const track = video.querySelector('track')
        if (!track) return { count: -1, first: '', progress: 1 }
        const progress = window.swarmstream!.client.torrents[0]!.progress
        track.track.mode = 'showing'
        const deadline = performance.now() + 20_000
        while ((track.track.cues?.length ?? 0) === 0 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50))
        const first = track.track.cues?.[0] as VTTCue | undefined
        return { count: track.track.cues?.length ?? 0, first: first?.text ?? '', progress }
      })
      expect(cues.count, 'video.srt is attached as a track and its three cues load once shown').toBe(3)
      expect(cues.first).toBe('Swarmstream test subtitle one')
    } finally {
      await tmp.cleanup()
    }
  })

  for (const name of ['moov-at-end.mp4', 'vp9-opus.webm'] as const) {
    test(`${name} with file.renderTo: starts early and seeks to 80 % while downloading`, async ({ seeder, leecher }) => {
      const magnet = await seedVideo(seeder.page, name)
      await addAndRender(leecher.page, magnet)
      await expectStreamingPlayback(leecher.page, `${name} (renderTo)`)
    })
  }

  test('a viewer at the front of a crowd (a super-seeding seeder shows it only some pieces) starts once 2 s are buffered', async ({ browser, baseURL, tracker, seeder, leecher }) => {
    const first = await newPeerPage(browser, baseURL!, { label: 'first', path: null })
    try {
      await openApp(first.page, baseURL!, tracker.url)
      const magnet = await seedVideo(seeder.page, 'vp9-opus.webm')
      // Another leecher still downloading: the seeder now masks its pieces from every new peer.
      await first.page.evaluate((magnet) => void window.swarmstream!.client.add(magnet), magnet)
      await first.page.waitForFunction(() => (window.swarmstream!.client.torrents[0]?.progress ?? 0) > 0)
      await addAndRender(leecher.page, magnet)
      await untilPlayingPast(leecher.page, 0.5)
      const [start] = await playStarts(leecher.page)
      expect(start, 'autoplay started the element once').toBeDefined()
      expect(start!.available, 'some piece was at no connected peer when playback started').toBe(false)
      // StartGate's START_BUFFER_SECONDS (2 s) less what its 25 ms check can miss.
      expect(start!.ahead, 'autoplay waited for the start buffer').toBeGreaterThan(1.9)
    } finally {
      await first.context.close().catch(() => undefined)
    }
  })

  test("a viewer playing through the app's file URL tells its seeder it plays (ss_play) without a gap, a seek included, and stops once its player is gone", async ({ seeder, leecher }) => {
    const magnet = await seedVideo(seeder.page, 'faststart.mp4')
    await leecher.page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 30_000 })
    await samplePeerPlaying(seeder.page)
    // Ten seconds of playback while the download runs (the seeder sends at twice the bitrate).
    const played = await playByFileUrl(leecher.page, magnet, 11)
    expect(played.via, 'played through the service worker file URL, range by range').toBe('url')
    expect(played.progress, 'the download was still running').toBeLessThan(1)
    const heard = await playingGaps(seeder.page)
    console.log(`[ss_play] Chromium file URL: says it plays from sample ${heard.first} of ${heard.samples}, ${heard.gaps} samples without after that`)
    expect(heard.first, 'the seeder heard the viewer say it plays').toBeGreaterThanOrEqual(0)
    expect(heard.gaps, 'no sample after the first says the viewer stopped playing').toBe(0)
    // A seek while downloading: the player cancels its range request and opens another; it still plays.
    const seek = await seekAndPlay(leecher.page, 0.8)
    expect(seek.progressAtSeek, 'the seek happened while the download was incomplete').toBeLessThan(1)
    expect(seek.reached, 'playback goes on from the seek target').toBeGreaterThan(seek.target + 1)
    expect((await playingGaps(seeder.page)).gaps, 'nor across the seek').toBe(0)
    await unloadPlayer(leecher.page)
    const stopped = await heardStopWithin(seeder.page, 15_000)
    console.log(`[ss_play] Chromium file URL: the seeder heard the viewer stop ${stopped === null ? 'never' : `${Math.round(stopped)} ms`} after its player went`)
    // PLAYING_LINGER_MS (5 s), then a handshake across.
    expect(stopped, 'the seeder heard the viewer stop playing').not.toBeNull()
    expect(stopped!).toBeGreaterThan(4_000)
    expect(stopped!).toBeLessThan(9_000)
  })

  for (const name of ['faststart.mp4', 'vp9-opus.webm'] as const) {
    test(`${name}: destroying the client mid-playback ends every stream and raises nothing uncaught`, async ({ seeder, leecher }) => {
      const pageErrors: string[] = []
      leecher.page.on('pageerror', (err) => pageErrors.push(err.message))
      const magnet = await seedVideo(seeder.page, name)
      const playing = await playWatchingStreams(leecher.page, magnet, 1)
      expect(playing.progress, 'the download is still running when the client is destroyed').toBeLessThan(1)
      const after = await destroyClient(leecher.page)
      console.log(`[destroy] ${name}: ${after.streams.length} streams opened, endings: ${after.streams.map((s) => s.state).join(', ')}`)
      expect(after.streams.length, 'the player read the file through streams').toBeGreaterThan(0)
      expect(after.uncaught, 'no uncaught exception or unhandled rejection in the page').toEqual([])
      expect(pageErrors, 'no page error').toEqual([])
    })
  }

  test('file.stream over random ranges of a file still downloading gives the original bytes', async ({ seeder, leecher }) => {
    const name = 'faststart.mp4'
    const original = await readFile(testMedia(name))
    const magnet = await seedVideo(seeder.page, name)
    let seed = 12345
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31)
    const ranges = Array.from({ length: 8 }, () => {
      const start = Math.floor(random() * original.length)
      const end = Math.min(original.length - 1, start + Math.floor(random() * 200_000))
      return { start, end }
    })
    ranges.push({ start: original.length - 1000, end: original.length - 1 }, { start: 0, end: 0 })
    const expected = ranges.map(({ start, end }) => createHash('sha256').update(original.subarray(start, end + 1)).digest('hex'))

    const result = await leecher.page.evaluate(
      async ({ magnet, ranges }) => {
        const client = window.swarmstream!.client
        const torrent = await new Promise<(typeof client.torrents)[number]>((resolve, reject) => {
          client.add(magnet, {}, resolve).once('error', reject)
        })
        const file = torrent.files[0]!
        const progress = torrent.progress
        const missing = ranges.filter(({ start, end }) => {
          for (let p = Math.floor(start / torrent.pieceLength); p <= Math.floor(end / torrent.pieceLength); p++) if (!torrent.hasPiece(p)) return true
          return false
        }).length
        const hashes = await Promise.all(
          ranges.map(async ({ start, end }) => {
            const bytes = new Uint8Array(await new Response(file.stream({ start, end })).arrayBuffer())
            const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))
            return { length: bytes.length, hash: Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('') }
          }),
        )
        return { progress, missing, hashes, progressAfter: torrent.progress }
      },
      { magnet, ranges },
    )
    expect(result.progress, 'the reads start while the file is downloading').toBeLessThan(0.5)
    expect(result.missing, 'most ranges had pieces still missing when read').toBeGreaterThan(ranges.length / 2)
    expect(result.progressAfter, 'the reads finished before the download did').toBeLessThan(1)
    expect(result.hashes.map((h) => h.length)).toEqual(ranges.map(({ start, end }) => end - start + 1))
    expect(result.hashes.map((h) => h.hash)).toEqual(expected)
  })
})
