/**
 * Flash crowd: one seeder capped at 4 MB/s, N leechers arriving within 10 s with the brief's uplink mix;
 * they leave once done, or stay and seed. Also the source of the last-pieces (endgame) figures.
 */
import { SwarmTrace } from '../swarm-trace.ts'
import { byClass, distribution, doneSince, fluidBound, lastPieces, seederFigures, seederShare, wasteShare } from '../metrics.ts'
import { MB, leechers, seeder, uniformArrivals } from '../population.ts'
import { fork } from '../random.ts'
import { availabilityPlot, fmtDist, rounded, runFigures, scenarioContent, speedOf, table, target, type ScenarioOptions, type ScenarioOutput } from '../scenario.ts'
import { Simulation } from '../simulation.ts'
import { Timeline } from '../timeline.ts'
import { barChart, cdf, lineChart } from '../svg.ts'

export const SEEDER_CAP = 4 * MB
export const JOIN_WINDOW_MS = 10_000

export interface SwarmRun {
  sim: Simulation
  output: ScenarioOutput
}

export async function flashCrowd(opts: ScenarioOptions): Promise<SwarmRun> {
  const n = opts.peers ?? 1000
  const stay = opts.stay ?? false
  const linger = stay ? 0 : (opts.lingerSeconds ?? 0)
  const content = scenarioContent(opts.sizeMiB)
  const rng = fork(opts.seed, 'population')
  const joinAt = uniformArrivals(n, 0, JOIN_WINDOW_MS, rng)
  const specs = [seeder({ up: 20 * MB, down: 50 * MB, uploadLimit: SEEDER_CAP }), ...leechers({ rng, joinAt, ...(stay ? {} : { leave: linger > 0 ? { afterDoneMs: 1000 * linger } : ('done' as const) }) })]
  const sim = new Simulation({ seed: opts.seed, content, peers: specs, resolutionMs: opts.resolutionMs ?? 1, progress: opts.progress })
  const seeders = sim.peers.filter((p) => p.spec.role === 'seeder')
  const ls = sim.peers.filter((p) => p.spec.role === 'leecher')
  const bound = fluidBound(content.info.length, seeders, ls)
  const trace = opts.trace ? new SwarmTrace(sim, ls) : null
  const timeline = opts.timeline ? new Timeline(sim) : null
  const result = await sim.run(Math.max(600_000, 30_000 * bound.seconds), () => ls.every((p) => p.doneAt !== null))
  if (trace) console.error(trace.report())
  await timeline?.write(opts.timeline!)
  const t0 = Math.min(...ls.map((p) => p.spec.joinAtMs))
  const sinceStart = doneSince(ls, () => t0)
  const sinceJoin = doneSince(ls, (p) => p.joinedAt!)
  const completion = distribution(sinceStart)
  const classes = byClass(ls)
  const tail = lastPieces(ls)
  const figures = rounded({
    fluidBound: bound,
    completionSinceStart: completion,
    downloadTime: distribution(sinceJoin),
    medianOverBound: completion.median / bound.seconds,
    p95OverBound: completion.p95 / bound.seconds,
    seederShare: seederShare(sim),
    seeder: seederFigures(sim, t0),
    wastedShare: wasteShare(ls),
    byClass: classes,
    lastPieces: tail,
    minAvailability: Math.min(...result.samples.filter((s) => s.t > t0 + JOIN_WINDOW_MS).map((s) => s.minAvailability)),
    tracker: { announces: sim.tracker.announces, offers: sim.tracker.offersRelayed, connections: sim.tracker.connections },
  })
  const variant = `${n}-${stay ? 'stay' : linger > 0 ? `linger${linger}` : 'leave'}`
  const targets =
    n >= 1000
      ? [target('median completion ÷ fluid bound', figures.medianOverBound, 1.15, '<='), target('p95 completion ÷ fluid bound', figures.p95OverBound, 1.3, '<=')]
      : []
  const title = `Flash crowd: ${n} leechers ${stay ? 'stay to seed' : linger > 0 ? `leave ${linger} s after done` : 'leave when done'}`
  const output: ScenarioOutput = {
    path: `flash-crowd/${variant}`,
    title,
    params: { seed: opts.seed, leechers: n, stay, ...(linger > 0 ? { lingerSeconds: linger } : {}), sizeMiB: opts.sizeMiB ?? 64, pieceLength: content.info.pieceLength, seederCap: SEEDER_CAP, joinWindowMs: JOIN_WINDOW_MS },
    figures,
    targets,
    plots: [
      {
        file: 'completion.svg',
        caption: 'Completion time of each leecher, from the crowd’s first arrival, against the fluid-model bound.',
        svg: lineChart({
          title: `${title}: completion (CDF)`,
          xLabel: 'seconds since the first leecher arrived',
          yLabel: 'fraction of leechers done',
          series: [{ name: 'since first arrival', points: cdf(sinceStart), step: true }, { name: 'since own arrival', points: cdf(sinceJoin), step: true, dashed: true }],
          markers: [{ x: bound.seconds, label: `bound ${bound.seconds.toFixed(1)} s` }, { x: 1.15 * bound.seconds, label: '×1.15' }],
          yMax: 1,
          xMin: 0,
        }),
      },
      availabilityPlot(result.samples, n, `${title}: availability`),
      {
        file: 'ratio-by-class.svg',
        caption: 'Upload ÷ download of each uplink class (all its leechers together).',
        svg: barChart({ title: `${title}: share ratio by uplink class`, yLabel: 'uploaded ÷ downloaded', categories: classes.map((c) => c.cls), series: [{ name: 'uploaded ÷ downloaded', values: classes.map((c) => c.ratio) }], markers: [{ y: 1, label: '1' }] }),
      },
    ],
    tables: [
      table(
        ['figure', 'value'],
        [
          ['fluid bound (s)', `${bound.seconds.toFixed(2)} (seeder ${bound.seederTerm.toFixed(2)}, swarm ${bound.swarmTerm.toFixed(2)}, downlink ${bound.downlinkTerm.toFixed(2)})`],
          ['completion since first arrival', fmtDist(completion)],
          ['median ÷ bound, p95 ÷ bound', `${figures.medianOverBound} / ${figures.p95OverBound}`],
          ['download time (own arrival → done)', fmtDist(figures.downloadTime)],
          ['seeder share of uploaded bytes', `${(100 * figures.seederShare).toFixed(2)} %`],
          ['seeder uploaded (copies of the torrent); blocks it sent twice or more', `${figures.seeder.copies} copies; ${(100 * figures.seeder.resentBlocks).toFixed(1)} %`],
          ['every block out of the seeder once, since first arrival (F/u_s = ' + bound.seederTerm.toFixed(1) + ' s)', `${figures.seeder.firstCopyOut ?? '–'} s`],
          ['block bytes thrown away (duplicates, late copies)', `${(100 * figures.wastedShare).toFixed(2)} %`],
          ['95 % → 100 %', fmtDist(tail.seconds)],
          ['min piece availability after the arrivals', figures.minAvailability],
        ],
      ),
      table(
        ['uplink class', 'leechers', 'uploaded ÷ downloaded', 'median peer ratio', 'download time'],
        classes.map((c) => [c.cls, c.peers, c.ratio, c.medianPeerRatio, fmtDist(c.download)]),
      ),
    ],
    run: runFigures(result),
    speed: speedOf(result),
  }
  return { sim, output }
}
