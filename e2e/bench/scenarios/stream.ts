// (6) Issues 4 and 12, on loopback: (a) client.add(magnet) → first playback (currentTime > 0), metadata
// exchange included, broken into phases, and (b) currentTime = 75 % → playback advancing past it, for the
// 60 s faststart MP4. Swarmstream: the app's Play (service-worker file URL) and file.renderTo (MediaSource);
// WebTorrent 3: its service worker (scope /) + createServer + file.streamTo(video).
import { testMedia } from '../../support/media.ts'
import type { BenchContext } from '../context.ts'
import { phaseTable, playbackTimes, seekTable, type Player } from '../playback.ts'
import type { Row, Stat } from '../report.ts'

export const PLAYERS = {
  'Swarmstream app (file URL)': { kind: 'swarmstream', via: 'app' },
  'Swarmstream renderTo (MediaSource)': { kind: 'swarmstream', via: 'renderTo' },
  'WebTorrent 3 streamTo': { kind: 'webtorrent', via: 'streamTo' },
} satisfies Record<string, Player>

export async function runStream(ctx: BenchContext): Promise<Row[]> {
  const times = await playbackTimes(ctx, { media: testMedia('faststart.mp4'), players: PLAYERS, runs: ctx.opts.streamRuns, uploadLimit: 0, label: 'stream' })
  const app = times['Swarmstream app (file URL)']!
  const mse = times['Swarmstream renderTo (MediaSource)']!
  const wt = times['WebTorrent 3 streamTo']!
  ctx.tables.push(phaseTable('stream: 60 s faststart MP4 on loopback, first playback in phases (s from add(magnet), medians (min–max))', times))
  ctx.tables.push(seekTable('stream: seek to 75 % in phases (ms from the seek, medians (min–max))', times))
  const ref = (label: string, value: Stat | number) => ({ label, value })
  return [
    {
      scenario: 'stream',
      figure: '60 s faststart MP4: add(magnet) → first playback, app (file URL)',
      unit: 's',
      value: app.first,
      references: [ref('WebTorrent 3 streamTo', wt.first), ref('0.8× WebTorrent', 0.8 * wt.first.median)],
      target: '≤ 0.8× WebTorrent',
      met: app.first.median <= 0.8 * wt.first.median,
    },
    {
      scenario: 'stream',
      figure: 'same, file.renderTo (MediaSource)',
      unit: 's',
      value: mse.first,
      references: [ref('WebTorrent 3 streamTo', wt.first)],
      target: '≤ 0.8× WebTorrent',
      met: mse.first.median <= 0.8 * wt.first.median,
    },
    {
      scenario: 'stream',
      figure: 'seek to 75 % → playback past it, app (file URL)',
      unit: 's',
      value: app.seek,
      references: [ref('WebTorrent 3 streamTo', wt.seek), ref('renderTo', mse.seek)],
      target: '≤ 0.3 s',
      met: app.seek.median <= 0.3,
    },
  ]
}
