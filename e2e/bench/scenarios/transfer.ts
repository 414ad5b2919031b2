// (2) one seeder → one leecher, and (3) a seeder capped at 4 MB/s → 4 leechers at once. Each client
// seeds to its own kind, with its own tracker; leechers are fresh pages (own origins) every run. 1→1 also
// records CPU by process and channel messages per run, and profiles both pages in one extra run; so does the swarm (all its pages).
import { cpus } from 'node:os'
import { breakdownTables, profileTransfer, summarizeRuns, TransferProbe, type Breakdown, type ProfilePair, type RunMeasure } from '../breakdown.ts'
import { CLIENTS, MB, testFile, withTrackers, type BenchContext } from '../context.ts'
import { CLIENT_LABELS, namerFor, openPeer, type BenchPeer, type ClientKind } from '../peers.ts'
import { stat, type Row, type Stat } from '../report.ts'
import { settle } from '../settle.ts'
import { LIMIT_LABEL, rawRun } from './limit.ts'

const SWARM_CAP = 4e6
const SWARM_LEECHERS = 4

interface OneToOne {
  mbps: Stat
  cpuMsPerMB: Stat
  /** Swarmstream only: a raw-channel run just before each of ours, and each run's CPU ÷ its raw run's. */
  paired?: { rawCpuMsPerMB: Stat; ratio: Stat }
}

/** Who takes part in 1→1: WebTorrent 2.8.5 was the faster reference on this machine, so both versions run. */
const ONE_TO_ONE: ClientKind[] = ['swarmstream', 'webtorrent', 'webtorrent-2']
/**
 * Both Swarmstream pages with IndexedDB storage (`?storage=indexeddb`), the fallback where OPFS is missing:
 * the leecher writes to IndexedDB and the seeder keeps serving from the dropped file (cheaper than IndexedDB).
 */
export const IDB_LABEL = 'Swarmstream, IndexedDB storage'

async function oneToOne(ctx: BenchContext, kind: ClientKind, idb = false): Promise<OneToOne> {
  const size = ctx.opts.size
  const label = idb ? IDB_LABEL : CLIENT_LABELS[kind]
  const params = idb ? { appParams: { storage: 'indexeddb' } } : {}
  const path = await testFile(`one-to-one-${kind}`, size, SEEDS[kind])
  return withTrackers(async (newTracker) => {
    const tracker = await newTracker()
    const seeder = await openPeer(ctx.lab, kind, tracker.url, `${label} seeder`, params)
    const { magnet, infoHash } = await seeder.seed(path)
    await seeder.settle(infoHash)
    const mbps: number[] = []
    const cpu: number[] = []
    const runs: RunMeasure[] = []
    const rawCpu: number[] = []
    const ratios: number[] = []
    // The machine's speed drifts over minutes: a raw run right before each of ours makes a ratio that drift cancels out of.
    const pairRaw = kind === 'swarmstream' && !idb
    for (let run = 0; run < ctx.opts.runs; run++) {
      if (pairRaw) rawCpu.push((await rawRun(ctx, 16 * 1024, `one-to-one paired raw channel run ${run + 1}`)).cpuMsPerMB)
      const leecher = await openPeer(ctx.lab, kind, tracker.url, `${label} leecher`, params)
      const probe = await TransferProbe.start(ctx.lab, seeder.page, [leecher.page])
      const ms = await leecher.download(magnet)
      const measure = await probe.stop(size)
      const used = cpuSeconds(measure)
      runs.push(measure)
      mbps.push(size / MB / (ms / 1000))
      cpu.push((1000 * used) / (size / MB))
      if (pairRaw) ratios.push(cpu.at(-1)! / rawCpu.at(-1)!)
      ctx.log(`one-to-one ${label} run ${run + 1}: ${(size / MB / (ms / 1000)).toFixed(1)} MB/s, ${used.toFixed(1)} CPU-s, ${roles(measure)}`)
      await leecher.dispose(infoHash)
    }
    const breakdown = summarizeRuns(label, runs)
    const leecher = await openPeer(ctx.lab, kind, tracker.url, `${label} profiled leecher`, params)
    breakdown.profile = await profileTransfer({ page: seeder.page, namer: namerFor(kind) }, { page: leecher.page, namer: namerFor(kind) }, size, async () => {
      await leecher.download(magnet)
    })
    await leecher.dispose(infoHash)
    ctx.breakdowns.set(label, breakdown)
    await seeder.dispose(infoHash)
    return { mbps: stat(mbps), cpuMsPerMB: stat(cpu), ...(pairRaw ? { paired: { rawCpuMsPerMB: stat(rawCpu), ratio: stat(ratios) } } : {}) }
  })
}

const SEEDS: Record<ClientKind, number> = { swarmstream: 21, webtorrent: 22, 'webtorrent-2': 23 }

