/**
 * The last pieces: in a flash crowd whose leechers stay (so slow and fast peers meet to the end), how
 * long each leecher takes from 95 % to 100 %, against the time those 5 % would take at its mean rate.
 */
import { fmtDist, table, type ScenarioOptions } from '../scenario.ts'
import { cdf, lineChart } from '../svg.ts'
import { flashCrowd, type SwarmRun } from './flash-crowd.ts'

export async function lastPiecesScenario(opts: ScenarioOptions): Promise<SwarmRun> {
  const n = opts.peers ?? 300
  const run = await flashCrowd({ ...opts, peers: n, stay: opts.stay ?? true })
  const { output, sim } = run
  const ls = sim.peers.filter((p) => p.spec.role === 'leecher' && p.doneAt !== null && p.at95 !== null)
  const spans = ls.map((p) => (p.doneAt! - p.at95!) / 1000)
  const tail = output.figures['lastPieces'] as { seconds: Parameters<typeof fmtDist>[0]; slowdown: Parameters<typeof fmtDist>[0] }
  output.path = `last-pieces/${n}-${opts.stay === false ? 'leave' : 'stay'}`
  output.title = `The last pieces: ${n} leechers, 95 % → 100 %`
  output.targets = []
  output.plots = [
    {
      file: 'last-pieces.svg',
      caption: 'Per leecher: seconds from 95 % to 100 % of the pieces.',
      svg: lineChart({ title: `${output.title} (CDF)`, xLabel: 'seconds from 95 % to done', yLabel: 'fraction of leechers', series: [{ name: '95 % → 100 %', points: cdf(spans), step: true }], yMax: 1 }),
    },
    ...output.plots.filter((p) => p.file === 'availability.svg'),
  ]
  output.tables = [
    table(
      ['figure', 'value'],
      [
        ['95 % → 100 %', fmtDist(tail.seconds)],
        ['that time ÷ 5 % of the peer’s whole download time (1 = no slowdown at the end)', fmtDist(tail.slowdown, '')],
        ['block bytes thrown away (duplicates, late copies)', `${(100 * (output.figures['wastedShare'] as number)).toFixed(2)} %`],
      ],
    ),
    ...output.tables,
  ]
  return run
}
