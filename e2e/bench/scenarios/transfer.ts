// (2) one seeder → one leecher, and (3) a seeder capped at 4 MB/s → 4 leechers at once. Each client
// seeds to its own kind, with its own tracker; leechers are fresh pages (own origins) every run.
import { CLIENTS, MB, testFile, withTrackers, type BenchContext } from '../context.ts'
import { openPeer, type ClientKind } from '../peers.ts'
import { stat, type Row, type Stat } from '../report.ts'

const SWARM_CAP = 4e6
const SWARM_LEECHERS = 4

interface OneToOne {
  mbps: Stat
  cpuPerMB: Stat
}

async function oneToOne(ctx: BenchContext, kind: ClientKind): Promise<OneToOne> {
  const size = ctx.opts.size
  const path = await testFile(`one-to-one-${kind}`, size, kind === 'swarmstream' ? 21 : 22)
  return withTrackers(async (newTracker) => {
    const tracker = await newTracker()
    const seeder = await openPeer(ctx.lab, kind, tracker.url, `${kind} seeder`)
    const { magnet, infoHash } = await seeder.seed(path)
    const mbps: number[] = []
    const cpu: number[] = []
    for (let run = 0; run < ctx.opts.runs; run++) {
      const leecher = await openPeer(ctx.lab, kind, tracker.url, `${kind} leecher`)
      const cpu0 = ctx.lab.cpuSeconds()
      const ms = await leecher.download(magnet)
      const cpuSeconds = ctx.lab.cpuSeconds() - cpu0
      mbps.push(size / MB / (ms / 1000))
      cpu.push(cpuSeconds / (size / MB))
      ctx.log(`one-to-one ${kind} run ${run + 1}: ${(size / MB / (ms / 1000)).toFixed(1)} MB/s, ${cpuSeconds.toFixed(1)} CPU-s`)
      await leecher.dispose(infoHash)
    }
    await seeder.dispose(infoHash)
    return { mbps: stat(mbps), cpuPerMB: stat(cpu) }
  })
}

export async function runOneToOne(ctx: BenchContext): Promise<Row[]> {
  const [ss, wt] = [await oneToOne(ctx, CLIENTS[0]!), await oneToOne(ctx, CLIENTS[1]!)]
  const limit = ctx.results.get('limit')
  const limitMbps = limit?.[0]?.value
  const limitCpu = limit?.[1]?.value
  const size = `${(ctx.opts.size / 2 ** 20).toFixed(0)} MiB`
  return [
    {
      scenario: 'one-to-one',
      figure: `Swarmstream 1→1, ${size}, add → done`,
      unit: 'MB/s',
      value: ss.mbps,
      references: [...(limitMbps ? [{ label: 'limit', value: limitMbps }] : []), { label: 'WebTorrent', value: wt.mbps }],
      target: '≥ 90 % of limit',
      met: limitMbps ? ss.mbps.median >= 0.9 * limitMbps.median : null,
    },
    {
      scenario: 'one-to-one',
      figure: 'Swarmstream 1→1 browser CPU',
      unit: 'CPU-s/MB',
      value: ss.cpuPerMB,
      references: [...(limitCpu ? [{ label: 'limit', value: limitCpu }] : []), { label: 'WebTorrent', value: wt.cpuPerMB }],
      target: '≤ 1.25× limit',
      met: limitCpu ? ss.cpuPerMB.median <= 1.25 * limitCpu.median : null,
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
      target: '≤ 1.25× seed-once bound',
      met: ss.seconds.median <= 1.25 * bound,
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
