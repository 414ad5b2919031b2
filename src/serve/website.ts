import { fileUrl, type UrlFile, type UrlTorrent } from './file-url.ts'

/**
 * Shows an HTML file of a torrent (a website, e.g. peerwiki) in a frame; its links, images,
 * stylesheets and scripts load from the same torrent through the file URLs.
 *
 * Isolation comes from the `Content-Security-Policy: sandbox …` header the worker puts on every
 * file (no allow-same-origin): the page runs on an opaque origin and cannot reach the app's
 * storage. The frame's own sandbox attribute must keep allow-same-origin, because Chromium lets a
 * service worker answer a frame's navigation only when the frame is not sandboxed to an opaque
 * origin by its attribute; the header then makes the document opaque anyway.
 */
export function openWebsite(torrent: UrlTorrent, file: UrlFile, container: HTMLElement): HTMLIFrameElement {
  const frame = document.createElement('iframe')
  frame.setAttribute('sandbox', 'allow-scripts allow-forms allow-popups allow-same-origin')
  frame.title = file.path
  frame.className = 'website-frame'
  frame.src = fileUrl(torrent, file)
  container.replaceChildren(frame)
  return frame
}
