import type { UiTorrent } from './ports.ts'
import { errorMessage } from './errors.ts'
import { formatPercent } from './format.ts'

/** The `data-state` of a torrent row (part of the e2e contract). */
export type TorrentState = 'hashing' | 'metadata' | 'downloading' | 'seeding' | 'error'

/** `seeded`: the torrent was created by this page from local files. */
export function torrentState(t: UiTorrent, seeded: boolean): TorrentState {
  if (t.error) return 'error'
  if (seeded && (t.magnetURI === '' || !t.ready)) return 'hashing'
  if (!t.ready || t.files.length === 0) return 'metadata'
  return t.done ? 'seeding' : 'downloading'
}

/** Status of a torrent paused because a piece could not be written for lack of space. */
export const STORAGE_FULL_STATUS = 'Paused: storage is full — remove torrents or files to free space, then Resume'

/** The short status line shown next to the name. */
export function statusText(t: UiTorrent, state: TorrentState): string {
  if (t.paused && t.storageFull && state !== 'error') return STORAGE_FULL_STATUS
  if (t.paused && state !== 'error') return state === 'downloading' ? `Paused at ${formatPercent(t.progress)}` : 'Paused'
  switch (state) {
    case 'error':
      return `Failed: ${errorMessage(t.error)}`
    case 'hashing':
      return `Hashing… ${formatPercent(t.hashingProgress)}`
    case 'metadata':
      return 'Fetching metadata…'
    case 'downloading':
      return `Downloading ${formatPercent(t.progress)}`
    case 'seeding':
      return 'Seeding'
  }
}

/** The name to show: the torrent's, else a short info hash, else a placeholder. */
export function displayName(t: UiTorrent, seeded: boolean): string {
  if (t.name) return t.name
  if (t.infoHash) return `${t.infoHash.slice(0, 16)}…`
  return seeded ? 'New torrent' : 'Looking up torrent…'
}
