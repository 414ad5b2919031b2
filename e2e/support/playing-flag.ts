// What a seeder hears of a viewer's `ss_play` while the viewer plays through the app's file URL (the
// service worker answers the browser's Range requests range by range), in either browser.
import type { PageDriver } from './page-driver.ts'

interface Sample {
  t: number
  playing: boolean | null
}
type Sampled = { __playingSamples: Sample[] }

/** Starts sampling, every 100 ms, whether the seeder's one peer says it plays (null: no peer yet). */
export async function samplePeerPlaying(seeder: PageDriver): Promise<void> {
  await seeder.evaluate(() => {
    const samples: Sample[] = []
    Object.assign(window, { __playingSamples: samples })
    setInterval(() => samples.push({ t: performance.now(), playing: window.swarmstream!.client.torrents[0]?.peers[0]?.playing ?? null }), 100)
  })
}

/** Adds the magnet and plays its first file with the app's `play` (muted); resolves once past `past` s. */
export async function playByFileUrl(viewer: PageDriver, magnet: string, past: number): Promise<{ via: string; progress: number }> {
  return viewer.evaluate(
    async ({ magnet, past }) => {
      const ss = window.swarmstream!
      const torrent = await new Promise<(typeof ss.client.torrents)[number]>((resolve, reject) => {
        ss.client.add(magnet, {}, resolve).once('error', reject)
      })
      const video = document.body.appendChild(document.createElement('video'))
      Object.assign(window, { __video: video })
      const via = await ss.play(torrent.files[0]!, video, { muted: true })
      await new Promise<void>((resolve, reject) => {
        const check = () => {
          if (video.error) return reject(new Error(`video error ${video.error.code}: ${video.error.message}`))
          if (video.currentTime > past) return resolve()
          setTimeout(check, 50)
        }
        check()
      })
      return { via, progress: torrent.progress }
    },
    { magnet, past },
  )
}

/** From the first sample in which the peer said it plays: how many samples said otherwise. */
export async function playingGaps(seeder: PageDriver): Promise<{ first: number; samples: number; gaps: number }> {
  const samples = await seeder.evaluate(() => (window as unknown as Sampled).__playingSamples.map((s) => s.playing))
  const first = samples.indexOf(true)
  return { first, samples: samples.length, gaps: first < 0 ? 0 : samples.slice(first).filter((p) => p !== true).length }
}

/** Takes the viewer's player away (its source unloaded, so its range request is cancelled). */
export async function unloadPlayer(viewer: PageDriver): Promise<void> {
  await viewer.evaluate(() => {
    const video = (window as unknown as { __video: HTMLVideoElement }).__video
    video.removeAttribute('src')
    video.load()
  })
}

/** ms until the seeder's samples say the peer no longer plays, from now; null: not within `timeoutMs`. */
export async function heardStopWithin(seeder: PageDriver, timeoutMs: number): Promise<number | null> {
  return seeder.evaluate(async (timeoutMs) => {
    const samples = (window as unknown as Sampled).__playingSamples
    const from = performance.now()
    while (performance.now() - from < timeoutMs) {
      if (samples.at(-1)?.playing === false) return performance.now() - from
      await new Promise((r) => setTimeout(r, 100))
    }
    return null
  }, timeoutMs)
}
