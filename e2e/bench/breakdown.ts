// Where a transfer's CPU goes: CPU time by process (seeder page, leecher page, network service, browser,
// storage), data-channel messages, and a sampled profile of both pages; then the side-by-side tables
// (the raw channel, Swarmstream and the WebTorrents) that the bench prints after its figures.
import { mkdirSync, writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import type { Page } from '@playwright/test'
import { readChannelCounts, type ChannelCounts } from './channel-counts.ts'
import type { Lab } from './lab.ts'
import type { CpuSnapshot } from './processes.ts'
import { startProfile, type Namer, type PageProfile } from './profile.ts'
import { ARTIFACTS, stat, type ExtraTable } from './report.ts'

/** Process roles, in table order; a page's renderer is named by its role in the transfer. */
export const ROLES = ['seeder page', 'leecher page', 'network', 'browser', 'storage', 'gpu', 'other renderers', 'other'] as const

export interface RunMeasure {
  mb: number
  /** CPU seconds by role. */
  cpu: Map<string, number>
  seeder: ChannelCounts
  leecher: ChannelCounts
}

function minus(a: ChannelCounts, b: ChannelCounts): ChannelCounts {
  return { sends: a.sends - b.sends, sentBytes: a.sentBytes - b.sentBytes, messages: a.messages - b.messages, receivedBytes: a.receivedBytes - b.receivedBytes }
}

function plus(a: ChannelCounts, b: ChannelCounts): ChannelCounts {
  return { sends: a.sends + b.sends, sentBytes: a.sentBytes + b.sentBytes, messages: a.messages + b.messages, receivedBytes: a.receivedBytes + b.receivedBytes }
}

/** The leechers' counts summed. */
async function leecherCounts(leechers: readonly Page[]): Promise<ChannelCounts> {
  let sum: ChannelCounts = { sends: 0, sentBytes: 0, messages: 0, receivedBytes: 0 }
  for (const page of leechers) sum = plus(sum, await readChannelCounts(page))
  return sum
}

/** Snapshots taken around one transfer (the seeder sends, the leechers receive; several count as one "leecher page"). */
export class TransferProbe {
  private constructor(
    private readonly lab: Lab,
    private readonly seeder: Page,
    private readonly leechers: readonly Page[],
    private readonly cpu0: CpuSnapshot,
    private readonly counts0: [ChannelCounts, ChannelCounts],
  ) {}

  static async start(lab: Lab, seeder: Page, leechers: readonly Page[]): Promise<TransferProbe> {
    const counts0: [ChannelCounts, ChannelCounts] = [await readChannelCounts(seeder), await leecherCounts(leechers)]
    return new TransferProbe(lab, seeder, leechers, lab.cpuSnapshot(), counts0)
  }

  async stop(bytes: number): Promise<RunMeasure> {
    const cpu1 = this.lab.cpuSnapshot()
    const pages = new Map<number, string>()
    const s = this.lab.rendererPid(this.seeder)
    if (s !== undefined) pages.set(s, 'seeder page')
    for (const leecher of this.leechers) {
      const l = this.lab.rendererPid(leecher)
      if (l !== undefined) pages.set(l, 'leecher page')
    }
    const [seeder, leecher] = [await readChannelCounts(this.seeder), await leecherCounts(this.leechers)]
    return {
      mb: bytes / 1e6,
      cpu: cpu1.since(this.cpu0, pages),
      seeder: minus(seeder, this.counts0[0]),
      leecher: minus(leecher, this.counts0[1]),
    }
  }
}

export interface ProfilePair {
  mb: number
  seeder: PageProfile
  leecher: PageProfile
}

export interface Breakdown {
  label: string
  /** Median CPU ms per MB by role, and 'total'. */
  cpuMsPerMB: Map<string, number>
  /** Median data-channel send() calls per MB, by the seeder and by the leecher(s); bytes per send of each. */
  seederSendsPerMB: number
  leecherSendsPerMB: number
  seederBytesPerSend: number
  leecherBytesPerSend: number
  profile?: ProfilePair
}

export function summarizeRuns(label: string, runs: RunMeasure[]): Breakdown {
  const roles = new Set<string>(['total'])
  for (const r of runs) for (const role of r.cpu.keys()) roles.add(role)
  const cpuMsPerMB = new Map<string, number>()
  for (const role of roles) {
    const perRun = runs.map((r) => (1000 * (role === 'total' ? [...r.cpu.values()].reduce((a, b) => a + b, 0) : (r.cpu.get(role) ?? 0))) / r.mb)
    cpuMsPerMB.set(role, stat(perRun).median)
  }
  return {
    label,
    cpuMsPerMB,
    seederSendsPerMB: stat(runs.map((r) => r.seeder.sends / r.mb)).median,
    leecherSendsPerMB: stat(runs.map((r) => r.leecher.sends / r.mb)).median,
    seederBytesPerSend: stat(runs.map((r) => r.seeder.sentBytes / Math.max(1, r.seeder.sends))).median,
    leecherBytesPerSend: stat(runs.map((r) => r.leecher.sentBytes / Math.max(1, r.leecher.sends))).median,
  }
}

/** Profiles both pages while `transfer` runs (a run of its own: sampling costs a little CPU). */
export async function profileTransfer(
  seeder: { page: Page; namer?: Namer },
  leecher: { page: Page; namer?: Namer },
  bytes: number,
  transfer: () => Promise<void>,
): Promise<ProfilePair> {
  const a = await startProfile(seeder.page, seeder.namer)
  const b = await startProfile(leecher.page, leecher.namer)
  await transfer()
  return { mb: bytes / 1e6, seeder: await a.stop(), leecher: await b.stop() }
}

const PAGES_NOTE = 'Pages are the two renderers (raw channel: sender = seeder, receiver = leecher); "browser" includes storage when Chromium runs it in-process.'

const f1 = (x: number) => (x >= 100 ? x.toFixed(0) : x.toFixed(1))

/** CPU by process, channel messages and top profile costs, one column per client; `what` names the scenario. */
export function breakdownTables(list: Breakdown[], what = '1→1', notes = PAGES_NOTE, topN = 12): ExtraTable[] {
  if (list.length === 0) return []
  const header = ['', ...list.map((b) => b.label)]
  const cpuRows = [...ROLES, 'total' as const]
    .filter((role) => list.some((b) => (b.cpuMsPerMB.get(role) ?? 0) >= 0.05))
    .map((role) => [role, ...list.map((b) => f1(b.cpuMsPerMB.get(role) ?? 0))])
  const counts = [
    ['seeder send() calls per MB', ...list.map((b) => f1(b.seederSendsPerMB))],
    ['seeder bytes per send()', ...list.map((b) => b.seederBytesPerSend.toFixed(0))],
    ['leecher send() calls per MB', ...list.map((b) => f1(b.leecherSendsPerMB))],
    ['leecher bytes per send()', ...list.map((b) => b.leecherBytesPerSend.toFixed(0))],
  ]
  const profiled = list.filter((b) => b.profile)
  const tables: ExtraTable[] = [
    {
      title: `Browser CPU by process, ${what} (CPU ms per MB, medians of the timed runs)`,
      header,
      rows: [...cpuRows, ...counts],
      notes: [notes],
    },
  ]
  if (profiled.length > 0) {
    tables.push({
      title: `Top costs per MB, ${what} (sampled main-thread profile of the seeder page and one leecher page, self wall ms per MB that leecher received; S = seeder page, L = leecher page)`,
      header: ['#', ...profiled.map((b) => b.label)],
      rows: [
        ['busy', ...profiled.map((b) => busyCell(b.profile!))],
        ...Array.from({ length: topN }, (_, i) => [String(i + 1), ...profiled.map((b) => topCosts(b.profile!)[i] ?? '')]),
      ],
      notes: [
        'One extra profiled run per client. The sampler counts wall time on the main thread: time blocked inside a native call (send(), an IndexedDB put) counts as that call. "(program)" is native work outside JS functions (event dispatch, rendering, IPC); "(garbage collector)" is GC. Top 60 per page: e2e/artifacts/bench/breakdowns.json.',
      ],
    })
  }
  return tables
}

function busyCell(p: ProfilePair): string {
  return `S ${f1(p.seeder.busyMs / p.mb)} (GC ${f1(p.seeder.gcMs / p.mb)}), L ${f1(p.leecher.busyMs / p.mb)} (GC ${f1(p.leecher.gcMs / p.mb)})`
}

function topCosts(p: ProfilePair): string[] {
  const all = [
    ...p.seeder.costs.map((c) => ({ ...c, page: 'S' })),
    ...p.leecher.costs.map((c) => ({ ...c, page: 'L' })),
  ].sort((a, b) => b.ms - a.ms)
  return all.map((c) => `${c.page} ${f1(c.ms / p.mb)} ${c.name}`)
}

/** Every breakdown with the top 60 functions of each page, ms per MB, to e2e/artifacts/bench/breakdowns.json. */
export function writeBreakdowns(breakdowns: ReadonlyMap<string, Breakdown>): void {
  if (breakdowns.size === 0) return
  const perMB = (p: PageProfile, mb: number) => ({
    busy: p.busyMs / mb,
    gc: p.gcMs / mb,
    program: p.programMs / mb,
    top: p.costs.slice(0, 60).map((c) => ({ name: c.name, msPerMB: c.ms / mb })),
  })
  const out = [...breakdowns.values()].map((b) => ({
    label: b.label,
    cpuMsPerMB: Object.fromEntries(b.cpuMsPerMB),
    seederSendsPerMB: b.seederSendsPerMB,
    leecherSendsPerMB: b.leecherSendsPerMB,
    seederBytesPerSend: b.seederBytesPerSend,
    leecherBytesPerSend: b.leecherBytesPerSend,
    profile: b.profile ? { seeder: perMB(b.profile.seeder, b.profile.mb), leecher: perMB(b.profile.leecher, b.profile.mb) } : null,
  }))
  mkdirSync(ARTIFACTS, { recursive: true })
  writeFileSync(resolve(ARTIFACTS, 'breakdowns.json'), JSON.stringify(out, null, 2) + '\n')
}
