// Playback in Firefox ESR through MediaSource: each test format from local pieces with a seek, HEVC
// refused in words, and `file.renderTo(video)` of videos streamed from a throttled seeder in either
// browser, starting long before the download ends and seeking while it runs; the app's file-URL player
// (the service worker) seeking while it downloads, its seeder hearing it play (ss_play) throughout;
// destroying the client while it plays ends every stream and throws nothing.
import { stat } from 'node:fs/promises'
import type { AppPeer, BrowserName } from '../support/app-peer.ts'
import { pollPage } from '../support/page-driver.ts'
import { destroyClient, playInPage, playWatchingStreams, seedInPage, seekAndPlay, testMedia, type MediaModule, type TestMediaName } from '../support/media.ts'
import { expect, test } from '../support/firefox-peers.ts'
import { heardStopWithin, playByFileUrl, playingGaps, samplePeerPlaying, unloadPlayer } from '../support/playing-flag.ts'

const FORMATS: [string, TestMediaName][] = [
  ['MP4 H.264/AAC, faststart', 'faststart.mp4'],
  ['MP4 H.264/AAC, moov at the end', 'moov-at-end.mp4'],
  ['WebM VP9/Opus', 'vp9-opus.webm'],
]

const VIDEO_SECONDS = 60
/** The seeder uploads at this many times the media bitrate: the download takes ~30 s, playback starts in a few. */
const UPLOAD_OVER_BITRATE = 2

function note(type: string, description: string): void {
  test.info().annotations.push({ type, description })
  console.log(`[${type}] ${description}`)
}

test.describe('Firefox plays from local pieces', () => {
  for (const [label, name] of FORMATS) {
    test(`${label}: renderTo plays past 2 s, and resumes after seeking to 80 %`, async ({ openAppPeer }) => {
      const player = await openAppPeer('firefox', 'player')
      const infoHash = await seedInPage(player, [{ path: testMedia(name), name }])
      const played = await playInPage(player, infoHash, name, 2)
      note('time to first frame', `Firefox ${name}: renderTo → currentTime > 0 in ${played.msToFirstFrame} ms`)
      expect(played.videoWidth, 'the video track is decoded').toBe(640)
      expect(played.duration, 'the whole 60 s are known').toBeGreaterThan(59)

      const seek = await seekAndPlay(player, 0.8)
      expect(seek.reached, 'playback goes on from the seek target').toBeGreaterThan(seek.target + 1)
      expect(seek.reached).toBeLessThan(seek.target + 10)
    })
  }

  test('HEVC MP4 (which the MP4 remuxer cannot stream) rejects with UNSUPPORTED_FORMAT and says to save it', async ({ openAppPeer }) => {
    const player = await openAppPeer('firefox', 'player')
    const infoHash = await seedInPage(player, [{ path: testMedia('hevc.mp4'), name: 'hevc.mp4' }])
    const error = await player.evaluate(async (infoHash) => {
      const url = '/media/index.ts'
      const media = (await import(/* @vite-ignore */ url)) as MediaModule
      const file = window.swarmstream!.client.get(infoHash)!.files[0]!
      const parent = document.body.appendChild(document.createElement('div'))
      try {
        await media.appendTo(file, parent, { muted: true })
        return { code: 'none', message: '', children: parent.childElementCount }
      } catch (err) {
        return { code: (err as { code?: string }).code ?? 'untyped', message: (err as Error).message, children: parent.childElementCount }
      }
    }, infoHash)
    expect(error.code).toBe('UNSUPPORTED_FORMAT')
    expect(error.message).toContain('hvc1')
    expect(error.message).toMatch(/save the file/i)
    expect(error.children, 'no empty black box is left behind').toBe(0)
  })
})

/** Seeds a test video in `seeder` with its upload throttled to UPLOAD_OVER_BITRATE × its bitrate; its magnet. */
async function seedThrottled(seeder: AppPeer, name: TestMediaName): Promise<string> {
  const path = testMedia(name)
  const infoHash = await seedInPage(seeder, [{ path, name }])
  const limit = Math.round((UPLOAD_OVER_BITRATE * (await stat(path)).size) / VIDEO_SECONDS)
  return seeder.evaluate(
    ({ infoHash, limit }) => {
      const client = window.swarmstream!.client
      client.uploadLimit = limit
      return client.get(infoHash)!.magnetURI
    },
    { infoHash, limit },
  )
}

const STREAMS: [BrowserName, TestMediaName][] = [
  ['firefox', 'faststart.mp4'],
  ['chromium', 'faststart.mp4'],
  ['firefox', 'vp9-opus.webm'],
]

