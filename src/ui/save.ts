import { mimeType } from '../util/file-types.ts'
import { el } from './dom.ts'

/** How long an object URL for a download stays valid; the browser has started reading it by then. */
const REVOKE_AFTER_MS = 60_000

/** A name safe for `<a download>`: no folders, no control characters. */
export function safeFileName(name: string, fallback = 'download'): string {
  const cleaned = name.replace(/[\u0000-\u001f\u007f/\\]/g, '_').trim()
  return cleaned === '' || cleaned === '.' || cleaned === '..' ? fallback : cleaned
}

/** The file name for a torrent's .torrent download. */
export function torrentFileName(torrentName: string): string {
  return `${safeFileName(torrentName, 'download')}.torrent`
}

/** A Blob for .torrent bytes (copied, so the Blob owns a plain ArrayBuffer). */
export function torrentBlob(bytes: Uint8Array): Blob {
  return new Blob([bytes.slice()], { type: mimeType('.torrent') })
}

/** Saves a Blob under `fileName` through a temporary `<a download>` click. */
export function saveBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob)
  const link = el('a', { href: url, download: safeFileName(fileName), hidden: true })
  document.body.append(link)
  link.click()
  link.remove()
  setTimeout(() => URL.revokeObjectURL(url), REVOKE_AFTER_MS)
}

/** Reads a torrent file out of the store and saves it. */
export async function saveTorrentFile(file: { name: string; blob(): Promise<Blob> }): Promise<void> {
  saveBlob(await file.blob(), file.name)
}
