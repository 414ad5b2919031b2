// First playback and seek, measured for several players of one video: each run opens a fresh leecher page
// (own origin) per player, alternating their order run by run, times add(magnet) → currentTime > 0 with
// its phases (phases.ts), then seek to 75 % → playback past it. Used by the `stream` and `shaped` scenarios.
import type { Page } from '@playwright/test'
import { withTrackers, type BenchContext } from './context.ts'
import { PHASES, phaseProbe, phaseStats, type PhaseName, type PhaseTimes } from './phases.ts'
import { openPeer, type BenchPeer, type ClientKind } from './peers.ts'
import { fmtStat, stat, type ExtraTable, type Stat } from './report.ts'

/**
 * How a leecher plays: the app's Play (through the service-worker file URL once the worker controls the
 * page), `file.renderTo` (MediaSource, optionally with a chosen MP4 remuxer) or WebTorrent's `streamTo`.
 */
export type Player = { kind: 'swarmstream'; via: 'app' } | { kind: 'swarmstream'; via: 'renderTo'; remuxer?: string } | { kind: 'webtorrent'; via: 'streamTo' }

export interface PlayerTimes {
  first: Stat
  seek: Stat
  phases: Partial<Record<PhaseName, Stat>>
}

export interface PlaybackOptions {
  media: string
  players: Record<string, Player>
  runs: number
  /** Seeder upload limit, bytes/s (0: none). */
  uploadLimit: number
  /** Wraps each measurement (e.g. shapes the link while it runs). */
  around?: <T>(measure: () => Promise<T>) => Promise<T>
  label: string
}

interface Run {
  firstPlayMs: number
  seekMs: number
  phases: PhaseTimes
}

/** Adds `magnet`, plays it into a muted video and measures first playback, its phases and a seek to 75 %. */
function measure(page: Page, player: Player, magnet: string, trackerUrl: string): Promise<Run> {
  return page.evaluate(
    async ({ player, magnet, trackerUrl }) => {
      const video = document.createElement('video')
      video.muted = true
      video.autoplay = true
      document.body.appendChild(video)
      const until = (ok: () => boolean, what: string) =>
        new Promise<void>((resolve, reject) => {
          const deadline = performance.now() + 120_000
          const check = () => {
            if (video.error) return reject(new Error(`video error ${video.error.code}: ${video.error.message}`))
            if (ok()) return resolve()
            if (performance.now() > deadline) return reject(new Error(`timed out waiting for ${what}`))
            setTimeout(check, 5)
          }
          check()
        })
      const phases = window.__phases ?? {}
      for (const key of Object.keys(phases)) delete phases[key as keyof typeof phases]
      const start = performance.now()
      const markMetadata = () => (phases.metadata ??= performance.now())
      const markPiece = () => (phases.firstPiece ??= performance.now())
      if (player.kind === 'swarmstream') {
        const ss = window.swarmstream!
        const t = ss.client.add(magnet, {}, (t) => {
          const file = t.files[0]!
          const played =
            player.via === 'app'
              ? ss.play(file, video, { autoplay: true, muted: true })
              : file.renderTo(video, { autoplay: true, muted: true, ...(player.remuxer ? { remuxer: player.remuxer } : {}) } as never)
          void played.catch((e: unknown) => console.error(String(e)))
        })
        t.once('metadata', markMetadata)
        t.once('verified', markPiece)
      } else {
        const t = window.wtBench!.add(magnet, { announce: [trackerUrl] }, (t) => t.files[0]!.streamTo(video))
        t.once('metadata', markMetadata)
        t.once('verified', markPiece)
      }
      await until(() => video.currentTime > 0, 'first playback')
      const firstPlayMs = performance.now() - start
      phases.firstFrame = start + firstPlayMs
      const relative: Record<string, number> = {}
      for (const [key, at] of Object.entries(phases)) relative[key] = at - start
      const target = video.duration * 0.75
      const seekStart = performance.now()
      video.currentTime = target
      await until(() => !video.seeking && video.currentTime > target, 'playback past the seek target')
      return { firstPlayMs, seekMs: performance.now() - seekStart, phases: relative }
    },
    { player, magnet, trackerUrl },
  )
}

