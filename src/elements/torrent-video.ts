/**
 * `<torrent-video src="magnet:…">`: plays a video from a torrent. Load it with one
 * `<script type="module" src=".../torrent-video.js">` (built into dist/torrent-video.js).
 *
 * Each element owns its own Client: its `announce` and `ice` attributes configure that client, two
 * elements never collide on the same torrent, and removing the element frees everything it opened.
 */
import type { Client } from '../client/client.ts'
import type { Torrent } from '../torrent/torrent.ts'
import { parseAnnounce, rtcConfigFor } from './options.ts'
import { buildShadow, clearOverlay, createVideo, showMessage, type OverlayParts } from './overlay.ts'
import { Session } from './session.ts'

export type { TorrentVideoInfo } from './session.ts'
export type { ProgressDetail } from './options.ts'

const RESTART_ATTRIBUTES = ['src', 'file', 'announce', 'ice']
const VIDEO_FLAGS = ['controls', 'autoplay', 'muted', 'loop'] as const

export class TorrentVideoElement extends HTMLElement {
  static get observedAttributes(): string[] {
    return [...RESTART_ATTRIBUTES, ...VIDEO_FLAGS, 'poster']
  }

  #parts: OverlayParts
  #session: Session | null = null
  #stopping: Promise<void> = Promise.resolve()
  #restartQueued = false
  #generation = 0

  constructor() {
    super()
    this.#parts = buildShadow(this)
    this.#applyVideoAttributes()
  }

  get src(): string {
    return this.getAttribute('src') ?? ''
  }
  set src(value: string) {
    this.setAttribute('src', value)
  }
  get file(): string | null {
    return this.getAttribute('file')
  }
  set file(value: string | null) {
    if (value === null) this.removeAttribute('file')
    else this.setAttribute('file', value)
  }
  /** The torrent being played, once `src` is set. */
  get torrent(): Torrent | null {
    return this.#session?.torrent ?? null
  }
  /** This element's own Client; destroyed when the element leaves the page or `src` changes. */
  get client(): Client | null {
    return this.#session?.client ?? null
  }
  /** The inner `<video>` (also stylable as `::part(video)`). */
  get video(): HTMLVideoElement {
    return this.#parts.video
  }

  connectedCallback(): void {
    if (!this.#session) this.#scheduleRestart()
  }

  disconnectedCallback(): void {
    // A move within the page disconnects and reconnects in the same task: keep playing then.
    queueMicrotask(() => {
      if (!this.isConnected) this.#stop()
    })
  }

  attributeChangedCallback(name: string, oldValue: string | null, newValue: string | null): void {
    if (oldValue === newValue) return
    if (RESTART_ATTRIBUTES.includes(name)) this.#scheduleRestart()
    else this.#applyVideoAttributes()
  }

  #applyVideoAttributes(): void {
    const video = this.#parts.video
    for (const flag of VIDEO_FLAGS) video.toggleAttribute(flag, this.hasAttribute(flag))
    video.muted = this.hasAttribute('muted') // the attribute alone only sets defaultMuted
    const poster = this.getAttribute('poster')
    if (poster) video.poster = poster
    else video.removeAttribute('poster')
  }

  /** Several attribute changes in one task restart once. */
  #scheduleRestart(): void {
    if (this.#restartQueued) return
    this.#restartQueued = true
    queueMicrotask(() => {
      this.#restartQueued = false
      if (this.isConnected) void this.#restart()
    })
  }

  async #restart(): Promise<void> {
    this.#stop()
    const generation = this.#generation
    await this.#stopping
    if (generation !== this.#generation || !this.isConnected) return
    const src = this.src.trim()
    if (src === '') return
    const fresh = createVideo()
    this.#parts.video.replaceWith(fresh)
    this.#parts.video = fresh
    this.#applyVideoAttributes()
    const announce = parseAnnounce(this.getAttribute('announce'))
    this.#session = new Session({
      src,
      file: this.getAttribute('file'),
      announce: announce.trackers,
      rtcConfig: rtcConfigFor(this.getAttribute('ice')),
      autoplay: this.hasAttribute('autoplay'),
      controls: this.hasAttribute('controls'),
      muted: this.hasAttribute('muted'),
      parts: this.#parts,
      dispatch: (type, detail) => this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true })),
    })
    if (announce.invalid.length > 0) {
      showMessage(this.#parts, `Ignored announce entries ${announce.invalid.join(', ')}: a tracker must be a ws:// or wss:// URL.`)
    }
  }

  /** Ends the current run (if any); the next one waits until its peers and storage are released. */
  #stop(): void {
    this.#generation++
    const session = this.#session
    this.#session = null
    clearOverlay(this.#parts)
    if (session) this.#stopping = this.#stopping.then(() => session.stop()).catch(() => undefined)
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'torrent-video': TorrentVideoElement
  }
}

if (!customElements.get('torrent-video')) customElements.define('torrent-video', TorrentVideoElement)
