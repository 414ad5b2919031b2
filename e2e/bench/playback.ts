// First playback and seek, measured for several players of one video: each run opens a fresh leecher page
// (own origin) per player, alternating their order run by run, times add(magnet) → currentTime > 0 with
// its phases (phases.ts), then seek to 75 % → playback past it. Used by the `stream` and `shaped` scenarios.
import type { Page } from '@playwright/test'
import { withTrackers, type BenchContext } from './context.ts'
import { PHASES, phaseProbe, phaseStats, type PhaseName, type PhaseTimes, type WireEvent } from './phases.ts'
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
  seekPhases: Partial<Record<SeekPhase, Stat>>
}

/** A seek in phases, ms from `currentTime = 75 %`, and what crossed the wire for it. */
export const SEEK_PHASES = [
  ['requestOut', 'first request at the target sent (leecher)'],
  ['requestAtSeeder', 'that request reaches the seeder'],
  ['blockOut', 'seeder sends its first block'],
  ['blockIn', 'the block reaches the leecher'],
  ['verified', 'first piece at the target verified'],
  ['bytes', 'first bytes to the player'],
  ['seeked', '`seeked`'],
  ['played', 'playback past the target'],
  ['blocksAhead', 'blocks the seeder sent after the seek, before that block (count)'],
  ['blocksFetched', 'blocks at the target received before playback (count)'],
] as const
export type SeekPhase = (typeof SEEK_PHASES)[number][0]
type SeekTimes = Partial<Record<SeekPhase, number>>

/** Lines up the leecher's marks and both pages' wire logs (epoch ms) into seek phases. */
function seekTimes(marks: SeekMarks, seederWire: WireEvent[]): SeekTimes {
  const since = (t: number | undefined) => (t === undefined ? undefined : t - marks.start)
  const after = seederWire.filter(([t]) => t >= marks.start)
  const critical = marks.wire.find(([, kind, index]) => kind === 'o6' && index >= marks.from)
  const out: SeekTimes = {}
  const put = (key: SeekPhase, value: number | undefined) => value !== undefined && (out[key] = value)
  put('seeked', since(marks.seeked))
  put('bytes', since(marks.bytes))
  put('verified', since(marks.verified))
  put('played', since(marks.played))
  put('blocksFetched', marks.wire.filter(([, kind, index]) => kind === 'i7' && index >= marks.from).length)
  if (!critical) return out
  const index = critical[2]
  put('requestOut', since(critical[0]))
  put('requestAtSeeder', since(after.find(([, kind, i]) => kind === 'i6' && i === index)?.[0]))
  const blockOut = after.find(([, kind, i]) => kind === 'o7' && i === index)?.[0]
  put('blockOut', since(blockOut))
  if (blockOut !== undefined) put('blocksAhead', after.filter(([t, kind]) => kind === 'o7' && t < blockOut).length)
  put('blockIn', since(marks.wire.find(([, kind, i]) => kind === 'i7' && i === index)?.[0]))
  return out
}

function seekStats(runs: SeekTimes[]): Partial<Record<SeekPhase, Stat>> {
  const out: Partial<Record<SeekPhase, Stat>> = {}
  for (const [name] of SEEK_PHASES) {
    const values = runs.map((r) => r[name]).filter((v): v is number => v !== undefined)
    if (values.length > 0) out[name] = stat(values)
  }
  return out
}

function seekLine(seek: SeekTimes): string {
  return SEEK_PHASES.filter(([key]) => seek[key] !== undefined)
    .map(([key]) => `${key} ${seek[key]!.toFixed(0)}`)
    .join(', ')
}

export interface PlaybackOptions {
  media: string
  players: Record<string, Player>
  runs: number
  /** One seeder of this kind for every player (default: each player's own kind). */
  seeder?: ClientKind
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
  seek: SeekTimes
}

/** What the leecher page saw of its seek: epoch ms (timeOrigin + now), so the seeder page's log lines up. */
interface SeekMarks {
  start: number
  seeked?: number
  bytes?: number
  verified?: number
  played: number
  /** First piece in the file's second half: anything from there on was fetched for the seek, not by the first playback. */
  from: number
  wire: WireEvent[]
}

