import { safeStorage, type AppConfig } from './config.ts'
import type { UiClient, UiError, UiTorrent, UiTorrentFile } from './ports.ts'
import { createAddForm } from './add-form.ts'
import { el } from './dom.ts'
import { attachDropTarget, createDropZone, type FileWithPath } from './drop-zone.ts'
import { describeError, ErrorBanner, type ErrorOrigin } from './errors.ts'
import { saveTorrentFile } from './save.ts'
import { createLimitsForm, loadLimits, type Limits } from './limits.ts'
import { handleLaunches } from './launch.ts'
import { createMagnetHandlerSetting } from './magnet-handler.ts'
import { checkPrivateModeAtStart, createPrivateModeForm } from './private-mode-form.ts'
import { createSeedVersionSelect } from './seed-version.ts'
import { createSessionSummary } from './session-summary.ts'
import { createSettings } from './settings.ts'
import { needsShareName } from './share-name.ts'
import { createShareNameForm } from './share-name-form.ts'
import { torrentIdFromFragment } from './share-link.ts'
import { createStorageUsage } from './storage-usage.ts'
import { TorrentList, type TorrentListDeps } from './torrent-list.ts'

type Notify = (text: string, kind: 'error' | 'warning') => void

/** How often speeds and peer counts are redrawn. */
const REFRESH_MS = 1000

export interface AppOptions {
  client: UiClient
  config: AppConfig
  /** Element the app renders into (its children are replaced). */
  root: HTMLElement
  /** Element that accepts dropped files; defaults to the whole page. */
  dropTarget?: HTMLElement
  /** Plays a file into `video` (with its subtitles); rejects with an error the banner shows. */
  play?: (file: UiTorrentFile, torrent: UiTorrent, video: HTMLVideoElement) => Promise<void>
  /** Opens a file in a new tab (e.g. through service-worker URLs); without it there is no Open button. */
  openFile?: (file: UiTorrentFile, torrent: UiTorrent) => void | Promise<void>
}

export interface App {
  readonly banner: ErrorBanner
  destroy(): void
}

