// (7) Issue 12: first playback and seek where the network, not the CPU, limits. A 60 s 720p MP4 of ~30 MB
// (4 Mbit/s), a seeder capped to twice its bitrate, and the namespace's loopback shaped to 20 Mbit/s with
// `tc … tbf` while each measurement runs (netem does not exist here). Only inside the bench's own
// loopback-only network namespace: shaping the host's loopback would slow everything else on the machine.
// Each player first streams from its own kind of seeder, both capped alike (a limit kept on average over
// a second, as WebTorrent's speed-limiter and our TokenBucket do); then both from one WebTorrent seeder.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { MEDIA_DIR } from '../../support/media.ts'
import { BLOCK_LENGTH } from '../../../src/wire/messages.ts'
import type { BenchContext } from '../context.ts'
import { phaseTable, playbackTimes, seekTable } from '../playback.ts'
import type { Row, Stat } from '../report.ts'
import { PLAYERS } from './stream.ts'

const SECONDS = 60
export const LINK = 'tbf rate 20mbit burst 32kbit latency 400ms'
const LINK_BYTES_PER_SECOND = 20e6 / 8
/**
 * tbf drops every packet larger than its burst (4 KB here), and loopback's 64 KiB MTU makes TCP send
 * such packets (the tracker's WebSocket, page loads): lo gets Ethernet's MTU while the scenario runs.
 */
const SHAPED_MTU = 1500

/** A 60 s 1280×720 H.264/AAC faststart MP4 at ~4 Mbit/s (noise keeps x264 from undershooting), made once. */
export function shapedVideo(): string {
  const path = join(MEDIA_DIR, 'bench-720p-4mbit.mp4')
  if (existsSync(path) && statSync(path).size > 0) return path
  mkdirSync(MEDIA_DIR, { recursive: true })
  const partial = join(MEDIA_DIR, `.partial-${process.pid}-bench-720p.mp4`)
  const args = [
    '-hide_banner', '-loglevel', 'error', '-y',
    '-f', 'lavfi', '-i', `testsrc2=size=1280x720:rate=25:duration=${SECONDS},noise=alls=12:allf=t+u`,
    '-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=48000:duration=${SECONDS}`,
    '-c:v', 'libx264', '-profile:v', 'high', '-pix_fmt', 'yuv420p', '-preset', 'ultrafast',
    '-b:v', '3800k', '-minrate', '3800k', '-maxrate', '4000k', '-bufsize', '8000k', '-g', '50',
    '-c:a', 'aac', '-b:a', '128k', '-ac', '2', '-movflags', '+faststart', '-f', 'mp4', partial,
  ]
  try {
    execFileSync('ffmpeg', args, { stdio: ['ignore', 'ignore', 'inherit'] })
    renameSync(partial, path)
  } finally {
    rmSync(partial, { force: true })
  }
  return path
}

function ip(args: string[]): void {
  execFileSync(args[0]!, args.slice(1), { stdio: ['ignore', 'ignore', 'inherit'] })
}

/** Runs `measure` with loopback shaped, and removes the shaping whatever happens. */
async function shaped<T>(measure: () => Promise<T>): Promise<T> {
  ip(['tc', 'qdisc', 'add', 'dev', 'lo', 'root', ...LINK.split(' ')])
  try {
    return await measure()
  } finally {
    ip(['tc', 'qdisc', 'del', 'dev', 'lo', 'root'])
  }
}

