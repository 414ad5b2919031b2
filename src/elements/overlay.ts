/** The element's shadow DOM: the video, and an overlay with peers, speed, buffered bar and messages. */
import { formatBytes } from './options.ts'
import type { Span } from './buffered-ranges.ts'

const STYLE = `
:host { display: inline-block; position: relative; width: 640px; max-width: 100%; background: #000; color: #fff;
  font: 12px/1.4 system-ui, sans-serif; contain: content; }
:host([hidden]) { display: none; }
video { display: block; width: 100%; height: 100%; }
[part~="overlay"] { position: absolute; inset: 0 0 auto 0; pointer-events: none; }
[part~="buffered"] { position: relative; height: 3px; background: rgba(255, 255, 255, 0.15); }
[part~="buffered"] span { position: absolute; top: 0; bottom: 0; }
[part~="buffered"] .pieces { background: rgba(255, 255, 255, 0.45); }
[part~="buffered"] .media { background: #3ea6ff; top: 1px; }
[part~="stats"] { display: inline-block; margin: 4px; padding: 1px 6px; border-radius: 3px; background: rgba(0, 0, 0, 0.55); }
[part~="stats"]:empty { display: none; }
[part~="message"] { margin: 12px; padding: 8px 10px; border-radius: 4px; background: rgba(0, 0, 0, 0.8); pointer-events: auto; }
[part~="message"][hidden] { display: none; }
[part~="save"] { margin-top: 6px; font: inherit; cursor: pointer; }
`

export interface OverlayParts {
  root: ShadowRoot
  video: HTMLVideoElement
  overlay: HTMLElement
  buffered: HTMLElement
  stats: HTMLElement
  message: HTMLElement
  messageText: HTMLElement
  save: HTMLButtonElement
}

export function buildShadow(host: HTMLElement): OverlayParts {
  const root = host.attachShadow({ mode: 'open' })
  const style = document.createElement('style')
  style.textContent = STYLE
  const video = createVideo()
  const overlay = part('div', 'overlay')
  const buffered = part('div', 'buffered')
  const stats = part('div', 'stats')
  stats.setAttribute('aria-live', 'off')
  const message = part('div', 'message')
  message.setAttribute('role', 'alert')
  message.hidden = true
  const messageText = document.createElement('div')
  const save = part('button', 'save')
  save.type = 'button'
  save.textContent = 'Save'
  save.hidden = true
  message.append(messageText, save)
  overlay.append(buffered, stats, message)
  root.append(style, video, overlay)
  return { root, video, overlay, buffered, stats, message, messageText, save }
}

/** A fresh `<video part="video">`; a new one per source, so nothing of the previous playback lingers. */
export function createVideo(): HTMLVideoElement {
  const video = part('video', 'video')
  video.setAttribute('playsinline', '')
  return video
}

function part<K extends keyof HTMLElementTagNameMap>(tag: K, name: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag)
  node.setAttribute('part', name)
  return node
}

export function renderStats(parts: OverlayParts, numPeers: number, downloadSpeed: number, progress: number): void {
  const peers = `${numPeers} ${numPeers === 1 ? 'peer' : 'peers'}`
  parts.stats.textContent = `${peers} · ${formatBytes(downloadSpeed)}/s · ${Math.floor(progress * 100)}%`
}

/** Draws piece spans (lighter) and the video's buffered time spans (blue) into the bar. */
export function renderBuffered(parts: OverlayParts, pieces: readonly Span[], media: readonly Span[]): void {
  const spans = [...pieces.map((s) => bar('pieces', s)), ...media.map((s) => bar('media', s))]
  parts.buffered.replaceChildren(...spans)
}

function bar(kind: string, [start, end]: Span): HTMLSpanElement {
  const span = document.createElement('span')
  span.className = kind
  span.style.left = `${(start * 100).toFixed(2)}%`
  span.style.width = `${((end - start) * 100).toFixed(2)}%`
  return span
}

/** Shows a message in words; with `onSave`, also the Save button. */
export function showMessage(parts: OverlayParts, text: string, onSave?: () => void): void {
  parts.messageText.textContent = text
  parts.message.hidden = false
  parts.save.hidden = !onSave
  parts.save.disabled = false
  parts.save.onclick = onSave ?? null
}

export function clearOverlay(parts: OverlayParts): void {
  parts.message.hidden = true
  parts.messageText.textContent = ''
  parts.save.hidden = true
  parts.save.onclick = null
  parts.stats.textContent = ''
  parts.buffered.replaceChildren()
}
