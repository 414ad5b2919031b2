/**
 * Free riders: a flash crowd in which 20 % of each uplink class never unchoke anyone (so never upload);
 * everyone leaves once done. Tit-for-tat should make them finish later than contributors of their class.
 */
import { byClass, distribution, doneSince, fluidBound, seederShare } from '../metrics.ts'
import { MB, UPLINK_MIX, assignClasses, leechers, pickPerClass, seeder, uniformArrivals } from '../population.ts'
import { fork } from '../random.ts'
import { availabilityPlot, fmtDist, rounded, runFigures, scenarioContent, speedOf, table, target, type ScenarioOptions, type ScenarioOutput, type Target } from '../scenario.ts'
import { Simulation } from '../simulation.ts'
import { Timeline } from '../timeline.ts'
import { barChart } from '../svg.ts'
import { JOIN_WINDOW_MS, SEEDER_CAP, type SwarmRun } from './flash-crowd.ts'

export const FREE_RIDER_SHARE = 0.2

export async function freeRiders(opts: ScenarioOptions): Promise<SwarmRun> {
  const n = opts.peers ?? 300
  const stay = opts.stay ?? false
  const content = scenarioContent(opts.sizeMiB)
  const rng = fork(opts.seed, 'population')
  const joinAt = uniformArrivals(n, 0, JOIN_WINDOW_MS, rng)
  const classes = assignClasses(n, UPLINK_MIX, rng)
  const free = pickPerClass(classes, FREE_RIDER_SHARE, rng)
  const specs = [
    seeder({ up: 20 * MB, down: 50 * MB, uploadLimit: SEEDER_CAP }),
    ...leechers({ rng, classes, joinAt, freeRiders: free, ...(stay ? {} : { leave: 'done' as const }) }),
  ]
  const sim = new Simulation({ seed: opts.seed, content, peers: specs, resolutionMs: opts.resolutionMs ?? 1, progress: opts.progress })
  const ls = sim.peers.filter((p) => p.spec.role === 'leecher')
  const bound = fluidBound(content.info.length, sim.peers.filter((p) => p.spec.role === 'seeder'), ls)
  const timeline = opts.timeline ? new Timeline(sim) : null
  const result = await sim.run(Math.max(900_000, 40_000 * bound.seconds), () => ls.every((p) => p.doneAt !== null))
  await timeline?.write(opts.timeline!)
  const kind = (p: (typeof ls)[number]) => `${p.spec.cls} ${p.spec.freeRider ? 'free rider' : 'contributor'}`
  const groups = byClass(ls, kind)
  const perClass = UPLINK_MIX.map((c) => {
    const fr = groups.find((g) => g.cls === `${c.name} free rider`)
    const co = groups.find((g) => g.cls === `${c.name} contributor`)
    return { cls: c.name, freeRiderMedian: fr?.download.median ?? NaN, contributorMedian: co?.download.median ?? NaN, slowdown: (fr?.download.median ?? NaN) / (co?.download.median ?? NaN) }
  })
  const all = (free: boolean) => distribution(doneSince(ls.filter((p) => !!p.spec.freeRider === free), (p) => p.joinedAt!))
  const figures = rounded({
    fluidBound: bound,
    freeRiders: ls.filter((p) => p.spec.freeRider).length,
    downloadFreeRiders: all(true),
    downloadContributors: all(false),
    perClass,
    groups,
    seederShare: seederShare(sim),
  })
  const targets: Target[] = perClass.map((c) => target(`free riders ÷ contributors, median download time, ${c.cls}`, c.slowdown, 1.5, '>='))
  const variant = `${n}-${stay ? 'stay' : 'leave'}`
  const title = `Free riders: ${100 * FREE_RIDER_SHARE} % of ${n} leechers never upload`
  const output: ScenarioOutput = {
    path: `free-riders/${variant}`,
    title,
    params: { seed: opts.seed, leechers: n, stay, freeRiderShare: FREE_RIDER_SHARE, seederCap: SEEDER_CAP },
    figures,
    targets,
    plots: [
      {
        file: 'download-by-class.svg',
        caption: 'Median download time (arrival → done) of free riders and contributors, per uplink class (same download capacity).',
        svg: barChart({
          title: `${title}: median download time`,
          yLabel: 'seconds',
          categories: perClass.map((c) => c.cls),
          series: [
            { name: 'contributors', values: perClass.map((c) => c.contributorMedian) },
            { name: 'free riders', values: perClass.map((c) => c.freeRiderMedian) },
          ],
        }),
      },
      availabilityPlot(result.samples, n, `${title}: availability`),
    ],
    tables: [
      table(
        ['uplink class', 'contributors: median download (s)', 'free riders: median download (s)', 'free riders ÷ contributors'],
        perClass.map((c) => [c.cls, c.contributorMedian, c.freeRiderMedian, c.slowdown]),
      ),
      table(
        ['group', 'peers', 'uploaded ÷ downloaded', 'download time'],
        groups.map((g) => [g.cls, g.peers, g.ratio, fmtDist(g.download)]),
      ),
      `Seeder share of uploaded bytes: ${(100 * figures.seederShare).toFixed(2)} %.`,
    ],
    run: runFigures(result),
    speed: speedOf(result),
  }
  return { sim, output }
}
