// (2) one seeder → one leecher, and (3) a seeder capped at 4 MB/s → 4 leechers at once. Each client
// seeds to its own kind, with its own tracker; leechers are fresh pages (own origins) every run. 1→1 also
// records CPU by process and channel messages per run, and profiles both pages in one extra run.
import { breakdownTables, profileTransfer, summarizeRuns, TransferProbe, type RunMeasure } from '../breakdown.ts'
import { CLIENTS, MB, testFile, withTrackers, type BenchContext } from '../context.ts'
import { CLIENT_LABELS, namerFor, openPeer, type ClientKind } from '../peers.ts'
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
      const probe = await TransferProbe.start(ctx.lab, seeder.page, leecher.page)
      const ms = await leecher.download(magnet)
      const measure = await probe.stop(size)
      const cpuSeconds = [...measure.cpu.values()].reduce((a, b) => a + b, 0)
      runs.push(measure)
      mbps.push(size / MB / (ms / 1000))
      cpu.push((1000 * cpuSeconds) / (size / MB))
      if (pairRaw) ratios.push(cpu.at(-1)! / rawCpu.at(-1)!)
      ctx.log(`one-to-one ${label} run ${run + 1}: ${(size / MB / (ms / 1000)).toFixed(1)} MB/s, ${cpuSeconds.toFixed(1)} CPU-s, ${roles(measure)}`)
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
    for (let run = 0; run < ctx.opts.runs; run++) {
      const leechers = []
      for (let i = 0; i < SWARM_LEECHERS; i++) leechers.push(await openPeer(ctx.lab, kind, tracker.url, `${kind} swarm leecher ${i + 1}`))
      await settle()
      const up0 = await seeder.uploaded(infoHash)
      const t0 = performance.now()
      await Promise.all(leechers.map((l) => l.download(magnet)))
      const s = (performance.now() - t0) / 1000
      const up = (await seeder.uploaded(infoHash)) - up0
      seconds.push(s)
      share.push((100 * up) / (SWARM_LEECHERS * size))
      ctx.log(`swarm ${kind} run ${run + 1}: all done in ${s.toFixed(1)} s, seeder sent ${(up / MB).toFixed(1)} MB`)
      for (const l of leechers) await l.dispose(infoHash)
    }
    await seeder.dispose(infoHash)
    return { seconds: stat(seconds), seederShare: stat(share) }
  })
}

export async function runSwarm(ctx: BenchContext): Promise<Row[]> {
  const [ss, wt] = [await swarm(ctx, CLIENTS[0]!), await swarm(ctx, CLIENTS[1]!)]
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
  ]
}
