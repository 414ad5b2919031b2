/**
 * What the browser opens the app with: a magnet link (`?magnet=`, from the protocol handler), a
 * share from another app (`?share=`, from the share target), and `.torrent` files or URLs handed
 * over by `launchQueue` (file handlers, and launches into an already open app window).
 */
import type { ErrorOrigin } from './errors.ts'
import type { UiTorrent } from './ports.ts'
import { readLaunchParams, torrentIdInText, withoutLaunchParams, type LaunchParams } from './launch-params.ts'
import { discardShares, openShare } from './share-inbox.ts'

/** The parts of the File Handling API's `LaunchParams` used here. */
interface FileLaunch {
  readonly targetURL?: string | null
  readonly files?: readonly { readonly kind?: string; getFile?(): Promise<File> }[]
}
interface LaunchQueue {
  setConsumer(consumer: (params: FileLaunch) => void): void
}

export interface LaunchHandlers {
  add(id: string | File, origin: ErrorOrigin): void
  /** Seeds shared files (several: once the person named them); null when declined or refused. */
  share(files: File[], proposedName: string): Promise<UiTorrent | null>
  notify(text: string, kind: 'error' | 'warning'): void
}

/**
 * Handles the launch in the page's URL (then removes it from the address bar, so a reload does not
 * repeat it) and every later launch through `launchQueue`.
 */
export function handleLaunches(handlers: LaunchHandlers, win: Window = window): void {
  const opened = win.location.href
  const params = readLaunchParams(win.location.search)
  if (params.magnet !== null || params.share !== null) win.history.replaceState(win.history.state, '', withoutLaunchParams(opened))
  void run(params, handlers)
  void discardShares({ ...(params.share ? { keep: params.share } : {}) }).catch(() => undefined)

  const queue = (win as Window & { launchQueue?: LaunchQueue }).launchQueue
  queue?.setConsumer((launch) => {
    // A launch that opened this page arrives here too: its URL was handled above.
    if (launch.targetURL && launch.targetURL !== opened) void run(readLaunchParams(new URL(launch.targetURL).search), handlers)
    for (const handle of launch.files ?? []) void openLaunchedFile(handle, handlers)
  })
}

async function run(params: LaunchParams, handlers: LaunchHandlers): Promise<void> {
  if (params.magnet !== null) handlers.add(params.magnet, { kind: 'link', input: params.magnet })
  if (params.share !== null) await takeShare(params.share, handlers)
}

async function openLaunchedFile(handle: NonNullable<FileLaunch['files']>[number], handlers: LaunchHandlers): Promise<void> {
  if (handle.kind === 'directory' || !handle.getFile) return handlers.notify('Swarmstream opens .torrent files, not folders: drop the folder on the page to share it.', 'error')
  try {
    const file = await handle.getFile()
    if (!/\.torrent$/i.test(file.name)) {
      handlers.notify(`Swarmstream opens .torrent files; ${file.name} is not one. To share it, drop it on the page.`, 'error')
      return
    }
    handlers.add(file, { kind: 'torrent-file', fileName: file.name })
  } catch (err) {
    handlers.notify(`Could not read the file the app was opened with: ${(err as Error).message}`, 'error')
  }
}

async function takeShare(id: string, handlers: LaunchHandlers): Promise<void> {
  let items
  try {
    items = await openShare(id)
  } catch (err) {
    handlers.notify(`Could not read what was shared: ${(err as Error).message}`, 'error')
    return
  }
  if (!items) return // already taken (e.g. a second tab); nothing to say
  const release = () => void discardShares({ id }).catch(() => undefined)
  if (items.files.length === 0) {
    release()
    const link = torrentIdInText(items.url, items.text, items.title)
    if (link) handlers.add(link, { kind: 'link', input: link })
    else handlers.notify('Nothing Swarmstream can use was shared: share files to seed them, or a magnet link to download it.', 'error')
    return
  }
  const torrent = await handlers.share(items.files, items.title).catch(() => null)
  if (!torrent) return release()
  // The files live in the share inbox until the seed's pieces are in storage.
  torrent.on('persisted', release)
  torrent.on('error', release)
  torrent.on('close', release)
}