export async function runShaped(ctx: BenchContext): Promise<Row[]> {
  if (!ctx.opts.netns.startsWith('isolated')) {
    throw new Error(`the shaped link needs the bench's own network namespace (run npm run bench as root); network: ${ctx.opts.netns}`)
  }
  const media = shapedVideo()
  const bytes = statSync(media).size
  const uploadLimit = Math.round((2 * bytes) / SECONDS)
  ctx.log(`shaped: ${(bytes / 1e6).toFixed(1)} MB video (${((8 * bytes) / SECONDS / 1e6).toFixed(2)} Mbit/s), seeders capped at ${(uploadLimit / 1e6).toFixed(2)} MB/s, loopback ${LINK}`)
  ip(['ip', 'link', 'set', 'lo', 'mtu', String(SHAPED_MTU)])
  let times
  let fromWebTorrent
  try {
    times = await playbackTimes(ctx, { media, players: PLAYERS, runs: ctx.opts.streamRuns, uploadLimit, around: shaped, label: 'shaped' })
    // The same seek with one seeder for both players: WebTorrent 3's, as most of its network is.
    const players = { 'Swarmstream app (file URL)': PLAYERS['Swarmstream app (file URL)'], 'WebTorrent 3 streamTo': PLAYERS['WebTorrent 3 streamTo'] }
    fromWebTorrent = await playbackTimes(ctx, { media, players, seeder: 'webtorrent', runs: ctx.opts.streamRuns, uploadLimit, around: shaped, label: 'shaped, WebTorrent seeder' })
  } finally {
    ip(['ip', 'link', 'set', 'lo', 'mtu', '65536'])
  }
  const app = times['Swarmstream app (file URL)']!
  const mse = times['Swarmstream renderTo (MediaSource)']!
  const wt = times['WebTorrent 3 streamTo']!
  ctx.tables.push(phaseTable(`shaped: 60 s 720p MP4 (${(bytes / 1e6).toFixed(0)} MB), seeder at 2× its bitrate, loopback ${LINK}: first playback in phases (s from add(magnet))`, times))
  ctx.tables.push(seekTable('shaped: seek to 75 % in phases (ms from the seek, medians (min–max)), each player from its own kind of seeder', times))
  ctx.tables.push(seekTable('shaped: seek to 75 % in phases, both players from one WebTorrent 3 seeder', fromWebTorrent))
  const wtApp = fromWebTorrent['Swarmstream app (file URL)']!
  const wtWt = fromWebTorrent['WebTorrent 3 streamTo']!
  const ref = (label: string, value: Stat | number) => ({ label, value })
  // What the sought frame needs cannot cross the link faster: the fewest blocks any player took, at the link's rate.
  const fewest = Math.min(...[app, mse, wt].map((t) => t.seekPhases.blocksFetched?.median ?? Infinity))
  const linkFloor = Number.isFinite(fewest) ? [ref('link floor (fewest blocks any player took × 16 KiB ÷ 20 Mbit/s)', (fewest * BLOCK_LENGTH) / LINK_BYTES_PER_SECOND)] : []
  const video = `60 s 720p MP4 over 20 Mbit/s, seeder at 2× bitrate`
  return [
    {
      scenario: 'shaped',
      figure: `${video}: add(magnet) → first playback, app (file URL)`,
      unit: 's',
      value: app.first,
      references: [ref('WebTorrent 3 streamTo', wt.first), ref('0.8× WebTorrent', 0.8 * wt.first.median), ref('renderTo', mse.first)],
      target: '≤ 0.8× WebTorrent',
      met: app.first.median <= 0.8 * wt.first.median,
    },
    {
      scenario: 'shaped',
      figure: 'seek to 75 % → playback past it, app (file URL)',
      unit: 's',
      value: app.seek,
      references: [ref('WebTorrent 3 streamTo', wt.seek), ref('0.5× WebTorrent', 0.5 * wt.seek.median), ...linkFloor, ref('renderTo', mse.seek)],
      target: '≤ 0.5× WebTorrent',
      met: app.seek.median <= 0.5 * wt.seek.median,
    },
    {
      scenario: 'shaped',
      figure: 'same seek, both players from one WebTorrent 3 seeder (capped alike), app (file URL)',
      unit: 's',
      value: wtApp.seek,
      references: [ref('WebTorrent 3 streamTo', wtWt.seek), ref('first playback', wtApp.first), ref('WebTorrent 3 first playback', wtWt.first)],
      target: '',
      met: null,
    },
  ]
}
