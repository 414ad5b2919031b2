import type { UiClient, UiError, UiTorrent, UiTorrentFile } from './ports.ts'
import { el } from './dom.ts'
import { describeError, errorMessage, isInvalidInput, type ErrorOrigin } from './errors.ts'
import { TorrentRow } from './torrent-row.ts'
import { isSourceWarning, noSourceMessage, noSourceWorks } from './sources.ts'

export interface TorrentListDeps {
  client: UiClient
  saveFile(file: UiTorrentFile): Promise<void>
  /** Plays a file into the torrent's player area. */
  playFile?(file: UiTorrentFile, torrent: UiTorrent, player: HTMLElement): void
  /** Opens a file in a new tab. */
  openFile?(file: UiTorrentFile, torrent: UiTorrent): void
  /** Shows a message in the banner. */
  notify(text: string, kind: 'error' | 'warning'): void
  /** Takes a message off the banner if it is still showing it (a warning that no longer holds). */
  withdraw?(text: string): void
  /** A torrent added from user input failed because the input was bad (lets the form offer it again). */
  onInputRejected?(origin: ErrorOrigin): void
}

interface Entry {
  row: TorrentRow
  /** What the user did to create it, for the words of an early error. */
  origin: ErrorOrigin
  /** Seen in `client.torrents` at least once (so leaving it means it was removed). */
  listed: boolean
  /** The "no source works" warning shown for it, while that holds. */
  alarm: string | null
}

/** The list of torrents: one row per torrent, kept in sync with the client, redrawn in place. */
export class TorrentList {
  readonly element: HTMLElement
  readonly #list: HTMLUListElement
  readonly #empty: HTMLParagraphElement
  readonly #deps: TorrentListDeps
  readonly #entries = new Map<UiTorrent, Entry>()
  /** Errors already shown, so the client's copy of a torrent's error is not shown twice. */
  readonly #shown = new WeakSet<object>()

  constructor(deps: TorrentListDeps) {
    this.#deps = deps
    this.#list = el('ul', { class: 'torrent-list', 'data-testid': 'torrent-list', 'aria-label': 'Torrents' })
    this.#empty = el('p', { class: 'empty' }, ['No torrents yet. Paste a magnet link above, or drop files to share them.'])
    this.element = el('section', { class: 'torrents', 'aria-label': 'Torrents' }, [this.#empty, this.#list])
  }

  get size(): number {
    return this.#entries.size
  }

  /** Adds a row for `torrent` unless it has one. */
  track(torrent: UiTorrent, origin: ErrorOrigin = { kind: 'client' }): void {
    if (this.#entries.has(torrent)) return
    const seeded = origin.kind === 'seed'
    const row = new TorrentRow(torrent, {
      seeded,
      remove: (t, destroyStore) => void this.#remove(t, destroyStore),
      saveFile: this.#deps.saveFile,
      ...(this.#deps.playFile ? { playFile: this.#deps.playFile } : {}),
      ...(this.#deps.openFile ? { openFile: this.#deps.openFile } : {}),
      onError: (err, t) => this.#onTorrentError(err, t),
      // One tracker or web seed failing is shown in the row (and its Sources); the page warns only
      // when no source works at all (see refresh).
      onWarning: (err, t) => {
        if (!isSourceWarning(err)) this.#deps.notify(describeError(err, { kind: 'torrent', name: t.name }), 'warning')
      },
      onSaveError: (err, file) => this.#deps.notify(describeError(err, { kind: 'save', fileName: file.name }), 'error'),
      onClose: (t) => this.untrack(t),
    })
    this.#entries.set(torrent, { row, origin, listed: false, alarm: null })
    this.#list.prepend(row.element)
    this.#updateEmpty()
    if (torrent.error) this.#onTorrentError(torrent.error, torrent)
  }

  untrack(torrent: UiTorrent): void {
    const entry = this.#entries.get(torrent)
    if (!entry) return
    if (entry.alarm !== null) this.#deps.withdraw?.(entry.alarm)
    entry.row.destroy()
    this.#entries.delete(torrent)
    this.#updateEmpty()
  }

  /** Shows an error the client emitted, unless a torrent row already showed it. */
  showClientError(err: UiError): void {
    if (this.#shown.has(err)) return
    this.#shown.add(err)
    this.#deps.notify(describeError(err, { kind: 'client' }), 'error')
  }

  /** Called once a second: picks up torrents added elsewhere, drops removed ones, redraws speeds. */
  refresh(): void {
    const current = new Set(this.#deps.client.torrents)
    for (const torrent of current) this.track(torrent)
    for (const [torrent, entry] of this.#entries) {
      if (current.has(torrent)) entry.listed = true
      else if (entry.listed || torrent.error) this.untrack(torrent)
    }
    for (const [torrent, entry] of this.#entries) {
      entry.row.update()
      this.#checkSources(torrent, entry)
    }
  }

  /** Warns once when a torrent has no working source, and takes the warning back when one works again. */
  #checkSources(torrent: UiTorrent, entry: Entry): void {
    const alarm = noSourceWorks(torrent) ? noSourceMessage(torrent) : null
    if (alarm === entry.alarm) return
    if (entry.alarm !== null) this.#deps.withdraw?.(entry.alarm)
    entry.alarm = alarm
    if (alarm !== null) this.#deps.notify(alarm, 'warning')
  }

  destroy(): void {
    for (const torrent of [...this.#entries.keys()]) this.untrack(torrent)
  }

  #onTorrentError(err: UiError, torrent: UiTorrent): void {
    if (this.#shown.has(err)) return
    this.#shown.add(err)
    const entry = this.#entries.get(torrent)
    const early = entry && !torrent.ready && entry.origin.kind !== 'client'
    const origin: ErrorOrigin = early ? entry.origin : { kind: 'torrent', name: torrent.name }
    this.#deps.notify(describeError(err, origin), 'error')
    if (early && isInvalidInput(err)) this.#deps.onInputRejected?.(origin)
  }

  async #remove(torrent: UiTorrent, destroyStore: boolean): Promise<void> {
    try {
      await this.#deps.client.remove(torrent, { destroyStore })
    } catch (err) {
      this.#deps.notify(`Could not remove ${torrent.name || 'the torrent'}: ${errorMessage(err)}`, 'error')
    }
    this.untrack(torrent)
  }

  #updateEmpty(): void {
    this.#empty.hidden = this.#entries.size > 0
  }
}
