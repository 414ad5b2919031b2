import './ui/styles.css'
import { Client, type TorrentFile } from './index.ts'
import type { appendTo, renderTo } from './media/index.ts'
import { playWhenBuffered, reportPlaying } from './media/play-when-buffered.ts'
import { attachSubtitles } from './media/subtitle-tracks.ts'
import { fileUrl, openWebsite, playFromUrl, serveFiles, urlPlayable } from './serve/index.ts'
import { startApp } from './ui/app.ts'
import { loadConfig } from './ui/config.ts'

declare global {
  interface Window {
    /** Debug handle (tests and the console use it). */
    swarmstream?: {
      client: Client
      media: { renderTo: typeof renderTo; appendTo: typeof appendTo; attachSubtitles: typeof attachSubtitles }
      /** The app's Play: how it plays a file (tests and the bench call it). */
      play: typeof playFile
    }
  }
}

const config = loadConfig()
// Playing is what the app is for: warm the media controls while the page is idle, not on the first Play.
requestIdleCallback(() => void import('./ui/warm-media-controls.ts').then((m) => m.warmMediaControls()), { timeout: 2000 })
const client = new Client({
  announce: config.announce,
  persist: true,
  ...(config.rtcConfig ? { rtcConfig: config.rtcConfig } : {}),
  ...(config.storage ? { storage: config.storage } : {}),
})
// File URLs (/files/<infoHash>/<path>) through the service worker; the app works without them.
const fileServer = serveFiles(client)
let fileUrls = false
fileServer.then(
  () => (fileUrls = true),
  (err: unknown) => console.warn(`File URLs are off: ${(err as Error).message}`),
)

/**
 * Plays through the file's URL with the browser's own demuxer once our worker controls the page (no
 * remuxing in JavaScript; WebTorrent's streamTo path); through MediaSource (renderTo) otherwise, and for
 * what the browser's demuxer refuses: the MediaSource path then plays it or says why it cannot.
 */
async function playFile(file: TorrentFile, video: HTMLVideoElement, opts: { autoplay?: boolean; muted?: boolean } = {}): Promise<'url' | 'mediasource'> {
  const options = { autoplay: opts.autoplay ?? true, controls: true, muted: opts.muted ?? false }
  const torrent = client.torrents.find((t) => t.files.includes(file))
  if (fileUrls && navigator.serviceWorker.controller && torrent && urlPlayable(video, file.name)) {
    const start = (media: HTMLMediaElement) => {
      reportPlaying(media, file)
      playWhenBuffered(media, file)
    }
    const played = await playFromUrl(video, fileUrl(torrent, file), file.name, { ...options, start })
    if (played.ok) return 'url'
  }
  await file.renderTo(video, options)
  return 'mediasource'
}

// The MediaSource players are not part of the first load (the app plays through file URLs); they load
// beside it at once, so that neither the first renderTo nor a page busy with peers waits for them.
const media = () => import('./media/index.ts')
void media().catch(() => undefined)
window.swarmstream = {
  client,
  media: {
    renderTo: (...args) => media().then((m) => m.renderTo(...args)),
    appendTo: (...args) => media().then((m) => m.appendTo(...args)),
    attachSubtitles,
  },
  play: playFile,
}

const root = document.getElementById('app')
if (!root) throw new Error('index.html has no #app element to render into.')
startApp({
  client,
  config,
  root,
  play: async (file, torrent, video) => {
    const files = client.get(torrent.infoHash)?.files ?? []
    const target = files.find((f) => f.path === file.path)
    if (!target) throw new Error('That file is no longer in the torrent.')
    attachSubtitles(video, files, target)
    await playFile(target, video)
  },
  // Open: web pages from the torrent in a sandboxed frame under the torrent, anything else in a new tab.
  openFile: async (file, torrent) => {
    await fileServer
    if (/\.x?html?$/i.test(file.name)) {
      const player = document.querySelector<HTMLElement>(`[data-info-hash="${torrent.infoHash}"] [data-testid="player"]`)
      if (player) {
        player.replaceChildren()
        openWebsite(torrent, file, player)
        return
      }
    }
    window.open(fileUrl(torrent, file), '_blank', 'noopener')
  },
})
