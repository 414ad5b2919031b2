// Test media for the playback specs (made by e2e/media/generate.mjs with ffmpeg, cached in
// e2e/artifacts/media/) and page helpers that seed files and play them with src/media.
import { execFileSync } from 'node:child_process'
import { join, resolve } from 'node:path'
import { pollPage, type PageDriver } from './page-driver.ts'

export const MEDIA_DIR = resolve(import.meta.dirname, '..', 'artifacts', 'media')
const GENERATOR = resolve(import.meta.dirname, '..', 'media', 'generate.mjs')

export type TestMediaName = 'faststart.mp4' | 'moov-at-end.mp4' | 'audio-first.mp4' | 'fragmented.mp4' | 'vp9-opus.webm' | 'hevc.mp4' | 'video.srt'

/** Generates any missing test media (idempotent) and returns the path of `name`. */
export function testMedia(name: TestMediaName): string {
  execFileSync(process.execPath, [GENERATOR, MEDIA_DIR], { stdio: ['ignore', 'ignore', 'inherit'] })
  return join(MEDIA_DIR, name)
}

/** The page's view of src/media, imported through Vite (the dev server's root is src/). */
export type MediaModule = typeof import('../../src/media/index.ts')

/**
 * Seeds local files in the app page (`window.swarmstream.client.seed`) under the given names and
 * waits until the torrent is ready; its files are then all local. Returns the info hash.
 */
export async function seedInPage(
  page: PageDriver,
  files: { path: string; name: string }[],
  opts: { pieceLength?: number; version?: 'v1' | 'v2' | 'hybrid' } = {},
): Promise<string> {
  await page.evaluate(() => {
    const input = document.createElement('input')
    input.type = 'file'
    input.multiple = true
    input.id = 'playback-seed-input'
    input.hidden = true
    document.body.appendChild(input)
  })
  await page.setInputFiles('#playback-seed-input', files.map((f) => f.path))
  return page.evaluate(async ({ names, pieceLength, version }) => {
    const input = document.getElementById('playback-seed-input') as HTMLInputElement
    const renamed = Array.from(input.files ?? [], (f, i) => new File([f], names[i]!, { type: f.type }))
    input.remove()
    const client = window.swarmstream!.client
    return new Promise<string>((resolve, reject) => {
      const torrent = client.seed(renamed, { ...(pieceLength ? { pieceLength } : {}), ...(version ? { version } : {}) }, (t) => resolve(t.infoHash))
      torrent.once('error', reject)
    })
  }, { names: files.map((f) => f.name), pieceLength: opts.pieceLength, version: opts.version })
}

export interface PlayResult {
  /** ms from calling renderTo to currentTime > 0. */
  msToFirstFrame: number
  duration: number
  videoWidth: number
}

/**
 * Renders the torrent's file `name` into a new muted, autoplaying <video> (kept as `window.__video`)
 * through MediaSource only, and waits until currentTime > `playPast` seconds.
 */
export async function playInPage(page: PageDriver, infoHash: string, name: string, playPast: number): Promise<PlayResult> {
  return page.evaluate(
    async ({ infoHash, name, playPast }) => {
      const url = '/media/index.ts'
      const media = (await import(/* @vite-ignore */ url)) as MediaModule
      const torrent = window.swarmstream!.client.get(infoHash)!
      const file = torrent.files.find((f) => f.name === name)!
      const video = document.createElement('video')
      document.body.appendChild(video)
      Object.assign(window, { __video: video })
      const start = performance.now()
      // maxBlobLength 0: no falling back to a Blob URL of the whole file; it must stream.
      await media.renderTo(file, video, { autoplay: true, muted: true, maxBlobLength: 0 })
      let firstFrame = 0
      await new Promise<void>((resolve, reject) => {
        const check = () => {
          if (video.error) return reject(new Error(`video error ${video.error.code}: ${video.error.message}`))
          if (!firstFrame && video.currentTime > 0) firstFrame = performance.now()
          if (video.currentTime > playPast) return resolve()
          setTimeout(check, 20)
        }
        check()
      })
      return { msToFirstFrame: Math.round(firstFrame - start), duration: video.duration, videoWidth: video.videoWidth }
    },
    { infoHash, name, playPast },
  )
}

export interface SeekResult {
  target: number
  /** currentTime once playback went on 1 s past the target. */
  reached: number
  /** ms from setting currentTime to playing past the target. */
  msToPlaying: number
  /** Progress of the page's first torrent when the seek started. */
  progressAtSeek: number
}