/** Adds `magnet`, plays it into a muted video and measures first playback, its phases and a seek to 75 %. */
function measure(page: Page, player: Player, magnet: string, trackerUrl: string): Promise<Omit<Run, 'seek'> & { marks: SeekMarks }> {
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
      const epoch = () => performance.timeOrigin + performance.now()
      let seekFrom = Infinity
      let seekVerified: number | undefined
      const onVerified = (index: unknown) => {
        if (seekVerified === undefined && (index as number) >= seekFrom) seekVerified = epoch()
      }
      let pieces = () => 0
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
        t.on('verified', onVerified)
        pieces = () => t.numPieces
      } else {
        const t = window.wtBench!.add(magnet, { announce: [trackerUrl] }, (t) => t.files[0]!.streamTo(video))
        t.once('metadata', markMetadata)
        t.once('verified', markPiece)
        t.on('verified', onVerified)
        pieces = () => (t as unknown as { pieces: unknown[] }).pieces.length
      }
      await until(() => video.currentTime > 0, 'first playback')
      const firstPlayMs = performance.now() - start
      phases.firstFrame = start + firstPlayMs
      const relative: Record<string, number> = {}
      for (const [key, at] of Object.entries(phases)) relative[key] = at - start
      const target = video.duration * 0.75
      seekFrom = Math.floor(pieces() / 2)
      let seeked: number | undefined
      video.addEventListener('seeked', () => (seeked ??= epoch()), { once: true })
      const wire = window.__wire ?? []
      const wireFrom = wire.length
      const seekStart = performance.now()
      window.__bytesAfter = seekStart
      video.currentTime = target
      await until(() => !video.seeking && video.currentTime > target, 'playback past the seek target')
      const seekEnd = performance.now()
      const base = performance.timeOrigin
      const bytes = window.__afterBytes
      const marks = {
        start: base + seekStart,
        ...(seeked !== undefined ? { seeked } : {}),
        ...(bytes !== undefined ? { bytes: base + bytes } : {}),
        ...(seekVerified !== undefined ? { verified: seekVerified } : {}),
        played: base + seekEnd,
        from: seekFrom,
        wire: wire.slice(wireFrom),
      }
      return { firstPlayMs, seekMs: seekEnd - seekStart, phases: relative, marks }
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
  const seederOf = (name: string): ClientKind => opts.seeder ?? opts.players[name]!.kind
  const kinds = [...new Set(names.map(seederOf))]
  return withTrackers(async (newTracker) => {
    const seeders = new Map<ClientKind, { peer: BenchPeer; magnet: string; infoHash: string; trackerUrl: string }>()
    for (const kind of kinds) {
      const tracker = await newTracker()
      const peer = await openPeer(ctx.lab, kind, tracker.url, `${kind} ${opts.label} seeder`, { init: phaseProbe })
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
        const seeder = seeders.get(seederOf(name))!
        const leecher = await openPeer(ctx.lab, player.kind, seeder.trackerUrl, `${name} ${opts.label} leecher`, { init: phaseProbe })
        if (player.kind === 'webtorrent') await prepareWebTorrent(leecher.page)
        else if (player.via === 'app') await prepareApp(leecher.page)
        await seeder.peer.page.evaluate(() => void (window.__wire!.length = 0))
        const measured = () => measure(leecher.page, player, seeder.magnet, seeder.trackerUrl)
        const { marks, ...m } = await (opts.around ? opts.around(measured) : measured())
        const seederWire = await seeder.peer.page.evaluate(() => window.__wire!.slice())
        const t = { ...m, seek: seekTimes(marks, seederWire) }
        runs.get(name)!.push(t)
        ctx.log(`${opts.label} ${name} run ${run + 1}: first playback ${t.firstPlayMs.toFixed(0)} ms, seek ${t.seekMs.toFixed(0)} ms; ${phaseLine(t.phases)}; seek: ${seekLine(t.seek)}`)
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
        seekPhases: seekStats(list.map((r) => r.seek)),
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

/** The seek to 75 % in phases (ms from the seek; the last rows are counts). */
export function seekTable(title: string, times: Record<string, PlayerTimes>): ExtraTable {
  const names = Object.keys(times)
  const ms = (s: Stat) => ({ median: Math.round(s.median), min: Math.round(s.min), max: Math.round(s.max), n: s.n })
  return {
    title,
    header: ['seek phase (ms from the seek)', ...names],
    rows: SEEK_PHASES.map(([key, label]) => [label, ...names.map((n) => (times[n]!.seekPhases[key] ? fmtStat(ms(times[n]!.seekPhases[key]!)) : '–'))]),
  }
}