const CORES = cpus().length

function cpuSeconds(m: RunMeasure): number {
  return [...m.cpu.values()].reduce((a, b) => a + b, 0)
}

function roles(m: RunMeasure): string {
  return [...m.cpu].map(([role, s]) => `${role} ${s.toFixed(1)}`).join(', ')
}

export async function runOneToOne(ctx: BenchContext): Promise<Row[]> {
  const [ss, wt3, wt2] = [await oneToOne(ctx, ONE_TO_ONE[0]!), await oneToOne(ctx, ONE_TO_ONE[1]!), await oneToOne(ctx, ONE_TO_ONE[2]!)]
  const idb = await oneToOne(ctx, 'swarmstream', true)
  const limit = ctx.results.get('limit')
  const limitMbps = limit?.[0]?.value
  const limitCpu = limit?.[1]?.value
  const fasterWt = Math.max(wt3.mbps.median, wt2.mbps.median)
  const wtRefs = (pick: (o: OneToOne) => Stat) => [
    { label: 'WebTorrent 3', value: pick(wt3) },
    { label: 'WebTorrent 2.8.5', value: pick(wt2) },
  ]
  const size = `${(ctx.opts.size / 2 ** 20).toFixed(0)} MiB`
  const order = [LIMIT_LABEL, CLIENT_LABELS.swarmstream, IDB_LABEL, CLIENT_LABELS['webtorrent-2'], CLIENT_LABELS.webtorrent]
  ctx.tables.push(...breakdownTables(order.map((l) => ctx.breakdowns.get(l)).filter((b) => b !== undefined)))
  return [
    {
      scenario: 'one-to-one',
      figure: `Swarmstream 1→1, ${size}, add → done`,
      unit: 'MB/s',
      value: ss.mbps,
      references: [...(limitMbps ? [{ label: 'limit', value: limitMbps }] : []), ...wtRefs((o) => o.mbps)],
      target: '≥ 0.90× limit and ≥ 1.2× the faster WebTorrent',
      met: limitMbps ? ss.mbps.median >= 0.9 * limitMbps.median && ss.mbps.median >= 1.2 * fasterWt : null,
    },
    {
      scenario: 'one-to-one',
      figure: 'Swarmstream 1→1 browser CPU',
      unit: 'CPU ms/MB',
      value: ss.cpuMsPerMB,
      references: [
        ...(limitCpu ? [{ label: 'limit', value: limitCpu }] : []),
        ...(ss.paired ? [{ label: 'raw channel, a run just before each of ours', value: ss.paired.rawCpuMsPerMB }] : []),
        ...wtRefs((o) => o.cpuMsPerMB),
      ],
      target: '≤ 1.25× limit (judged on the paired runs: next row)',
      met: ss.paired ? ss.paired.ratio.median <= 1.25 : limitCpu ? ss.cpuMsPerMB.median <= 1.25 * limitCpu.median : null,
    },
    ...(ss.paired
      ? [
          {
            scenario: 'one-to-one',
            figure: 'Swarmstream 1→1 browser CPU ÷ the raw 16 KiB channel run just before it',
            unit: '×',
            value: ss.paired.ratio,
            references: limitCpu ? [{ label: 'medians of the separate runs', value: stat([ss.cpuMsPerMB.median / limitCpu.median]) }] : [],
            target: '≤ 1.25',
            met: ss.paired.ratio.median <= 1.25,
          },
        ]
      : []),
    {
      scenario: 'one-to-one',
      figure: 'same with IndexedDB storage (the fallback; the seeder serves from the dropped file)',
      unit: 'MB/s',
      value: idb.mbps,
      references: [{ label: 'OPFS (default)', value: ss.mbps }],
      target: '',
      met: null,
    },
    {
      scenario: 'one-to-one',
      figure: 'same with IndexedDB storage, browser CPU',
      unit: 'CPU ms/MB',
      value: idb.cpuMsPerMB,
      references: [{ label: 'OPFS (default)', value: ss.cpuMsPerMB }],
      target: '',
      met: null,
    },
  ]
}

interface SwarmResult {
  seconds: Stat
  seederShare: Stat
  /** Browser CPU per MB the leechers received, all processes. */
  cpuMsPerMB: Stat
  /** The least time the browser's CPU seconds take on this machine's cores: the swarm is CPU-bound on a slow host. */
  cpuFloor: Stat
  /** By process, the leechers' pages as one "leecher page"; Swarmstream's with a profile of the seeder and the first leecher. */
  breakdown: Breakdown
}