/** Seeks `window.__video` to `fraction` of its duration; resolves once it has played 1 s past the target. */
export async function seekAndPlay(page: PageDriver, fraction: number): Promise<SeekResult> {
  return page.evaluate(async (fraction) => {
    const video = (window as unknown as { __video: HTMLVideoElement }).__video
    const target = video.duration * fraction
    const progressAtSeek = window.swarmstream?.client.torrents[0]?.progress ?? 1
    const start = performance.now()
    let playing = 0
    video.currentTime = target
    await new Promise<void>((resolve, reject) => {
      const check = () => {
        if (video.error) return reject(new Error(`video error ${video.error.code}: ${video.error.message}`))
        if (!playing && !video.seeking && video.currentTime > target) playing = performance.now()
        if (!video.seeking && !video.paused && video.currentTime > target + 1) return resolve()
        setTimeout(check, 20)
      }
      check()
    })
    return { target, reached: video.currentTime, msToPlaying: Math.round(playing - start), progressAtSeek }
  }, fraction)
}

/** How one `file.stream()` the player opened ended. */
export interface StreamEnding {
  state: 'open' | 'ended' | 'errored' | 'cancelled'
  /** The error's code or message when it errored. */
  reason?: string
}

interface WatchedPage {
  __streams: StreamEnding[]
  __uncaught: string[]
}

/**
 * Records what the page throws and nobody catches (`error` and `unhandledrejection` on window), adds
 * the magnet, passes every stream of its first file through a recorder of how it ends, renders it into
 * a new muted autoplaying <video> and waits until that plays past `past` s. The torrent's progress then.
 */
export async function playWatchingStreams(page: PageDriver, magnet: string, past: number): Promise<{ progress: number }> {
  return page.evaluate(
    async ({ magnet, past }) => {
      const w = window as unknown as WatchedPage
      w.__uncaught = []
      w.__streams = []
      window.addEventListener('error', (e) => w.__uncaught.push(`error: ${e.message}`))
      window.addEventListener('unhandledrejection', (e) => w.__uncaught.push(`unhandled rejection: ${String((e.reason as Error)?.message ?? e.reason)}`))
      const client = window.swarmstream!.client
      const torrent = await new Promise<(typeof client.torrents)[number]>((resolve, reject) => {
        client.add(magnet, {}, resolve).once('error', reject)
      })
      const file = torrent.files[0]!
      const open = file.stream.bind(file)
      file.stream = (range) => {
        const record: StreamEnding = { state: 'open' }
        w.__streams.push(record)
        const reader = open(range).getReader()
        return new ReadableStream<Uint8Array>(
          {
            async pull(controller) {
              try {
                const { done, value } = await reader.read()
                if (!done) return controller.enqueue(value)
                record.state = 'ended'
                controller.close()
              } catch (err) {
                Object.assign(record, { state: 'errored', reason: (err as { code?: string }).code ?? String(err) })
                controller.error(err)
              }
            },
            cancel(reason) {
              if (record.state === 'open') record.state = 'cancelled'
              return reader.cancel(reason)
            },
          },
          { highWaterMark: 0 },
        )
      }
      const video = document.body.appendChild(document.createElement('video'))
      await file.renderTo(video, { autoplay: true, muted: true, maxBlobLength: 0 })
      await new Promise<void>((resolve, reject) => {
        const check = () => {
          if (video.error) return reject(new Error(`video error ${video.error.code}: ${video.error.message}`))
          if (video.currentTime > past) return resolve()
          setTimeout(check, 20)
        }
        check()
      })
      return { progress: torrent.progress }
    },
    { magnet, past },
  )
}

/**
 * Destroys the page's client (after playWatchingStreams), waits until every stream the player opened
 * has ended or aborted and the page is idle (an idle callback comes once no task is left, so whatever
 * those endings set off has run), and returns how the streams ended and what went uncaught.
 */
export async function destroyClient(page: PageDriver): Promise<{ streams: StreamEnding[]; uncaught: string[] }> {
  await page.evaluate(() => window.swarmstream!.client.destroy())
  await pollPage(page, 'every stream the player opened ends or aborts', () => (window as unknown as WatchedPage).__streams.every((s) => s.state !== 'open'), null).toBe(true)
  return page.evaluate(async () => {
    await new Promise((resolve) => requestIdleCallback(resolve))
    const w = window as unknown as WatchedPage
    return { streams: w.__streams, uncaught: w.__uncaught }
  })
}
