import type { UiError, UiTorrent, UiTorrentEvents, UiTorrentFile } from './ports.ts'
import { el, setText, updateAttr } from './dom.ts'
import { clampFraction, formatBytes, formatDuration, formatPeers, formatPercent, formatSpeed } from './format.ts'
import { FileRow } from './file-row.ts'
import { torrentBlob, torrentFileName } from './save.ts'
import { displayName, statusText, torrentState } from './torrent-state.ts'
import { copyText } from './clipboard.ts'
import { PieceMap } from './piece-map.ts'
import { createRemoveConfirm } from './remove-confirm.ts'
import { shareUrl } from './share-link.ts'
import { SourcesView } from './sources-view.ts'

export interface TorrentRowDeps {
  seeded: boolean
  /** Removes the torrent; `destroyStore`: delete its stored data too. */
  remove(t: UiTorrent, destroyStore: boolean): void
  saveFile(file: UiTorrentFile): Promise<void>
  playFile?(file: UiTorrentFile, torrent: UiTorrent, player: HTMLElement): void
  /** Opens a file in a new tab (absent: no Open button). */
  openFile?(file: UiTorrentFile, torrent: UiTorrent): void
  onError(err: UiError, t: UiTorrent): void
  onWarning(err: UiError, t: UiTorrent): void
  onSaveError(err: unknown, file: UiTorrentFile): void
  onClose(t: UiTorrent): void
}

/** Hashing has no progress event, so a hashing row polls at this interval. */
const HASHING_POLL_MS = 250

/** Events after which the row is redrawn (coalesced to one redraw per animation frame). */
const REDRAW_EVENTS = ['infoHash', 'metadata', 'ready', 'wire', 'done', 'paused', 'resumed'] as const
/**
 * Progress events (hundreds per second during a transfer) redraw the row at most this often: a redraw
 * per frame cost the page and the compositor more CPU per downloaded MB than the wire protocol.
 */
const PROGRESS_EVENTS = ['download', 'upload', 'verified'] as const
const PROGRESS_REDRAW_MS = 250
/** How long "Copied" stays on a button. */
const COPIED_MS = 1500

/** One torrent in the list. Built once; `update()` only changes text and attributes in place. */
export class TorrentRow {
  readonly element: HTMLLIElement
  readonly torrent: UiTorrent
  readonly #deps: TorrentRowDeps
  readonly #parts
  readonly #pieceMap: PieceMap
  readonly #sources = new SourcesView()
  #fileRows: FileRow[] = []
  #torrentUrl: string | null = null
  #redrawPending = false
  #progressRedraw: ReturnType<typeof setTimeout> | null = null
  #hashingPoll: ReturnType<typeof setTimeout> | null = null
  #unsubscribe: () => void