/** Builds the page and wires it to the client. */
export function startApp({ client, config, root, dropTarget = document.documentElement, play, openFile }: AppOptions): App {
  const banner = new ErrorBanner()
  const notify: Notify = (text, kind) => banner.show(text, kind)
  const seedVersion = createSeedVersionSelect(safeStorage())
  const form = createAddForm({
    onAddLink: (text) => add(text, { kind: 'link', input: text }),
    onEmptyLink: () => notify('Paste a magnet link, a 40-character info hash or a .torrent URL first.', 'error'),
    onSeed: (files) => void share(files),
    onSeedIntent: () => client.prepareSeed?.(),
    onOpenTorrentFile: (file) => void add(file, { kind: 'torrent-file', fileName: file.name }),
  }, seedVersion.element)
  const list = new TorrentList({
    client,
    saveFile: saveTorrentFile,
    notify,
    withdraw: (text) => banner.clearIf(text),
    ...fileActions({ play, openFile, notify }),
    onInputRejected: (origin) => {
      if (origin.kind === 'link') form.offerAgain(origin.input)
    },
  })

  function add(id: string | File, origin: ErrorOrigin): boolean {
    try {
      list.track(client.add(id), origin)
      return true
    } catch (err) {
      notify(describeError(err, origin), 'error')
      return false
    }
  }

  const nameForm = createShareNameForm()

  /** Seeds `files`; several files first get a name from the person (null: they cancelled). */
  async function share(files: File[], proposedName = ''): Promise<UiTorrent | null> {
    if (files.length === 0) {
      notify('There is nothing to share: the selection has no files (empty folders are skipped).', 'error')
      return null
    }
    const name = needsShareName(files) ? await nameForm.ask(files, proposedName) : undefined
    if (name === null) return null
    try {
      const torrent = client.seed(files, { ...(name === undefined ? {} : { name }), version: seedVersion.value() })
      list.track(torrent, { kind: 'seed' })
      return torrent
    } catch (err) {
      notify(describeError(err, { kind: 'seed' }), 'error')
      return null
    }
  }

  function onDropped(files: FileWithPath[]): void {
    const isTorrentFile = (f: FileWithPath): boolean => /\.torrent$/i.test(f.name) && (f.path ?? f.name) === f.name
    if (files.length > 0 && files.every(isTorrentFile)) {
      for (const file of files) add(file, { kind: 'torrent-file', fileName: file.name })
    } else {
      void share(files)
    }
  }

  const dropZone = createDropZone()
  const detachDrop = attachDropTarget(dropTarget, dropZone, {
    onFiles: onDropped,
    onIntent: () => client.prepareSeed?.(),
    onError: (err) => notify(describeError(err, { kind: 'seed' }), 'error'),
  })
  const settings = createAllSettings(config, client, notify)
  const storage = createStorageUsage()
  const session = createSessionSummary(client)
  const refresh = (): void => {
    list.refresh()
    session.update()
    for (const t of client.torrents) storage.noteTorrentSize(t.length)
  }

  root.replaceChildren(
    el('header', { class: 'app-header' }, [
      el('h1', {}, ['Swarmstream']),
      el('p', { class: 'tagline' }, ['BitTorrent in your browser: share files and download torrents from other browsers.']),
      config.privateMode.enabled
        ? el('p', { class: 'private-badge', 'data-testid': 'private-mode-badge' }, ['Private mode: peers see only your TURN server, not your IP address.'])
        : null,
    ]),
    el('main', { class: 'app-main' }, [banner.element, form.element, nameForm.element, dropZone, list.element, session.element, storage.element, settings]),
  )

  const onTorrent = (t: UiTorrent): void => list.track(t)
  const onClientError = (err: UiError): void => {
    // A torrent's own 'error' (with better words) may arrive in the same task; let it go first.
    setTimeout(() => list.showClientError(err), 0)
  }
  client.on('torrent', onTorrent)
  client.on('error', onClientError)
  for (const torrent of client.torrents) list.track(torrent)
  const timer = setInterval(refresh, REFRESH_MS)
  for (const problem of config.problems) notify(problem, 'warning')
  checkPrivateModeAtStart(config.privateMode, notify)

  // A share link (#<magnet>) starts its download once; the fragment is cleared so a reload does not repeat it.
  const addFromFragment = (): void => {
    const id = torrentIdFromFragment(location.hash)
    if (id === null) return
    history.replaceState(history.state, '', `${location.pathname}${location.search}`)
    add(id, { kind: 'link', input: id })
  }
  // Links and files the page was opened with wait for the torrents of the last visit, so one of those
  // opened again is reported as already in the list instead of replacing it.
  const restored = client.restored ?? Promise.resolve()
  void restored.catch(() => undefined).then(() => {
    addFromFragment()
    handleLaunches({ add: (id, origin) => void add(id, origin), share, notify })
  })
  window.addEventListener('hashchange', addFromFragment)

  return {
    banner,
    destroy() {
      clearInterval(timer)
      storage.destroy()
      window.removeEventListener('hashchange', addFromFragment)
      client.off('torrent', onTorrent)
      client.off('error', onClientError)
      detachDrop()
      list.destroy()
      root.replaceChildren()
    },
  }
}

/** Play and Open for the file rows, reporting failures in the banner. */
function fileActions({ play, openFile, notify }: Pick<AppOptions, 'play' | 'openFile'> & { notify: Notify }): Pick<TorrentListDeps, 'playFile' | 'openFile'> {
  const actions: Pick<TorrentListDeps, 'playFile' | 'openFile'> = {}
  if (play) {
    actions.playFile = (file, torrent, player) => {
      const video = el('video', { controls: true, autoplay: true, playsinline: true, 'data-testid': 'player-video', 'aria-label': `Playing ${file.name}` })
      player.replaceChildren(el('p', { class: 'player-title' }, [file.name]), video)
      play(file, torrent, video).catch((err: unknown) => {
        player.replaceChildren()
        notify(describeError(err, { kind: 'play', fileName: file.name }), 'error')
      })
    }
  }
  if (openFile) {
    actions.openFile = (file, torrent) => {
      Promise.resolve()
        .then(() => openFile(file, torrent))
        .catch((err: unknown) => notify(describeError(err, { kind: 'open', fileName: file.name }), 'error'))
    }
  }
  return actions
}

/** Settings: trackers, speed limits (applied now, from the saved values), private mode, the magnet: handler. */
function createAllSettings(config: AppConfig, client: UiClient, notify: Notify): HTMLDetailsElement {
  const settings = createSettings(config, {
    onTrackers: (trackers) => {
      client.announce = trackers
    },
    notify,
  })
  const applyLimits = (limits: Limits): void => {
    client.uploadLimit = limits.upload * 1000
    client.downloadLimit = limits.download * 1000
  }
  const initialLimits = loadLimits()
  applyLimits(initialLimits)
  settings.append(
    createLimitsForm(initialLimits, applyLimits),
    createPrivateModeForm({ current: config.privateMode, storage: safeStorage(), notify }),
    createMagnetHandlerSetting(),
  )
  return settings
}
