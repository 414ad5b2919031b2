/**
 * Viewers: N people start the same video within 10 s, each through a real streaming reader
 * (`TorrentFile.stream()`), from one seeder whose uplink is 3× the bitrate; viewers keep seeding while
 * they watch. Per viewer: time to the first frame, rebuffers after it, and the rebuffer ratio.
 */
import { distribution, seederShare } from '../metrics.ts'
import { MB, leechers, seeder, uniformArrivals } from '../population.ts'
import { fork } from '../random.ts'
import { availabilityPlot, fmtDist, rounded, runFigures, scenarioContent, speedOf, table, target, type ScenarioOptions, type ScenarioOutput } from '../scenario.ts'
import { Simulation } from '../simulation.ts'
import { cdf, lineChart } from '../svg.ts'
import { ViewerTrace } from '../viewer-trace.ts'
import { JOIN_WINDOW_MS, type SwarmRun } from './flash-crowd.ts'

/** 4 Mbit/s: an HD stream; 64 MiB is then 134 s of video. */
export const BITRATE = 0.5 * MB
export const SEEDER_UPLINK = 3 * BITRATE
/** Video the browser needs buffered to play, at the start (once the app's StartGate opens) and after a stall. */
export const PLAYABLE_SECONDS = 1

export async function viewers(opts: ScenarioOptions): Promise<SwarmRun> {
  const n = opts.peers ?? 300
  const content = scenarioContent(opts.sizeMiB)
  const rng = fork(opts.seed, 'population')
  const joinAt = uniformArrivals(n, 0, JOIN_WINDOW_MS, rng)
  const fixed = opts.startBufferSeconds
  const viewer = { bitrate: BITRATE, playableSeconds: fixed ?? PLAYABLE_SECONDS, ...(fixed !== undefined ? { startBufferSeconds: fixed } : {}) }
  const specs = [seeder({ up: SEEDER_UPLINK, down: 50 * MB }), ...leechers({ rng, joinAt, viewer })]
  const sim = new Simulation({ seed: opts.seed, content, peers: specs, resolutionMs: opts.resolutionMs ?? 1, progress: opts.progress })
  const vs = sim.peers.filter((p) => p.spec.role === 'leecher')
  const videoSeconds = content.info.length / BITRATE
  const trace = opts.trace ? new ViewerTrace(sim, vs) : null
  const result = await sim.run(Math.max(1_200_000, 6000 * videoSeconds), () => vs.every((p) => p.player?.ended))
  if (trace) console.error(trace.report(Number(process.env.TRACE_DETAIL ?? 20)))
  const stats = vs.map((p) => p.player?.stats ?? null)
  const started = stats.filter((s) => s?.firstFrameAt != null)
  const startup = vs.flatMap((p) => (p.player?.stats.firstFrameAt != null ? [(p.player.stats.firstFrameAt - p.joinedAt!) / 1000] : []))
  const rebufferRatio = started.map((s) => s!.stallMs / (s!.stallMs + videoSeconds * 1000))
  const noRebuffer = started.filter((s) => s!.stalls === 0).length / Math.max(1, vs.length)
  const figures = rounded({
    viewers: n,
    videoSeconds,
    started: started.length,
    ended: stats.filter((s) => s?.endedAt != null).length,
    shareWithoutRebuffer: noRebuffer,
    startup: distribution(startup),
    rebufferRatio: distribution(rebufferRatio),
    stalls: distribution(started.map((s) => s!.stalls)),
    seederShare: seederShare(sim),
    downloadTime: distribution(vs.filter((p) => p.doneAt !== null).map((p) => (p.doneAt! - p.joinedAt!) / 1000)),
  })
  const targets = n >= 300 ? [target('viewers without a rebuffer after the first frame', figures.shareWithoutRebuffer, 0.95, '>=')] : []
  const title = `Viewers: ${n} play a ${(BITRATE / MB).toFixed(1)} MB/s video at once, seeder uplink 3× the bitrate`
  const output: ScenarioOutput = {
    path: `viewers/${n}${opts.startBufferSeconds !== undefined ? `-start${opts.startBufferSeconds}` : ''}`,
    title,
    params: { seed: opts.seed, viewers: n, bitrate: BITRATE, seederUplink: SEEDER_UPLINK, startBuffer: fixed ?? 'StartGate', playableSeconds: viewer.playableSeconds, joinWindowMs: JOIN_WINDOW_MS },
    figures,
    targets,
    plots: [
      {
        file: 'rebuffer.svg',
        caption: 'Per viewer: rebuffer ratio (stalled time ÷ (stalled + video time)) after the first frame.',
        svg: lineChart({ title: `${title}: rebuffer ratio (CDF)`, xLabel: 'rebuffer ratio', yLabel: 'fraction of viewers', series: [{ name: 'rebuffer ratio', points: cdf(rebufferRatio), step: true }], yMax: 1 }),
      },
      {
        file: 'startup.svg',
        caption: 'Per viewer: seconds from joining to the first frame.',
        svg: lineChart({ title: `${title}: time to first frame (CDF)`, xLabel: 'seconds', yLabel: 'fraction of viewers', series: [{ name: 'join → first frame', points: cdf(startup), step: true }], yMax: 1 }),
      },
      availabilityPlot(result.samples, n, `${title}: availability`),
    ],
    tables: [
      table(
        ['figure', 'value'],
        [
          ['viewers without a rebuffer after the first frame', `${(100 * noRebuffer).toFixed(1)} %`],
          ['join → first frame', fmtDist(figures.startup)],
          ['rebuffer ratio', fmtDist(figures.rebufferRatio, '')],
          ['stalls per viewer', fmtDist(figures.stalls, '')],
          ['download time (join → all pieces)', fmtDist(figures.downloadTime)],
          ['seeder share of uploaded bytes', `${(100 * figures.seederShare).toFixed(2)} %`],
        ],
      ),
    ],
    run: runFigures(result),
    speed: speedOf(result),
  }
  return { sim, output }
}