/** WebTorrent streams through its service worker: register it (scope /), wait until it controls the page. */
async function prepareWebTorrent(page: Page): Promise<void> {
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

/** The app registers its file server worker as it loads; a returning user's page is controlled from the start. */
async function prepareApp(page: Page): Promise<void> {
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 30_000 })
}

export async function playbackTimes(ctx: BenchContext, opts: PlaybackOptions): Promise<Record<string, PlayerTimes>> {
  const names = Object.keys(opts.players)
  const kinds = [...new Set(names.map((n) => opts.players[n]!.kind))]
  return withTrackers(async (newTracker) => {
    const seeders = new Map<ClientKind, { peer: BenchPeer; magnet: string; infoHash: string; trackerUrl: string }>()
    for (const kind of kinds) {
      const tracker = await newTracker()
      const peer = await openPeer(ctx.lab, kind, tracker.url, `${kind} ${opts.label} seeder`)
      const { magnet, infoHash } = await peer.seed(opts.media)
      if (opts.uploadLimit > 0) await peer.setUploadLimit(opts.uploadLimit)
      seeders.set(kind, { peer, magnet, infoHash, trackerUrl: tracker.url })
    }
    const runs = new Map<string, Run[]>(names.map((n) => [n, []]))
    for (let run = 0; run < opts.runs; run++) {
      // Alternate the order, so a machine that slows down during the run does not favour one player.
      const order = names.map((_, i) => names[(i + run) % names.length]!)
      for (const name of order) {
        const player = opts.players[name]!
        const seeder = seeders.get(player.kind)!
        const leecher = await openPeer(ctx.lab, player.kind, seeder.trackerUrl, `${name} ${opts.label} leecher`, { init: phaseProbe })
        if (player.kind === 'webtorrent') await prepareWebTorrent(leecher.page)
        else if (player.via === 'app') await prepareApp(leecher.page)
        const measured = () => measure(leecher.page, player, seeder.magnet, seeder.trackerUrl)
        const t = await (opts.around ? opts.around(measured) : measured())
        runs.get(name)!.push(t)
        ctx.log(`${opts.label} ${name} run ${run + 1}: first playback ${t.firstPlayMs.toFixed(0)} ms, seek ${t.seekMs.toFixed(0)} ms; ${phaseLine(t.phases)}`)
        await leecher.dispose(seeder.infoHash)
      }
    }
    for (const { peer, infoHash } of seeders.values()) await peer.dispose(infoHash)
    const out: Record<string, PlayerTimes> = {}
    for (const [name, list] of runs) {
      out[name] = {
        first: stat(list.map((r) => r.firstPlayMs / 1000)),
        seek: stat(list.map((r) => r.seekMs / 1000)),
        phases: phaseStats(list.map((r) => Object.fromEntries(Object.entries(r.phases).map(([k, v]) => [k, v / 1000])))),
      }
    }
    return out
  })
}

function phaseLine(phases: PhaseTimes): string {
  return PHASES.filter(([key]) => phases[key] !== undefined)
    .map(([key]) => `${key} ${phases[key]!.toFixed(0)}`)
    .join(', ')
}

/** Seconds from add(magnet) at which each player reached each phase (medians, min–max). */
export function phaseTable(title: string, times: Record<string, PlayerTimes>): ExtraTable {
  const names = Object.keys(times)
  return {
    title,
    header: ['phase (s from add)', ...names],
    rows: [
      ...PHASES.map(([key, label]) => [label, ...names.map((n) => (times[n]!.phases[key] ? fmtStat(times[n]!.phases[key]!) : '–'))]),
      ['seek to 75 % → playback past it', ...names.map((n) => fmtStat(times[n]!.seek))],
    ],
  }
}
