import { el, setText } from './dom.ts'
import { formatBytes } from './format.ts'

/** How often the storage line is refreshed. */
const REFRESH_MS = 5000
/** Torrents larger than this make the page ask for persistent storage (once). */
export const LARGE_TORRENT_BYTES = 500_000_000

/** The part of `navigator.storage` used here (absent in old browsers and insecure contexts). */
export interface StorageApi {
  estimate(): Promise<{ usage?: number; quota?: number }>
  persist?(): Promise<boolean>
  persisted?(): Promise<boolean>
}

/** "Storage: 1.2 GB of 10 GB used". */
export function formatStorage(usage: number | undefined, quota: number | undefined): string {
  const used = formatBytes(usage ?? 0)
  return quota && quota > 0 ? `Storage: ${used} of ${formatBytes(quota)} used` : `Storage: ${used} used`
}

/** The words shown after asking for persistent storage. */
export function persistText(granted: boolean): string {
  return granted
    ? 'Persistent storage granted: the browser keeps downloads even when space runs low.'
    : 'The browser did not grant persistent storage, so it may clear downloads when space runs low.'
}

export interface StorageUsage {
  readonly element: HTMLElement
  refresh(): Promise<void>
  /** Asks for persistent storage the first time a torrent of `bytes` is larger than 500 MB. */
  noteTorrentSize(bytes: number): void
  destroy(): void
}

/** The "Storage: … used" line, refreshed every few seconds, with a soft note about persistence. */
export function createStorageUsage(api: StorageApi | null = globalThis.navigator?.storage ?? null): StorageUsage {
  const usage = el('span', { class: 'num', 'data-testid': 'storage-usage' }, [api ? 'Storage: …' : 'Storage: not available in this browser'])
  const note = el('span', { class: 'storage-note', 'data-testid': 'storage-persist' })
  const element = el('p', { class: 'storage', role: 'status', 'aria-live': 'off' }, [usage, note])
  let asked = false

  const refresh = async (): Promise<void> => {
    if (!api) return
    try {
      const estimate = await api.estimate()
      setText(usage, formatStorage(estimate.usage, estimate.quota))
    } catch {
      setText(usage, 'Storage: usage unknown')
    }
  }

  const askPersistence = async (): Promise<void> => {
    if (!api?.persist) return
    try {
      const granted = (await api.persisted?.()) || (await api.persist())
      setText(note, persistText(granted))
    } catch {
      setText(note, persistText(false))
    }
  }

  void refresh()
  const timer = setInterval(() => void refresh(), REFRESH_MS)
  return {
    element,
    refresh,
    noteTorrentSize(bytes) {
      if (asked || !(bytes > LARGE_TORRENT_BYTES)) return
      asked = true
      void askPersistence()
    },
    destroy() {
      clearInterval(timer)
    },
  }
}