for (const [from, name] of STREAMS) {
  test(`Firefox streams ${name} from a throttled ${from} seeder: file.renderTo starts early and seeks while downloading`, async ({ openAppPeer }) => {
    const seeder = await openAppPeer(from, `seeder ${from}`)
    const leecher = await openAppPeer('firefox', 'leecher firefox')
    const magnet = await seedThrottled(seeder, name)

    const started = await leecher.evaluate(async (magnet) => {
      const client = window.swarmstream!.client
      const t0 = performance.now()
      const torrent = await new Promise<(typeof client.torrents)[number]>((resolve, reject) => {
        client.add(magnet, {}, resolve).once('error', reject)
      })
      const video = document.body.appendChild(document.createElement('video'))
      Object.assign(window, { __video: video })
      // maxBlobLength 0: no falling back to a Blob URL of the whole file; it must stream.
      await torrent.files[0]!.renderTo(video, { autoplay: true, muted: true, maxBlobLength: 0 })
      let firstFrame = 0
      await new Promise<void>((resolve, reject) => {
        const check = () => {
          if (video.error) return reject(new Error(`video error ${video.error.code}: ${video.error.message}`))
          if (!firstFrame && video.currentTime > 0) firstFrame = performance.now()
          if (video.currentTime > 2) return resolve()
          setTimeout(check, 20)
        }
        check()
      })
      return { msToFirstFrame: Math.round(firstFrame - t0), progress: torrent.progress, duration: video.duration }
    }, magnet)
    expect(started.progress, 'playback passed 2 s while less than half was downloaded').toBeLessThan(0.5)
    expect(started.duration, 'the whole 60 s are known').toBeGreaterThan(59)

    const seek = await seekAndPlay(leecher, 0.8)
    note(
      'streaming',
      `${from} → Firefox ${name}: add → currentTime > 0 in ${started.msToFirstFrame} ms, progress ${(started.progress * 100).toFixed(1)} % at 2 s, ` +
        `seek → playing in ${seek.msToPlaying} ms (progress ${(seek.progressAtSeek * 100).toFixed(1)} % at the seek)`,
    )
    expect(seek.progressAtSeek, 'the seek happened while the download was incomplete').toBeLessThan(1)
    expect(seek.reached, 'playback goes on from the seek target').toBeGreaterThan(seek.target + 1)
    expect(seek.reached).toBeLessThan(seek.target + 10)
  })
}

test("Firefox plays through the app's file URL and tells its seeder it plays (ss_play) without a gap, a seek included, and stops once its player is gone", async ({ openAppPeer }) => {
  const seeder = await openAppPeer('firefox', 'seeder firefox')
  const viewer = await openAppPeer('firefox', 'viewer firefox')
  const magnet = await seedThrottled(seeder, 'faststart.mp4')
  await pollPage(viewer, 'the service worker controls the page', () => !!navigator.serviceWorker.controller, undefined, { timeout: 30_000 }).toBe(true)
  await samplePeerPlaying(seeder)
  const played = await playByFileUrl(viewer, magnet, 11)
  expect(played.via, 'played through the service worker file URL, range by range').toBe('url')
  expect(played.progress, 'the download was still running').toBeLessThan(1)
  const heard = await playingGaps(seeder)
  note('ss_play', `Firefox file URL: says it plays from sample ${heard.first} of ${heard.samples}, ${heard.gaps} samples without after that`)
  expect(heard.first, 'the seeder heard the viewer say it plays').toBeGreaterThanOrEqual(0)
  expect(heard.gaps, 'no sample after the first says the viewer stopped playing').toBe(0)
  // A seek while downloading: the player cancels its range request and opens another; it still plays.
  const seek = await seekAndPlay(viewer, 0.8)
  expect(seek.progressAtSeek, 'the seek happened while the download was incomplete').toBeLessThan(1)
  expect(seek.reached, 'playback goes on from the seek target').toBeGreaterThan(seek.target + 1)
  expect((await playingGaps(seeder)).gaps, 'nor across the seek').toBe(0)
  await unloadPlayer(viewer)
  const stopped = await heardStopWithin(seeder, 15_000)
  note('ss_play', `Firefox file URL: the seeder heard the viewer stop ${stopped === null ? 'never' : `${Math.round(stopped)} ms`} after its player went`)
  expect(stopped, 'the seeder heard the viewer stop playing').not.toBeNull()
  expect(stopped!).toBeGreaterThan(4_000)
  expect(stopped!).toBeLessThan(9_000)
})

for (const name of ['faststart.mp4', 'vp9-opus.webm'] as const) {
  test(`Firefox: destroying the client while ${name} plays ends every stream and raises nothing uncaught`, async ({ openAppPeer }) => {
    const seeder = await openAppPeer('firefox', 'seeder firefox')
    const leecher = await openAppPeer('firefox', 'leecher firefox')
    const magnet = await seedThrottled(seeder, name)
    const playing = await playWatchingStreams(leecher, magnet, 1)
    expect(playing.progress, 'the download is still running when the client is destroyed').toBeLessThan(1)
    const after = await destroyClient(leecher)
    note('destroy', `Firefox ${name}: ${after.streams.length} streams opened, endings: ${after.streams.map((s) => s.state).join(', ')}`)
    expect(after.streams.length, 'the player read the file through streams').toBeGreaterThan(0)
    expect(after.uncaught, 'no uncaught exception or unhandled rejection in the page').toEqual([])
  })
}
