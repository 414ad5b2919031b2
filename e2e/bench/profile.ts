// A sampled CPU profile of one page's main thread (CDP Profiler), summed by function: self time per
// function, the main thread's busy time, garbage collection and native work ("(program)"). Minified
// WebTorrent bundles are named through their source maps.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from '@playwright/test'
import { SourceMapConsumer } from 'source-map-js'

interface CallFrame {
  functionName: string
  url: string
  lineNumber: number
  columnNumber: number
}
interface ProfileNode {
  id: number
  callFrame: CallFrame
}
interface CdpProfile {
  nodes: ProfileNode[]
  samples?: number[]
  timeDeltas?: number[]
}

export interface Cost {
  /** Function and where it lives, e.g. "onData peer/peer-session.ts". */
  name: string
  ms: number
}

export interface PageProfile {
  /** Main-thread time not idle (JS, GC, native work), ms. */
  busyMs: number
  gcMs: number
  /** Native work the sampler could not put in a JS function ("(program)"), ms. */
  programMs: number
  /** Self time by function, largest first (idle left out). */
  costs: Cost[]
}

/** Turns a script URL and position into a readable place; minified bundles go through their source map. */
export type Namer = (frame: CallFrame) => string

/** Samples every `intervalUs` until stop(). */
export async function startProfile(page: Page, namer: Namer = devServerName, intervalUs = 500): Promise<{ stop(): Promise<PageProfile> }> {
  const cdp = await page.context().newCDPSession(page)
  await cdp.send('Profiler.enable')
  await cdp.send('Profiler.setSamplingInterval', { interval: intervalUs })
  await cdp.send('Profiler.start')
  return {
    async stop() {
      const { profile } = (await cdp.send('Profiler.stop')) as { profile: CdpProfile }
      await cdp.detach().catch(() => undefined)
      saveRaw(profile, page.url())
      return summarize(profile, namer)
    },
  }
}

/** With SWARMSTREAM_PROFILE_DIR set, each profile is also written there whole (for DevTools or call trees). */
function saveRaw(profile: CdpProfile, url: string): void {
  const dir = process.env['SWARMSTREAM_PROFILE_DIR']
  if (!dir) return
  mkdirSync(dir, { recursive: true })
  const origin = url.replace(/^\w+:\/\//, '').replace(/[^\w.-]+/g, '_').slice(0, 60)
  writeFileSync(join(dir, `${Date.now()}-${origin}.cpuprofile`), JSON.stringify(profile))
}

export function summarize(profile: CdpProfile, namer: Namer): PageProfile {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]))
  const byName = new Map<string, number>()
  const samples = profile.samples ?? []
  const deltas = profile.timeDeltas ?? []
  // timeDeltas[i] is the time before sample i; it is spent in what sample i-1 caught.
  for (let i = 0; i < samples.length; i++) {
    const node = nodes.get(samples[i]!)
    const us = deltas[i + 1] ?? 0
    if (!node || us <= 0) continue
    const name = frameName(node.callFrame, namer)
    byName.set(name, (byName.get(name) ?? 0) + us / 1000)
  }
  byName.delete('(idle)')
  const costs = [...byName].map(([name, ms]) => ({ name, ms })).sort((a, b) => b.ms - a.ms)
  return {
    busyMs: costs.reduce((sum, c) => sum + c.ms, 0),
    gcMs: byName.get('(garbage collector)') ?? 0,
    programMs: byName.get('(program)') ?? 0,
    costs,
  }
}

function frameName(frame: CallFrame, namer: Namer): string {
  if (frame.functionName.startsWith('(')) return frame.functionName
  return namer(frame)
}

/** Names for a page served by the Vite dev server (or any unminified code): function and file. */
export function devServerName(frame: CallFrame): string {
  return `${frame.functionName || '(anonymous)'} ${shortPath(frame.url)}`
}

function shortPath(url: string): string {
  if (url === '') return '(native)'
  let path = url
  try {
    path = new URL(url).pathname
  } catch {
    // not a URL: keep it
  }
  path = path.replace(/^\/src\//, '').replace(/^.*\/node_modules\/(\.vite\/deps\/)?/, '')
  return path
}

/**
 * Names for a page that runs a minified bundle with a source map next to it: the original function name
 * when the map has one, the original file (package and path) and line.
 */
export function sourceMapNamer(bundleUrlPath: string, mapFile: string): Namer {
  let consumer: SourceMapConsumer | null = null
  const cache = new Map<string, string>()
  return (frame) => {
    if (!frame.url.endsWith(bundleUrlPath)) return devServerName(frame)
    const key = `${frame.lineNumber}:${frame.columnNumber}:${frame.functionName}`
    const hit = cache.get(key)
    if (hit) return hit
    consumer ??= new SourceMapConsumer(JSON.parse(readFileSync(mapFile, 'utf8')))
    const pos = consumer.originalPositionFor({ line: frame.lineNumber + 1, column: frame.columnNumber })
    const source = (pos.source ?? 'bundle').replace(/^webpack:\/\/[^/]*\//, '').replace(/^(\.\/)?(node_modules\/)?/, '')
    const name = `${pos.name ?? (frame.functionName || '(anonymous)')} ${source}:${pos.line ?? 0}`
    cache.set(key, name)
    return name
  }
}
