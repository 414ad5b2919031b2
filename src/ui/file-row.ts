import { mediaKind } from '../util/file-types.ts'
import type { UiTorrentFile } from './ports.ts'
import { el, setText, updateAttr } from './dom.ts'
import { clampFraction, formatBytes, formatPercent } from './format.ts'

export interface FileRowDeps {
  /** Saves the file; rejects with an error the banner can show. */
  save(file: UiTorrentFile): Promise<void>
  /** Plays the file (absent: no Play button). */
  play?(file: UiTorrentFile): void
  /** Opens the file in a new tab (absent: no Open button). */
  open?(file: UiTorrentFile): void
  onError(err: unknown, file: UiTorrentFile): void
}

/** One file of a torrent: name, size, progress and a Save button enabled once the file is complete. */
export class FileRow {
  readonly element: HTMLLIElement
  readonly #file: UiTorrentFile
  readonly #progress: HTMLProgressElement
  readonly #percent: HTMLSpanElement
  readonly #save: HTMLButtonElement
  readonly #select: HTMLInputElement
  #saving = false

  /** `rootName`: the torrent's name, left out of the folder shown (every file of a multi-file torrent is under it). */
  constructor(file: UiTorrentFile, deps: FileRowDeps, rootName = '') {
    this.#file = file
    const folder = folderOf(file, rootName)
    this.#progress = el('progress', { max: 1, value: 0, 'data-progress': 0, 'data-testid': 'file-progress', 'aria-label': `Progress of ${file.name}` })
    this.#percent = el('span', { class: 'percent num' }, ['0%'])
    this.#save = el('button', { type: 'button', class: 'small', 'data-testid': 'save-file', disabled: true, 'aria-label': `Save ${file.name}` }, ['Save'])
    this.#save.addEventListener('click', () => void this.#onSave(deps))
    const play = deps.play && isPlayable(file.name)
      ? el('button', { type: 'button', class: 'small', 'data-testid': 'play-file', 'aria-label': `Play ${file.name}` }, ['Play'])
      : null
    play?.addEventListener('click', () => deps.play?.(file))
    const open = deps.open
      ? el('button', { type: 'button', class: 'small', 'data-testid': 'open-file', 'aria-label': `Open ${file.name}` }, ['Open'])
      : null
    open?.addEventListener('click', () => deps.open?.(file))
    this.#select = el('input', { type: 'checkbox', 'data-testid': 'file-select', 'aria-label': `Download ${file.name}` })
    this.#select.checked = file.selected
    this.#select.addEventListener('change', () => (this.#select.checked ? file.select() : file.deselect()))
    this.element = el('li', { class: 'file', 'data-testid': 'file-item', 'data-path': file.path }, [
      this.#select,
      el('span', { class: 'file-label', title: file.path }, [
        folder ? el('span', { class: 'file-folder' }, [folder]) : null,
        el('span', { class: 'file-name', 'data-testid': 'file-name' }, [file.name]),
      ]),
      el('span', { class: 'file-size num', 'data-testid': 'file-size' }, [formatBytes(file.length)]),
      el('span', { class: 'file-bar' }, [this.#progress, this.#percent]),
      el('span', { class: 'file-actions' }, [play, open, this.#save]),
    ])
    this.update()
  }

  update(): void {
    const progress = this.#file.done ? 1 : clampFraction(this.#file.progress)
    if (this.#progress.value !== progress) this.#progress.value = progress
    updateAttr(this.#progress, 'data-progress', progress)
    setText(this.#percent, formatPercent(progress))
    this.#save.disabled = this.#saving || !this.#file.done
    if (this.#select.checked !== this.#file.selected) this.#select.checked = this.#file.selected
    updateAttr(this.element, 'data-selected', String(this.#file.selected))
  }

  async #onSave(deps: FileRowDeps): Promise<void> {
    this.#saving = true
    this.update()
    try {
      await deps.save(this.#file)
    } catch (err) {
      deps.onError(err, this.#file)
    } finally {
      this.#saving = false
      this.update()
    }
  }
}

/** Video and audio the Play action offers (the player says clearly when a codec cannot play). */
export function isPlayable(name: string): boolean {
  const kind = mediaKind(name)
  return kind === 'video' || kind === 'audio'
}

/** The folders between the torrent's root and the file, e.g. "cd1/" for "Album/cd1/track.mp3". */
export function folderOf(file: { name: string; path: string }, rootName: string): string {
  let path = file.path
  if (rootName && path.startsWith(`${rootName}/`)) path = path.slice(rootName.length + 1)
  return path !== file.name && path.endsWith(`/${file.name}`) ? path.slice(0, -file.name.length) : ''
}
