// (6) Issue 4: (a) client.add(magnet) → first playback (currentTime > 0), metadata exchange included,
// and (b) currentTime = 75 % → playback advancing past it, for the 60 s faststart MP4. Swarmstream:
// file.renderTo(video); WebTorrent: its service worker (scope /) + createServer + file.streamTo(video).
import type { Page } from '@playwright/test'
import { testMedia } from '../../support/media.ts'
import { CLIENTS, withTrackers, type BenchContext } from '../context.ts'
import { openPeer, type ClientKind } from '../peers.ts'
import { stat, type Row, type Stat } from '../report.ts'

interface Timing {
  firstPlayMs: number
  seekMs: number
}

/** Installs window.benchPlay(magnet) in the page: adds, renders into a muted video and measures (a) and (b). */
async function measure(page: Page, kind: ClientKind, magnet: string, trackerUrl: string): Promise<Timing> {
  return page.evaluate(
    async ({ kind, magnet, trackerUrl }) => {
      const video = document.createElement('video')
      video.muted = true
      video.autoplay = true
      document.body.appendChild(video)
      const until = (ok: () => boolean, what: string) =>
        new Promise<void>((resolve, reject) => {
          const deadline = performance.now() + 60_000
          const check = () => {
            if (video.error) return reject(new Error(`video error ${video.error.code}: ${video.error.message}`))
            if (ok()) return resolve()
            if (performance.now() > deadline) return reject(new Error(`timed out waiting for ${what}`))
            setTimeout(check, 5)
          }
          check()
        })
      const start = performance.now()
      if (kind === 'swarmstream') {
        window.swarmstream!.client.add(magnet, {}, (t) => {
          void t.files[0]!.renderTo(video, { autoplay: true, muted: true }).catch((e: unknown) => console.error(String(e)))
        })
      } else {
        window.wtBench!.add(magnet, { announce: [trackerUrl] }, (t) => t.files[0]!.streamTo(video))
      }
      await until(() => video.currentTime > 0, 'first playback')
      const firstPlayMs = performance.now() - start
      const target = video.duration * 0.75
      const seekStart = performance.now()
      video.currentTime = target
      await until(() => !video.seeking && video.currentTime > target, 'playback past the seek target')
      return { firstPlayMs, seekMs: performance.now() - seekStart }
    },
    { kind, magnet, trackerUrl },
  )
}

/** WebTorrent streams through its service worker: register it (scope /), wait until it controls the page. */
async function prepareWebTorrentStreaming(page: Page): Promise<void> {
  await page.evaluate(async () => {
    const registration = await navigator.serviceWorker.register('/sw.min.js', { scope: '/' })
    const worker = registration.installing ?? registration.waiting ?? registration.active
    if (worker && worker.state !== 'activated') {
      await new Promise<void>((resolve) => worker.addEventListener('statechange', () => worker.state === 'activated' && resolve()))
    }
    if (!navigator.serviceWorker.controller) {
      await new Promise<void>((resolve) => navigator.serviceWorker.addEventListener('controllerchange', () => resolve(), { once: true }))
    }
    window.wtBench!.createServer({ controller: registration })
  })
}

async function streamTimes(ctx: BenchContext, kind: ClientKind, media: string): Promise<{ first: Stat; seek: Stat }> {
  return withTrackers(async (newTracker) => {
    const tracker = await newTracker()
    const seeder = await openPeer(ctx.lab, kind, tracker.url, `${kind} stream seeder`)
    const { magnet, infoHash } = await seeder.seed(media)
    const first: number[] = []
    const seek: number[] = []
    for (let run = 0; run < ctx.opts.streamRuns; run++) {
      const leecher = await openPeer(ctx.lab, kind, tracker.url, `${kind} stream leecher`)
      if (kind === 'webtorrent') await prepareWebTorrentStreaming(leecher.page)
      const t = await measure(leecher.page, kind, magnet, tracker.url)
      first.push(t.firstPlayMs / 1000)
      seek.push(t.seekMs / 1000)
      ctx.log(`stream ${kind} run ${run + 1}: first playback ${t.firstPlayMs.toFixed(0)} ms, seek ${t.seekMs.toFixed(0)} ms`)
      await leecher.dispose(infoHash)
    }
    await seeder.dispose(infoHash)
    return { first: stat(first), seek: stat(seek) }
  })
}

export async function runStream(ctx: BenchContext): Promise<Row[]> {
  const media = testMedia('faststart.mp4')
  const [ss, wt] = [await streamTimes(ctx, CLIENTS[0]!, media), await streamTimes(ctx, CLIENTS[1]!, media)]
  return [
    {
      scenario: 'stream',
      figure: '60 s faststart MP4: add(magnet) → first playback',
      unit: 's',
      value: ss.first,
      references: [{ label: 'WebTorrent streamTo (service worker)', value: wt.first }],
      target: '≤ 0.4 s',
      met: ss.first.median <= 0.4,
    },
    {
      scenario: 'stream',
      figure: 'seek to 75 % → playback past it',
      unit: 's',
      value: ss.seek,
      references: [{ label: 'WebTorrent streamTo (service worker)', value: wt.seek }],
      target: '≤ 0.3 s',
      met: ss.seek.median <= 0.3,
    },
  ]
}
