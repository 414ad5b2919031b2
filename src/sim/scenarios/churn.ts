/**
 * Churn: a crowd arrives within 10 s, then new leechers keep arriving (Poisson) for 90 s; 30 % of all
 * leechers give up mid-download (at a uniformly random progress), the others leave once done.
 */
import { distribution, doneSince, seederShare, wasteShare } from '../metrics.ts'
import { MB, leechers, poissonArrivals, seeder, uniformArrivals } from '../population.ts'
import { fork } from '../random.ts'
import { availabilityPlot, fmtDist, rounded, runFigures, scenarioContent, speedOf, table, type ScenarioOptions, type ScenarioOutput } from '../scenario.ts'
import { Simulation } from '../simulation.ts'
import { cdf, lineChart } from '../svg.ts'
import { SEEDER_CAP, JOIN_WINDOW_MS, type SwarmRun } from './flash-crowd.ts'

export const ABORT_SHARE = 0.3
export const ARRIVALS_PER_SECOND = 5
export const ARRIVALS_UNTIL_MS = 100_000

export async function churn(opts: ScenarioOptions): Promise<SwarmRun> {
  const crowd = opts.peers ?? 300
  const content = scenarioContent(opts.sizeMiB)
  const rng = fork(opts.seed, 'population')
  const joinAt = [...uniformArrivals(crowd, 0, JOIN_WINDOW_MS, rng), ...poissonArrivals(ARRIVALS_PER_SECOND, JOIN_WINDOW_MS, ARRIVALS_UNTIL_MS, rng)]
  const abortAt = joinAt.map(() => (rng.next() < ABORT_SHARE ? rng.uniform(0.05, 0.95) : null))
  const specs = [seeder({ up: 20 * MB, down: 50 * MB, uploadLimit: SEEDER_CAP }), ...leechers({ rng, joinAt, leave: 'done', abortAt })]
  const sim = new Simulation({ seed: opts.seed, content, peers: specs, resolutionMs: opts.resolutionMs ?? 1, progress: opts.progress })
  const ls = sim.peers.filter((p) => p.spec.role === 'leecher')
  const stayers = ls.filter((p) => p.spec.leave === 'done')
  const quitters = ls.filter((p) => p.spec.leave !== 'done')
  const result = await sim.run(1_200_000, () => stayers.every((p) => p.doneAt !== null) && quitters.every((p) => p.leftAt !== null || p.doneAt !== null))
  const crowdPeers = stayers.filter((p) => p.spec.joinAtMs <= JOIN_WINDOW_MS)
  const later = stayers.filter((p) => p.spec.joinAtMs > JOIN_WINDOW_MS)
  const crowdTimes = doneSince(crowdPeers, (p) => p.joinedAt!)
  const laterTimes = doneSince(later, (p) => p.joinedAt!)
  const figures = rounded({
    leechers: ls.length,
    gaveUp: quitters.filter((p) => p.doneAt === null).length,
    finishedBeforeGivingUp: quitters.filter((p) => p.doneAt !== null).length,
    completed: stayers.filter((p) => p.doneAt !== null).length,
    downloadTimeCrowd: distribution(crowdTimes),
    downloadTimeLater: distribution(laterTimes),
    seederShare: seederShare(sim),
    wastedShare: wasteShare(ls),
    minAvailability: Math.min(...result.samples.filter((s) => s.t > JOIN_WINDOW_MS).map((s) => s.minAvailability)),
    peakPresent: Math.max(...result.samples.map((s) => s.present)),
  })
  const title = `Churn: ${crowd} at once, then ${ARRIVALS_PER_SECOND}/s; ${100 * ABORT_SHARE} % give up`
  const output: ScenarioOutput = {
    path: `churn/${crowd}`,
    title,
    params: { seed: opts.seed, crowd, arrivalsPerSecond: ARRIVALS_PER_SECOND, arrivalsUntilMs: ARRIVALS_UNTIL_MS, abortShare: ABORT_SHARE, seederCap: SEEDER_CAP },
    figures,
    targets: [],
    plots: [
      {
        file: 'download-time.svg',
        caption: 'Download time (arrival → done) of leechers that meant to finish: the first crowd and those arriving later.',
        svg: lineChart({
          title: `${title}: download time (CDF)`,
          xLabel: 'seconds from arrival to done',
          yLabel: 'fraction of leechers',
          series: [{ name: `crowd (n = ${crowdTimes.length})`, points: cdf(crowdTimes), step: true }, { name: `later arrivals (n = ${laterTimes.length})`, points: cdf(laterTimes), step: true }],
          yMax: 1,
        }),
      },
      availabilityPlot(result.samples, stayers.length, `${title}: availability`),
    ],
    tables: [
      table(
        ['figure', 'value'],
        [
          ['leechers (gave up / finished / finished before their give-up point)', `${figures.leechers} (${figures.gaveUp} / ${figures.completed} / ${figures.finishedBeforeGivingUp})`],
          ['download time, crowd', fmtDist(figures.downloadTimeCrowd)],
          ['download time, later arrivals', fmtDist(figures.downloadTimeLater)],
          ['seeder share of uploaded bytes', `${(100 * figures.seederShare).toFixed(2)} %`],
          ['block bytes thrown away', `${(100 * figures.wastedShare).toFixed(2)} %`],
          ['min piece availability after the crowd', figures.minAvailability],
          ['most peers present at once', figures.peakPresent],
        ],
      ),
    ],
    run: runFigures(result),
    speed: speedOf(result),
  }
  return { sim, output }
}
