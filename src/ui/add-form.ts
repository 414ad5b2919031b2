import { el } from './dom.ts'

export interface AddFormHandlers {
  /** Text from the magnet field (trimmed, non-empty). Returns false when the link was not accepted. */
  onAddLink(text: string): boolean
  onEmptyLink(): void
  /** Files picked to share; folder picks carry `webkitRelativePath`. */
  onSeed(files: File[]): void
  /** A share picker is about to open (pressed or focused): files may follow. */
  onSeedIntent?(): void
  /** A .torrent file picked to download. */
  onOpenTorrentFile(file: File): void
}

export interface AddForm {
  readonly element: HTMLElement
  /** Puts a rejected link back into an empty field, selected, so the user can fix it. */
  offerAgain(text: string): void
}

/**
 * The magnet field with its Add button, and the file pickers for seeding and for opening .torrent files;
 * `beside` (the share format) sits with the pickers.
 */
export function createAddForm(handlers: AddFormHandlers, beside: HTMLElement | null = null): AddForm {
  const input = el('input', {
    id: 'magnet-input',
    type: 'text',
    name: 'magnet',
    'data-testid': 'magnet-input',
    placeholder: 'magnet:?xt=urn:btih:…, an info hash, or a .torrent URL',
    autocomplete: 'off',
    spellcheck: 'false',
    'aria-label': 'Magnet link, info hash or .torrent URL',
  })
  const add = el('button', { type: 'submit', class: 'primary', 'data-testid': 'add-button' }, ['Add'])
  const form = el('form', { class: 'add-form', 'aria-label': 'Add a torrent' }, [input, add])
  form.addEventListener('submit', (event) => {
    event.preventDefault()
    const text = input.value.trim()
    if (text === '') {
      handlers.onEmptyLink()
      input.focus()
      return
    }
    if (handlers.onAddLink(text)) input.value = ''
    else input.select()
  })

  const seedFiles = filePicker('Share files', { 'data-testid': 'seed-files-input', multiple: true }, (files) => handlers.onSeed(files))
  const seedFolder = filePicker('Share a folder', { 'data-testid': 'seed-folder-input', webkitdirectory: true, multiple: true }, (files) =>
    handlers.onSeed(files),
  )
  for (const picker of [seedFiles, seedFolder]) {
    for (const type of ['pointerdown', 'focusin']) picker.addEventListener(type, () => handlers.onSeedIntent?.())
  }
  const openTorrent = filePicker(
    'Open .torrent',
    { 'data-testid': 'torrent-file-input', accept: '.torrent,application/x-bittorrent', multiple: true },
    (files) => files.forEach((file) => handlers.onOpenTorrentFile(file)),
  )

  const element = el('section', { class: 'add', 'aria-label': 'Add torrents' }, [
    form,
    el('div', { class: 'pickers' }, [openTorrent, seedFiles, seedFolder, beside]),
  ])
  return {
    element,
    offerAgain(text) {
      if (input.value !== '') return
      input.value = text
      input.focus()
      input.select()
    },
  }
}

/** A button-looking label around a visually hidden (still focusable) file input. */
function filePicker(label: string, attrs: Record<string, string | boolean>, onFiles: (files: File[]) => void): HTMLLabelElement {
  const input = el('input', { type: 'file', class: 'visually-hidden', ...attrs })
  input.addEventListener('change', () => {
    const files = Array.from(input.files ?? [])
    input.value = ''
    if (files.length > 0) onFiles(files)
  })
  return el('label', { class: 'button file-button' }, [input, label])
}