  constructor(torrent: UiTorrent, deps: TorrentRowDeps) {
    this.torrent = torrent
    this.#deps = deps
    const name = el('h3', { class: 'torrent-name', 'data-testid': 'torrent-name' })
    const status = el('span', { class: 'torrent-status', 'data-testid': 'torrent-status' })
    const progress = el('progress', { max: 1, value: 0, 'data-progress': 0, 'data-testid': 'torrent-progress', 'aria-label': 'Download progress' })
    const percent = el('span', { class: 'percent num' }, ['0%'])
    const size = el('span', { class: 'num', 'data-testid': 'torrent-size' })
    const peers = el('span', { class: 'num', 'data-testid': 'torrent-peers' })
    const swarm = el('span', { class: 'num', 'data-testid': 'torrent-swarm', title: 'Seeders / leechers reported by trackers' })
    const ratio = el('span', { class: 'num', 'data-testid': 'torrent-ratio', title: 'Uploaded ÷ downloaded (÷ size when nothing was downloaded)' })
    const uploaded = el('span', { class: 'num', 'data-testid': 'torrent-uploaded', title: 'Bytes sent to peers' })
    const served = el('span', { class: 'num', 'data-testid': 'torrent-peers-served', title: 'Peers that got data from you so far' })
    const eta = el('span', { class: 'num', 'data-testid': 'torrent-eta', title: 'Time remaining at the current speed' })
    const down = el('span', { class: 'num', 'data-testid': 'torrent-down-speed' })
    const up = el('span', { class: 'num', 'data-testid': 'torrent-up-speed' })
    const magnet = el('input', { type: 'text', readonly: true, class: 'magnet', 'data-testid': 'magnet-link', 'aria-label': 'Magnet link', placeholder: 'Magnet link appears once the info hash is known', spellcheck: 'false' })
    const copy = el('button', { type: 'button', class: 'small', 'data-testid': 'copy-magnet', disabled: true }, ['Copy'])
    const download = el('a', { class: 'button small', 'data-testid': 'download-torrent', 'aria-disabled': 'true' }, ['.torrent'])
    const share = el('a', { class: 'button small', 'data-testid': 'share-link', 'aria-disabled': 'true', title: 'Copy a link to this page that starts this download' }, ['Share'])
    const shareField = el('input', { type: 'text', readonly: true, class: 'magnet share-url', 'data-testid': 'share-url', 'aria-label': 'Share link', hidden: true })
    const pause = el('button', { type: 'button', class: 'small', 'data-testid': 'pause-torrent' }, ['Pause'])
    const remove = el('button', { type: 'button', class: 'small danger', 'data-testid': 'remove-torrent', 'aria-expanded': 'false' }, ['Remove'])
    const confirmSlot = el('div', { class: 'confirm-slot' })
    const files = el('ul', { class: 'files', 'aria-label': 'Files' })
    const player = el('div', { class: 'player', 'data-testid': 'player' })
    this.#parts = { name, status, progress, percent, size, peers, swarm, ratio, uploaded, served, eta, down, up, magnet, copy, download, share, shareField, pause, files, player }
    this.#pieceMap = new PieceMap(torrent)

    magnet.addEventListener('focus', () => magnet.select())
    shareField.addEventListener('focus', () => shareField.select())
    copy.addEventListener('click', () => void this.#copy(copy, magnet.value, magnet))
    share.addEventListener('click', (event) => {
      event.preventDefault()
      if (share.getAttribute('aria-disabled') === 'true') return
      shareField.value = share.href
      void this.#copy(share, share.href, shareField)
    })
    download.addEventListener('click', (event) => {
      if (!this.#torrentUrl) event.preventDefault()
    })
    pause.addEventListener('click', () => {
      if (torrent.paused) torrent.resume()
      else torrent.pause()
      this.update()
    })
    remove.addEventListener('click', () => {
      if (confirmSlot.firstChild) return
      const close = (): void => {
        confirmSlot.replaceChildren()
        remove.setAttribute('aria-expanded', 'false')
      }
      const confirm = createRemoveConfirm(deps.seeded, {
        onRemove: (destroyStore) => {
          remove.disabled = true
          deps.remove(torrent, destroyStore)
        },
        onCancel: () => {
          close()
          remove.focus()
        },
      })
      confirmSlot.replaceChildren(confirm.element)
      remove.setAttribute('aria-expanded', 'true')
      confirm.focus()
    })

    this.element = el('li', { class: 'torrent', 'data-testid': 'torrent-item' }, [
      el('div', { class: 'torrent-head' }, [name, status]),
      el('div', { class: 'bar' }, [progress, percent]),
      this.#pieceMap.element,
      el('dl', { class: 'stats' }, [
        stat('Size', size),
        stat('Peers', peers),
        stat('Swarm', swarm),
        stat('Down', down, 'down'),
        stat('Up', up, 'up'),
        stat('Ratio', ratio),
        stat('Uploaded', uploaded),
        stat('Served', served),
        stat('Left', eta),
      ]),
      this.#sources.notice,
      el('div', { class: 'magnet-row' }, [magnet, el('span', { class: 'actions' }, [copy, share, download, pause, remove])]),
      shareField,
      this.#sources.element,
      confirmSlot,
      player,
      files,
    ])
    this.#unsubscribe = this.#subscribe()
    this.update()
  }

  /** Redraws now; cheap when nothing changed. */
  update(): void {
    const t = this.torrent
    const p = this.#parts
    const state = torrentState(t, this.#deps.seeded)
    updateAttr(this.element, 'data-state', state)
    updateAttr(this.element, 'data-info-hash', t.infoHash || null)
    setText(p.name, displayName(t, this.#deps.seeded))
    updateAttr(p.name, 'title', t.name || null)
    setText(p.status, statusText(t, state))
    const progress = clampFraction(t.progress)
    if (p.progress.value !== progress) p.progress.value = progress
    updateAttr(p.progress, 'data-progress', progress)
    setText(p.percent, formatPercent(progress))
    setText(p.size, t.ready || t.length > 0 ? formatBytes(t.length) : '—')
    setText(p.peers, formatPeers(t.numPeers))
    setText(p.swarm, formatSwarm(t.trackerStats))
    setText(p.ratio, t.ratio.toFixed(2))
    setText(p.uploaded, formatBytes(t.uploaded))
    updateAttr(p.uploaded, 'data-bytes', t.uploaded)
    setText(p.served, formatPeers(t.peersServed))
    setText(p.eta, t.done ? 'done' : t.paused ? '—' : formatDuration(t.timeRemaining))
    setText(p.down, formatSpeed(t.downloadSpeed))
    setText(p.up, formatSpeed(t.uploadSpeed))
    if (p.magnet.value !== t.magnetURI) p.magnet.value = t.magnetURI
    p.copy.disabled = t.magnetURI === ''
    this.#updateShare()
    setText(p.pause, t.paused ? 'Resume' : 'Pause')
    updateAttr(p.pause, 'aria-label', `${t.paused ? 'Resume' : 'Pause'} ${displayName(t, this.#deps.seeded)}`)
    updateAttr(this.element, 'data-paused', String(t.paused))
    this.#pieceMap.update()
    this.#sources.update(t, Date.now())
    this.#updateTorrentLink()
    this.#updateFiles()
    if (state === 'hashing' && this.#hashingPoll === null) {
      this.#hashingPoll = setTimeout(() => {
        this.#hashingPoll = null
        this.update()
      }, HASHING_POLL_MS)
    }
  }

  /** Asks for a redraw on the next animation frame (many events per second collapse into one). */
  scheduleUpdate(): void {
    if (this.#redrawPending) return
    this.#redrawPending = true
    requestAnimationFrame(() => {
      this.#redrawPending = false
      this.update()
    })
  }

  /** Redraws for progress, at most every PROGRESS_REDRAW_MS. */
  #scheduleProgress(): void {
    if (this.#progressRedraw !== null) return
    this.#progressRedraw = setTimeout(() => {
      this.#progressRedraw = null
      this.scheduleUpdate()
    }, PROGRESS_REDRAW_MS)
  }

  destroy(): void {
    this.#unsubscribe()
    if (this.#progressRedraw !== null) clearTimeout(this.#progressRedraw)
    this.#progressRedraw = null
    this.#pieceMap.destroy()
    if (this.#hashingPoll !== null) clearTimeout(this.#hashingPoll)
    this.#hashingPoll = null
    if (this.#torrentUrl) URL.revokeObjectURL(this.#torrentUrl)
    this.#torrentUrl = null
    this.element.remove()
  }

  #subscribe(): () => void {
    const t = this.torrent
    const redraw = (): void => this.scheduleUpdate()
    const progress = (): void => this.#scheduleProgress()
    const onError = (err: UiError): void => {
      this.update()
      this.#deps.onError(err, t)
    }
    const onWarning = (err: UiError): void => this.#deps.onWarning(err, t)
    const onClose = (): void => this.#deps.onClose(t)
    for (const event of REDRAW_EVENTS) t.on(event, redraw as UiTorrentEvents[typeof event])
    for (const event of PROGRESS_EVENTS) t.on(event, progress as UiTorrentEvents[typeof event])
    t.on('error', onError)
    t.on('warning', onWarning)
    t.on('close', onClose)
    return () => {
      for (const event of REDRAW_EVENTS) t.off(event, redraw as UiTorrentEvents[typeof event])
      for (const event of PROGRESS_EVENTS) t.off(event, progress as UiTorrentEvents[typeof event])
      t.off('error', onError)
      t.off('warning', onWarning)
      t.off('close', onClose)
    }
  }

  #updateTorrentLink(): void {
    const t = this.torrent
    const link = this.#parts.download
    if (this.#torrentUrl || !t.torrentFile) return
    this.#torrentUrl = URL.createObjectURL(torrentBlob(t.torrentFile))
    link.href = this.#torrentUrl
    link.download = torrentFileName(t.name || t.infoHash)
    link.removeAttribute('aria-disabled')
  }

  #updateShare(): void {
    const { share } = this.#parts
    const magnet = this.torrent.magnetURI
    if (magnet === '' || share.getAttribute('aria-disabled') !== 'true') return
    share.href = shareUrl(location, magnet)
    share.removeAttribute('aria-disabled')
  }

  #updateFiles(): void {
    const files = this.torrent.files.filter((f) => !f.padding)
    if (this.#fileRows.length !== files.length) {
      this.#fileRows = files.map(
        (file) =>
          new FileRow(
            file,
            {
              save: (f) => this.#deps.saveFile(f),
              onError: (err, f) => this.#deps.onSaveError(err, f),
              ...(this.#deps.playFile ? { play: (f: UiTorrentFile) => this.#deps.playFile?.(f, this.torrent, this.#parts.player) } : {}),
              ...(this.#deps.openFile ? { open: (f: UiTorrentFile) => this.#deps.openFile?.(f, this.torrent) } : {}),
            },
            this.torrent.name,
          ),
      )
      this.#parts.files.replaceChildren(...this.#fileRows.map((row) => row.element))
      return
    }
    for (const row of this.#fileRows) row.update()
  }

  /** Copies `text`; when the clipboard refuses, shows and selects it in `field` instead. */
  async #copy(button: HTMLElement, text: string, field: HTMLInputElement): Promise<void> {
    const label = button.textContent ?? ''
    if (label === 'Copied' || label === 'Selected') return
    const copied = await copyText(text, field)
    if (!copied && field.hidden) {
      field.hidden = false
      field.focus()
      field.select()
    }
    setText(button, copied ? 'Copied' : 'Selected')
    setTimeout(() => setText(button, label), COPIED_MS)
  }
}

/** The largest counts any tracker reports (trackers see different parts of the swarm). */
function formatSwarm(all: readonly { seeders: number; leechers: number; lastAnnounce: number | null }[]): string {
  const stats = all.filter((s) => s.lastAnnounce !== null)
  if (stats.length === 0) return '—'
  const seeders = Math.max(...stats.map((s) => s.seeders))
  const leechers = Math.max(...stats.map((s) => s.leechers))
  return `${seeders} S · ${leechers} L`
}

function stat(label: string, value: HTMLElement, kind?: string): HTMLDivElement {
  return el('div', { class: kind ? `stat stat-${kind}` : 'stat' }, [el('dt', {}, [label]), el('dd', {}, [value])])
}
