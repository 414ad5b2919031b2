// (4) Drop → magnet: Swarmstream from confirming the file chooser (opened by pressing "Share files", as a
// person does; see SeedHow) to the magnet link in the UI, and, as a reference, from setInputFiles with no
// press before it; WebTorrent from setInputFiles to client.seed's callback. A fresh page (origin) per run.
import { CLIENTS, testFile, withTrackers, type BenchContext } from '../context.ts'
import { openPeer, type ClientKind, type SeedHow } from '../peers.ts'
import { stat, type Row, type Stat } from '../report.ts'
import { settle } from '../settle.ts'

async function seedTimes(ctx: BenchContext, kind: ClientKind, how: SeedHow = 'input'): Promise<Stat> {
  const path = await testFile(`seed-${kind}`, ctx.opts.size, kind === 'swarmstream' ? 41 : 42)
  return withTrackers(async (newTracker) => {
    const tracker = await newTracker()
    const seconds: number[] = []
    for (let run = 0; run < ctx.opts.runs; run++) {
      const peer = await openPeer(ctx.lab, kind, tracker.url, `${kind} seed`)
      await settle()
      const seeded = await peer.seed(path, how)
      seconds.push(seeded.ms / 1000)
      ctx.log(`seed ${kind} (${how}) run ${run + 1}: magnet after ${seeded.ms.toFixed(0)} ms`)
      await peer.dispose(seeded.infoHash)
    }
    return stat(seconds)
  })
}

export async function runSeed(ctx: BenchContext): Promise<Row[]> {
  const ss = await seedTimes(ctx, CLIENTS[0]!, 'chooser')
  const cold = await seedTimes(ctx, CLIENTS[0]!, 'input')
  const wt = await seedTimes(ctx, CLIENTS[1]!)
  return [
    {
      scenario: 'seed',
      figure: `drop ${(ctx.opts.size / 2 ** 20).toFixed(0)} MiB file → magnet link`,
      unit: 's',
      value: ss,
      references: [
        { label: 'Swarmstream, files set with no press first', value: cold },
        { label: 'WebTorrent seed() → callback', value: wt },
      ],
      target: '≤ 0.5 s',
      met: ss.median <= 0.5,
    },
  ]
}
