import './ui/styles.css'
import { Client } from './index.ts'
import { appendTo, attachSubtitles, renderTo } from './media/index.ts'
import { startApp } from './ui/app.ts'
import { loadConfig } from './ui/config.ts'

declare global {
  interface Window {
    /** Debug handle (tests and the console use it). */
    swarmstream?: { client: Client; media: { renderTo: typeof renderTo; appendTo: typeof appendTo; attachSubtitles: typeof attachSubtitles } }
  }
}

const config = loadConfig()
const client = new Client({ announce: config.announce, persist: true, ...(config.rtcConfig ? { rtcConfig: config.rtcConfig } : {}) })
window.swarmstream = { client, media: { renderTo, appendTo, attachSubtitles } }

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
    await target.renderTo(video, { autoplay: true, controls: true })
  },
})
