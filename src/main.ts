import './ui/styles.css'
import { Client } from './index.ts'
import { startApp } from './ui/app.ts'
import { loadConfig } from './ui/config.ts'

declare global {
  interface Window {
    /** Debug handle (tests and the console use it). */
    swarmstream?: { client: Client }
  }
}

const config = loadConfig()
const client = new Client({ announce: config.announce, persist: true, ...(config.rtcConfig ? { rtcConfig: config.rtcConfig } : {}) })
window.swarmstream = { client }

const root = document.getElementById('app')
if (!root) throw new Error('index.html has no #app element to render into.')
startApp({ client, config, root })
