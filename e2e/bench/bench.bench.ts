// `npm run bench`: every scenario in one Playwright test (e2e/bench/run.mjs starts it). Prints the table
// and writes e2e/artifacts/bench/latest.json + latest.md.
import { execFileSync } from 'node:child_process'
import { cpus, loadavg, totalmem } from 'node:os'
import { test } from '@playwright/test'
import { CHROMIUM_PATH } from '../support/browser.ts'
import type { BenchContext } from './context.ts'
import { Lab } from './lab.ts'
import { loadOptions, SCENARIOS, type ScenarioName } from './options.ts'
import { writeBreakdowns } from './breakdown.ts'
import { settle, SETTLE_MAX_MS } from './settle.ts'
import { textTable, writeResult, type BenchResult, type Row } from './report.ts'
import { runHeap } from './scenarios/heap.ts'
import { runLimit } from './scenarios/limit.ts'
import { runRemux } from './scenarios/remux.ts'
import { runSeed } from './scenarios/seed.ts'
import { runShaped } from './scenarios/shaped.ts'
import { runStream } from './scenarios/stream.ts'
import { runOneToOne, runSwarm } from './scenarios/transfer.ts'

const RUNNERS: Record<ScenarioName, (ctx: BenchContext) => Promise<Row[]>> = {
  limit: runLimit,
  'one-to-one': runOneToOne,
  swarm: runSwarm,
  seed: runSeed,
  heap: runHeap,
  stream: runStream,
  shaped: runShaped,
  remux: runRemux,
}

/** A scenario that hangs (a download that never finishes) is reported as failed; the others still run. */
const SCENARIO_DEADLINE_MS = 20 * 60_000

function withDeadline<T>(work: Promise<T>, ms: number, name: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${name} did not finish within ${ms / 60_000} min`)), ms)
  })
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer))
}

function gitCommit(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim()
    const dirty = execFileSync('git', ['status', '--porcelain'], { encoding: 'utf8' }).trim() !== ''
    return dirty ? `${head} + uncommitted changes` : head
  } catch {
    return 'unknown'
  }
}

test('bench', async ({ baseURL }) => {
  const opts = loadOptions()
  const loadBefore = loadavg()
  const lab = await Lab.launch(baseURL!)
  const results = new Map<string, Row[]>()
  const notes: string[] = []
  const unsettled: string[] = []
  const ctx: BenchContext = { lab, opts, results, breakdowns: new Map(), tables: [], log: (m) => console.log(`[bench] ${m}`) }
  const started = performance.now()
  ctx.log(`load average at the start (1, 5, 15 min): ${loadBefore.map((x) => x.toFixed(2)).join(' ')}`)
  let chromium = await lab.version()
  if (chromium === 'unknown') chromium = execFileSync(CHROMIUM_PATH, ['--version'], { encoding: 'utf8' }).trim()
  try {
    for (const name of SCENARIOS) {
      if (!opts.only.has(name)) continue
      const quiet = await settle()
      ctx.log(`${name}: machine quiet after ${(quiet.waitedMs / 1000).toFixed(1)} s (${(100 * quiet.idle).toFixed(0)} % idle)`)
      if (quiet.waitedMs >= SETTLE_MAX_MS) unsettled.push(`${name} (${(100 * quiet.idle).toFixed(0)} % idle)`)
      const t0 = performance.now()
      try {
        results.set(name, await withDeadline(RUNNERS[name](ctx), SCENARIO_DEADLINE_MS, name))
      } catch (err) {
        const message = `${name} failed: ${(err as Error).message.split('\n')[0]}`
        notes.push(message)
        console.error(`[bench] ${message}`)
      }
      ctx.log(`${name} took ${((performance.now() - t0) / 1000).toFixed(0)} s`)
    }
  } finally {
    await lab.close()
  }
  const cpu = cpus()
  const loadAfter = loadavg()
  ctx.log(`load average at the end (1, 5, 15 min): ${loadAfter.map((x) => x.toFixed(2)).join(' ')}`)
  const result: BenchResult = {
    date: new Date().toISOString(),
    options: {
      quick: opts.quick,
      runs: opts.runs,
      streamRuns: opts.streamRuns,
      sizeMiB: opts.size / 2 ** 20,
      swarmSizeMiB: opts.swarmSize / 2 ** 20,
      heapSizeMiB: opts.heapSize / 2 ** 20,
      only: [...opts.only],
      commit: gitCommit(),
      wallSeconds: Math.round((performance.now() - started) / 1000),
    },
    machine: {
      cores: cpu.length,
      cpuModel: cpu[0]?.model.trim() ?? 'unknown',
      memoryGiB: totalmem() / 2 ** 30,
      chromium,
      node: process.version,
      network: opts.netns,
      loadBefore,
      loadAfter,
    },
    notes: [
      'Every peer is a page on its own origin (own loopback address) in one Chromium with a disk-backed profile; CPU = utime+stime of all its processes during the transfer. MB = 10^6 bytes.',
      // The load average lags by minutes (a bench just before raises it); the idle samples before each scenario do not.
      ...(unsettled.length > 0 ? [`The machine stayed busy before ${unsettled.join(', ')} (${SETTLE_MAX_MS / 1000} s waited): those figures are noisy; compare only figures from a quiet run.`] : []),
      ...notes,
    ],
    rows: [...results.values()].flat(),
    tables: ctx.tables,
  }
  writeResult(result)
  writeBreakdowns(ctx.breakdowns)
  console.log('\n' + textTable(result) + '\n')
  console.log('[bench] wrote e2e/artifacts/bench/latest.json and latest.md')
})