async function swarm(ctx: BenchContext, kind: ClientKind): Promise<SwarmResult> {
  const size = ctx.opts.swarmSize
  const path = await testFile(`swarm-${kind}`, size, kind === 'swarmstream' ? 31 : 32)
  return withTrackers(async (newTracker) => {
    const tracker = await newTracker()
    const seeder = await openPeer(ctx.lab, kind, tracker.url, `${kind} swarm seeder`)
    const { magnet, infoHash } = await seeder.seed(path)
    await seeder.setUploadLimit(SWARM_CAP)
    const seconds: number[] = []
    const share: number[] = []
    const runs: RunMeasure[] = []
    // Swarmstream gets one more run, profiled (seeder and first leecher), that no figure but the profile counts.
    const profiledRun = kind === 'swarmstream' ? ctx.opts.runs : -1
    let profile: ProfilePair | undefined
    for (let run = 0; run < ctx.opts.runs + (profiledRun >= 0 ? 1 : 0); run++) {
      const leechers: BenchPeer[] = []
      for (let i = 0; i < SWARM_LEECHERS; i++) leechers.push(await openPeer(ctx.lab, kind, tracker.url, `${kind} swarm leecher ${i + 1}`))
      await settle()
      const all = () => Promise.all(leechers.map((l) => l.download(magnet)))
      if (run === profiledRun) {
        profile = await profileTransfer({ page: seeder.page, namer: namerFor(kind) }, { page: leechers[0]!.page, namer: namerFor(kind) }, size, async () => {
          await all()
        })
        ctx.log(`swarm ${kind} profiled run done`)
      } else {
        const up0 = await seeder.uploaded(infoHash)
        const probe = await TransferProbe.start(ctx.lab, seeder.page, leechers.map((l) => l.page))
        const t0 = performance.now()
        await all()
        const s = (performance.now() - t0) / 1000
        const measure = await probe.stop(SWARM_LEECHERS * size)
        const up = (await seeder.uploaded(infoHash)) - up0
        seconds.push(s)
        share.push((100 * up) / (SWARM_LEECHERS * size))
        runs.push(measure)
        ctx.log(`swarm ${kind} run ${run + 1}: all done in ${s.toFixed(1)} s, seeder sent ${(up / MB).toFixed(1)} MB, ${cpuSeconds(measure).toFixed(1)} CPU-s (${roles(measure)})`)
      }
      for (const l of leechers) await l.dispose(infoHash)
    }
    await seeder.dispose(infoHash)
    const breakdown = summarizeRuns(CLIENT_LABELS[kind], runs)
    if (profile) breakdown.profile = profile
    const cpuMsPerMB = stat(runs.map((m) => (1000 * cpuSeconds(m)) / m.mb))
    return { seconds: stat(seconds), seederShare: stat(share), cpuMsPerMB, cpuFloor: stat(runs.map((m) => cpuSeconds(m) / CORES)), breakdown }
  })
}

const SWARM_PAGES_NOTE = `"leecher page" is the ${SWARM_LEECHERS} leechers' pages together, per MB they received in all; each byte was sent once by the seeder or a leecher, so these compare with 1→1's.`

export async function runSwarm(ctx: BenchContext): Promise<Row[]> {
  const [ss, wt] = [await swarm(ctx, CLIENTS[0]!), await swarm(ctx, CLIENTS[1]!)]
  ctx.tables.push(...breakdownTables([ss.breakdown, wt.breakdown], 'swarm', SWARM_PAGES_NOTE))
  const bound = ctx.opts.swarmSize / SWARM_CAP
  const size = `${(ctx.opts.swarmSize / 2 ** 20).toFixed(0)} MiB`
  return [
    {
      scenario: 'swarm',
      figure: `Swarmstream seeder capped 4 MB/s → ${SWARM_LEECHERS} leechers × ${size}, all done`,
      unit: 's',
      value: ss.seconds,
      references: [
        { label: 'seed-once bound', value: bound },
        { label: `CPU floor (browser CPU-s ÷ ${CORES} cores)`, value: ss.cpuFloor },
        { label: 'WebTorrent', value: wt.seconds },
      ],
      target: '≤ 1.15× seed-once bound',
      met: ss.seconds.median <= 1.15 * bound,
    },
    {
      scenario: 'swarm',
      figure: `share of the ${SWARM_LEECHERS}× bytes uploaded by the seeder`,
      unit: '%',
      value: ss.seederShare,
      references: [
        { label: 'seed-once', value: 100 / SWARM_LEECHERS },
        { label: 'WebTorrent', value: wt.seederShare },
      ],
      target: '',
      met: null,
    },
    {
      scenario: 'swarm',
      figure: `browser CPU per MB the leechers received`,
      unit: 'CPU ms/MB',
      value: ss.cpuMsPerMB,
      references: [{ label: 'WebTorrent', value: wt.cpuMsPerMB }],
      target: '',
      met: null,
    },
  ]
}
