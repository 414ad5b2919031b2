// (5) Peak JS heap (CDP JSHeapUsedSize every 250 ms) of the leecher page while it downloads a big
// torrent into its disk-backed profile, next to WebTorrent doing the same.
import { CLIENTS, MB, MiB, testFile, withTrackers, type BenchContext } from '../context.ts'
import { sampleHeap } from '../lab.ts'
import { openPeer, type ClientKind } from '../peers.ts'
import { stat, type Row, type Stat } from '../report.ts'

async function peakHeap(ctx: BenchContext, kind: ClientKind): Promise<{ peak: Stat; mbps: Stat }> {
  const size = ctx.opts.heapSize
  const path = await testFile(`heap-${kind}`, size, kind === 'swarmstream' ? 51 : 52)
  return withTrackers(async (newTracker) => {
    const tracker = await newTracker()
    const seeder = await openPeer(ctx.lab, kind, tracker.url, `${kind} heap seeder`)
    const { magnet, infoHash } = await seeder.seed(path)
    const peaks: number[] = []
    const mbps: number[] = []
    for (let run = 0; run < ctx.opts.runs; run++) {
      const leecher = await openPeer(ctx.lab, kind, tracker.url, `${kind} heap leecher`)
      const sampler = await sampleHeap(leecher.page, 250)
      const ms = await leecher.download(magnet)
      const peak = await sampler.stop()
      peaks.push(peak / MiB)
      mbps.push(size / MB / (ms / 1000))
      ctx.log(`heap ${kind} run ${run + 1}: peak ${(peak / MiB).toFixed(1)} MiB, ${(size / MB / (ms / 1000)).toFixed(1)} MB/s`)
      await leecher.dispose(infoHash)
    }
    await seeder.dispose(infoHash)
    return { peak: stat(peaks), mbps: stat(mbps) }
  })
}

export async function runHeap(ctx: BenchContext): Promise<Row[]> {
  const [ss, wt] = [await peakHeap(ctx, CLIENTS[0]!), await peakHeap(ctx, CLIENTS[1]!)]
  const size = `${(ctx.opts.heapSize / 2 ** 20).toFixed(0)} MiB`
  return [
    {
      scenario: 'heap',
      figure: `leecher peak JS heap, ${size} download, disk-backed`,
      unit: 'MiB',
      value: ss.peak,
      references: [{ label: 'WebTorrent', value: wt.peak }],
      target: '≤ 64 MiB',
      met: ss.peak.median <= 64,
    },
    {
      scenario: 'heap',
      figure: `same download, add → done`,
      unit: 'MB/s',
      value: ss.mbps,
      references: [{ label: 'WebTorrent', value: wt.mbps }],
      target: '',
      met: null,
    },
  ]
}
