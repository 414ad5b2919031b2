#!/usr/bin/env node
// Generates the playback test media with Debian's ffmpeg into e2e/artifacts/media/ (git-ignored).
// Idempotent: files that already exist are kept. Usage: node e2e/media/generate.mjs [outDir]
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
export const MEDIA_DIR = resolve(here, '..', 'artifacts', 'media')

const DURATION = 60
// testsrc2 at 640x360, 15 fps, plus a 440 Hz tone; low bitrates keep each file under ~4 MB.
const INPUTS = [
  '-f', 'lavfi', '-i', `testsrc2=size=640x360:rate=15:duration=${DURATION}`,
  '-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=48000:duration=${DURATION}`,
]
const H264 = ['-c:v', 'libx264', '-profile:v', 'high', '-pix_fmt', 'yuv420p', '-preset', 'veryfast', '-b:v', '350k', '-maxrate', '400k', '-bufsize', '800k', '-g', '30']
const AAC = ['-c:a', 'aac', '-b:a', '48k', '-ac', '2']

/** name → ffmpeg output arguments (the output path is appended). */
export const VIDEOS = {
  'faststart.mp4': [...H264, ...AAC, '-movflags', '+faststart', '-f', 'mp4'],
  'moov-at-end.mp4': [...H264, ...AAC, '-f', 'mp4'],
  // All the audio, then all the video (chunks as long as the file): tracks not interleaved.
  'audio-first.mp4': [...H264, ...AAC, '-max_interleave_delta', '0', '-chunk_duration', '1000000000', '-chunk_size', '1000000000', '-movflags', '+faststart', '-f', 'mp4'],
  // Movie fragments: MediaSource takes them as they are (the in-order appender).
  'fragmented.mp4': [...H264, ...AAC, '-movflags', '+frag_keyframe+empty_moov+default_base_moof', '-f', 'mp4'],
  // HEVC: MediaSource in Chromium says no, so the player must reject it with UNSUPPORTED_FORMAT.
  'hevc.mp4': ['-t', '2', '-c:v', 'libx265', '-preset', 'ultrafast', '-b:v', '100k', '-tag:v', 'hvc1', '-x265-params', 'log-level=error', ...AAC, '-movflags', '+faststart', '-f', 'mp4'],
  'vp9-opus.webm': ['-c:v', 'libvpx-vp9', '-b:v', '350k', '-deadline', 'realtime', '-cpu-used', '8', '-row-mt', '1', '-g', '30', '-c:a', 'libopus', '-b:a', '48k', '-f', 'webm'],
}

const SRT = `1
00:00:00,500 --> 00:00:04,000
Swarmstream test subtitle one

2
00:00:05,000 --> 00:00:09,000
Second cue, still early

3
00:00:47,000 --> 00:00:52,000
A cue at 80 percent
`

function ffmpeg(args) {
  const run = spawnSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args], { stdio: ['ignore', 'inherit', 'inherit'] })
  if (run.error) throw new Error(`Could not start ffmpeg (${run.error.message}); install it with: apt-get install ffmpeg`)
  if (run.status !== 0) throw new Error(`ffmpeg failed (exit ${run.status}) for: ffmpeg ${args.join(' ')}`)
}

/** Creates every missing file in `outDir` and returns their paths by name. */
export function generateMedia(outDir = MEDIA_DIR) {
  mkdirSync(outDir, { recursive: true })
  const paths = {}
  for (const [name, args] of Object.entries(VIDEOS)) {
    const target = join(outDir, name)
    paths[name] = target
    if (existsSync(target) && statSync(target).size > 0) continue
    const partial = join(outDir, `.partial-${process.pid}-${name}`)
    try {
      ffmpeg([...INPUTS, ...args, partial])
      renameSync(partial, target)
    } finally {
      rmSync(partial, { force: true })
    }
    console.log(`[media] wrote ${name} (${(statSync(target).size / 1e6).toFixed(2)} MB)`)
  }
  paths['video.srt'] = join(outDir, 'video.srt')
  if (!existsSync(paths['video.srt'])) writeFileSync(paths['video.srt'], SRT)
  return paths
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const paths = generateMedia(process.argv[2] ? resolve(process.argv[2]) : MEDIA_DIR)
  for (const path of Object.values(paths)) console.log(path)
}
