/**
 * Validation against the browser bench's swarm row (README, *Measured*): a seeder capped at 4 MB/s by its
 * own upload limit, 4 leechers added by magnet link at the same moment, 64 MiB, every peer a tab on one
 * 2-core machine. Measured there: all done in 18.5 s, the seeder sent 27.3 % of the 4 × 64 MiB.
 *
 * Calibration, from the same README and LAB.md:
 * - links: each tab's throughput is CPU-bound. 1→1 Swarmstream moved 27.6 MB/s with 0.070 CPU-s/MB for
 *   both tabs, i.e. ~0.035 CPU-s per MB at each end. Five tabs share two cores (0.4 core each), so a tab
 *   can move about 0.4 / 0.035 ≈ 11.4 MB/s, which is given to each peer as uplink and as downlink;
 * - latency: loopback, where what delays a message is the tab's event loop: 1 ms one way per tab;
 * - connections: "~0.2 s until the first peer is connected (tracker offer/answer, WebRTC)": 200 ms.
 */
import { MB } from '../population.ts'
import { rounded, runFigures, scenarioContent, speedOf, table, target, type ScenarioOptions, type ScenarioOutput } from '../scenario.ts'
import { Simulation, type RunResult } from '../simulation.ts'
import type { PeerSpec } from '../sim-peer.ts'
import { barChart } from '../svg.ts'

export const BENCH = { seconds: 18.5, seederSharePercent: 27.3, leechers: 4, cap: 4 * MB, sizeMiB: 64 }
export const TOLERANCE = 0.15

export interface Calibration {
  tabBytesPerSecond: number
  latencyMs: number
  connectMs: number
}

export const CALIBRATION: Calibration = { tabBytesPerSecond: 11.4 * MB, latencyMs: 1, connectMs: 200 }

export interface BenchRun {
  seconds: number
  seederSharePercent: number
  sim: Simulation
  result: RunResult
}

/** One run of the bench's swarm in the simulator with the given calibration. */
export async function benchSwarm(seed: number, cal: Calibration = CALIBRATION, resolutionMs = 0.1): Promise<BenchRun> {
  const content = scenarioContent(BENCH.sizeMiB)
  const tab = (role: PeerSpec['role'], joinAtMs: number): PeerSpec => ({
    role,
    cls: role,
    upBytesPerSecond: cal.tabBytesPerSecond,
    downBytesPerSecond: cal.tabBytesPerSecond,
    latencyMs: cal.latencyMs,
    joinAtMs,
    ...(role === 'seeder' ? { uploadLimit: BENCH.cap } : { magnet: true }),
  })
  // The bench seeds first, opens the leecher pages, then adds the magnet in all of them at once.
  const start = 1000
  const specs = [tab('seeder', 0), ...Array.from({ length: BENCH.leechers }, () => tab('leecher', start))]
  const sim = new Simulation({ seed, content, peers: specs, resolutionMs, tracker: { latencyMs: 0, connectMs: cal.connectMs } })
  const ls = sim.peers.filter((p) => p.spec.role === 'leecher')
  const result = await sim.run(600_000, () => ls.every((p) => p.doneAt !== null))
  const seconds = (Math.max(...ls.map((p) => p.doneAt ?? Infinity)) - start) / 1000
  const seederSharePercent = (100 * sim.peers[0]!.totals().uploaded) / (BENCH.leechers * content.info.length)
  return { seconds, seederSharePercent, sim, result }
}

/** The bench swarm with the calibration, plus how the figures move when each parameter is halved or doubled. */
export async function validate(opts: ScenarioOptions): Promise<{ output: ScenarioOutput }> {
  const main = await benchSwarm(opts.seed, CALIBRATION, opts.resolutionMs ?? 0.1)
  await main.sim.shutdown()
  const sweep: { name: string; seconds: number; share: number }[] = []
  for (const [name, cal] of sensitivity()) {
    const run = await benchSwarm(opts.seed, cal, opts.resolutionMs ?? 0.1)
    await run.sim.shutdown()
    sweep.push({ name, seconds: run.seconds, share: run.seederSharePercent })
  }
  const timeError = main.seconds / BENCH.seconds - 1
  const shareError = main.seederSharePercent / BENCH.seederSharePercent - 1
  const figures = rounded({
    bench: BENCH,
    calibration: CALIBRATION,
    simulated: { seconds: main.seconds, seederSharePercent: main.seederSharePercent },
    error: { seconds: timeError, seederShare: shareError },
    sensitivity: sweep,
  })
  const targets = [
    target('completion time, simulated ÷ bench − 1 (absolute)', Math.abs(timeError), TOLERANCE, '<='),
    target('seeder share, simulated ÷ bench − 1 (absolute)', Math.abs(shareError), TOLERANCE, '<='),
  ]
  const output: ScenarioOutput = {
    path: 'validate',
    title: 'Validation: the browser bench’s swarm (seeder capped 4 MB/s → 4 leechers × 64 MiB)',
    params: { seed: opts.seed, ...BENCH, ...CALIBRATION },
    figures,
    targets,
    plots: [
      {
        file: 'validation.svg',
        caption: 'All done (s) and seeder share (%) in the browser bench and in the simulator, with each calibration parameter halved and doubled.',
        svg: barChart({
          title: 'Bench swarm: browser vs simulator',
          yLabel: 'seconds / percent',
          categories: ['all done (s)', 'seeder share (%)'],
          series: [
            { name: 'browser bench', values: [BENCH.seconds, BENCH.seederSharePercent] },
            { name: 'simulator', values: [main.seconds, main.seederSharePercent] },
          ],
        }),
      },
    ],
    tables: [
      table(
        ['figure', 'browser bench (README)', 'simulator', 'difference'],
        [
          ['4 leechers all done (s)', BENCH.seconds, main.seconds, `${(100 * timeError).toFixed(1)} %`],
          ['seeder share of the 4 × 64 MiB (%)', BENCH.seederSharePercent, main.seederSharePercent, `${(100 * shareError).toFixed(1)} %`],
        ],
      ),
      table(['calibration changed', 'all done (s)', 'seeder share (%)'], sweep.map((s) => [s.name, s.seconds, s.share])),
    ],
    run: runFigures(main.result),
    speed: speedOf(main.result),
  }
  return { output }
}

function* sensitivity(): Generator<[string, Calibration]> {
  const c = CALIBRATION
  for (const f of [0.5, 2]) {
    yield [`tab throughput × ${f} (${((c.tabBytesPerSecond * f) / MB).toFixed(1)} MB/s)`, { ...c, tabBytesPerSecond: c.tabBytesPerSecond * f }]
  }
  for (const f of [0.5, 5]) yield [`latency × ${f} (${c.latencyMs * f} ms)`, { ...c, latencyMs: c.latencyMs * f }]
  for (const f of [0.5, 2]) yield [`connect time × ${f} (${c.connectMs * f} ms)`, { ...c, connectMs: c.connectMs * f }]
}
