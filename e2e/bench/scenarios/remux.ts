// (8) Issue 12: which MP4 remuxer feeds MediaSource (the `<torrent-video>` path, and the app without its
// worker) at less cost: our own (renderTo's since session 25, replacing render-media's videostream) or
// mp4box.js (maintained). The same file from memory into a muted video, both in one page, in rotating order:
// time to the first append, to a first frame and to 10 s buffered, and main-thread time (CDP TaskDuration) until then.
import { resolve } from 'node:path'
import type { Page } from '@playwright/test'
import { testMedia } from '../../support/media.ts'
import type { BenchContext } from '../context.ts'
import { stat, type Row, type Stat } from '../report.ts'
import { BUFFER_SECONDS, type RemuxTiming } from '../remux-page.ts'
import { shapedVideo } from './shaped.ts'

const REMUXERS = ['Swarmstream', 'mp4box.js'] as const
type Remuxer = (typeof REMUXERS)[number]
const PAGE_MODULE = `/@fs${resolve(import.meta.dirname, '..', 'remux-page.ts')}`

interface Measured extends RemuxTiming {
  taskMs: number
}

/** The page's main-thread busy time so far (CDP `TaskDuration`, seconds), through a session that stays open. */
async function taskClock(page: Page): Promise<() => Promise<number>> {
  const cdp = await page.context().newCDPSession(page)
  await cdp.send('Performance.enable')
  return async () => (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'TaskDuration')?.value ?? 0
}

async function once(page: Page, remuxer: Remuxer, taskSeconds: () => Promise<number>): Promise<Measured> {
  const before = await taskSeconds()
  const timing = await page.evaluate(
    async ({ remuxer, module }) => {
      const w = window as unknown as { __remuxBytes: Uint8Array; __remuxType: string }
      const remux = (await import(/* @vite-ignore */ module)) as typeof import('../remux-page.ts')
      const video = document.body.appendChild(document.createElement('video'))
      video.muted = true
      try {
        return remuxer === 'Swarmstream' ? await remux.remuxWithSwarmstream(w.__remuxBytes, video) : await remux.remuxWithMp4box(w.__remuxBytes, video, w.__remuxType)
      } finally {
        video.removeAttribute('src')
        video.load()
        video.remove()
      }
    },
    { remuxer, module: PAGE_MODULE },
  )
  return { ...timing, taskMs: ((await taskSeconds()) - before) * 1000 }
}

async function remuxTimes(ctx: BenchContext, path: string, label: string): Promise<Record<Remuxer, { first: Stat; frame: Stat; all: Stat; task: Stat }>> {
  const origin = await ctx.lab.appOrigin()
  const page = await ctx.lab.openPage(origin, '/blank-remux', `remux ${label}`)
  await page.setContent('<input type="file" id="media">')
  await page.locator('#media').setInputFiles(path)
  await page.evaluate(async (probeModule) => {
    const file = document.querySelector<HTMLInputElement>('#media')!.files![0]!
    const bytes = new Uint8Array(await file.arrayBuffer())
    const { probeMedia } = (await import(/* @vite-ignore */ probeModule)) as typeof import('../../../src/media/probe.ts')
    const probe = await probeMedia(async (a, b) => bytes.subarray(a, b), bytes.length)
    Object.assign(window, { __remuxBytes: bytes, __remuxType: probe!.type })
  }, `/@fs${resolve(import.meta.dirname, '..', '..', '..', 'src', 'media', 'probe.ts')}`)
  const taskSeconds = await taskClock(page)
  const runs: Record<Remuxer, Measured[]> = { Swarmstream: [], 'mp4box.js': [] }
  for (let run = 0; run < Math.max(3, ctx.opts.runs); run++) {
    for (let k = 0; k < REMUXERS.length; k++) {
      const remuxer = REMUXERS[(run + k) % REMUXERS.length]!
      const m = await once(page, remuxer, taskSeconds)
      runs[remuxer].push(m)
      ctx.log(`remux ${label} ${remuxer} run ${run + 1}: first append ${m.firstAppendMs.toFixed(0)} ms, first frame ${m.loadedDataMs.toFixed(0)} ms, ${BUFFER_SECONDS} s buffered ${m.bufferedMs.toFixed(0)} ms (${m.appends} appends), main thread ${m.taskMs.toFixed(0)} ms`)
    }
  }
  await page.close()
  const out = {} as Record<Remuxer, { first: Stat; frame: Stat; all: Stat; task: Stat }>
  for (const r of REMUXERS) {
    const list = runs[r]
    out[r] = {
      first: stat(list.map((m) => m.firstAppendMs / 1000)),
      frame: stat(list.map((m) => m.loadedDataMs / 1000)),
      all: stat(list.map((m) => m.bufferedMs / 1000)),
      task: stat(list.map((m) => m.taskMs / 1000)),
    }
  }
  return out
}

export async function runRemux(ctx: BenchContext): Promise<Row[]> {
  const rows: Row[] = []
  for (const [label, path] of [['60 s 360p MP4 (3 MB)', testMedia('faststart.mp4')], ['60 s 720p MP4 (30 MB)', shapedVideo()]] as const) {
    const t = await remuxTimes(ctx, path, label)
    const row = (figure: string, key: 'frame' | 'all' | 'task'): Row => ({
      scenario: 'remux',
      figure: `${label}, from memory: ${figure}, Swarmstream's remuxer`,
      unit: 's',
      value: t.Swarmstream[key],
      references: [{ label: 'mp4box.js', value: t['mp4box.js'][key] }],
      target: '',
      met: null,
    })
    rows.push(row('first frame', 'frame'), row(`${BUFFER_SECONDS} s buffered`, 'all'), row(`main-thread time until ${BUFFER_SECONDS} s buffered`, 'task'))
  }
  return rows
}
