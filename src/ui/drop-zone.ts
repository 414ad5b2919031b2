import { el } from './dom.ts'

/** The parts of `FileSystemEntry` used here (kept structural so tests can pass plain objects). */
export interface DroppedEntry {
  readonly isFile: boolean
  readonly isDirectory: boolean
  readonly name: string
  readonly fullPath: string
}
interface DroppedFileEntry extends DroppedEntry {
  file(success: (file: File) => void, failure?: (err: DOMException) => void): void
}
interface DroppedDirectoryEntry extends DroppedEntry {
  createReader(): { readEntries(success: (entries: DroppedEntry[]) => void, failure?: (err: DOMException) => void): void }
}

/** Operating-system clutter that nobody means to share. */
const JUNK_NAMES = new Set(['.DS_Store', 'Thumbs.db', 'desktop.ini'])

/** A file with its path inside the dropped selection, as `client.seed()` reads it (`path` property). */
export type FileWithPath = File & { readonly path?: string }

/** Returns `file` itself when `path` is just its name, else a copy carrying `path`. */
export function withPath(file: File, path: string): FileWithPath {
  if (path === '' || path === file.name) return file
  const copy = new File([file], file.name, { type: file.type, lastModified: file.lastModified })
  Object.defineProperty(copy, 'path', { value: path, enumerable: true })
  return copy
}

/** Walks dropped entries (folders recursively) and returns every file with its relative path. */
export async function filesFromEntries(entries: readonly DroppedEntry[]): Promise<FileWithPath[]> {
  const files: FileWithPath[] = []
  for (const entry of entries) {
    if (JUNK_NAMES.has(entry.name)) continue
    if (entry.isFile) {
      const file = await new Promise<File>((resolve, reject) => (entry as DroppedFileEntry).file(resolve, reject))
      files.push(withPath(file, relativePath(entry)))
    } else if (entry.isDirectory) {
      files.push(...(await filesFromEntries(await readAllEntries(entry as DroppedDirectoryEntry))))
    }
  }
  return files
}

/** `readEntries` hands out a directory in batches (100 in Chromium) until it returns an empty one. */
async function readAllEntries(dir: DroppedDirectoryEntry): Promise<DroppedEntry[]> {
  const reader = dir.createReader()
  const all: DroppedEntry[] = []
  for (;;) {
    const batch = await new Promise<DroppedEntry[]>((resolve, reject) => reader.readEntries(resolve, reject))
    if (batch.length === 0) return all
    all.push(...batch)
  }
}

function relativePath(entry: DroppedEntry): string {
  return entry.fullPath ? entry.fullPath.replace(/^\/+/, '') : entry.name
}

/** The files of a drop; entries must be taken synchronously, inside the `drop` event. */
export function filesFromDrop(data: DataTransfer): Promise<FileWithPath[]> {
  const entries: DroppedEntry[] = []
  for (const item of Array.from(data.items)) {
    if (item.kind !== 'file') continue
    const entry = typeof item.webkitGetAsEntry === 'function' ? item.webkitGetAsEntry() : null
    if (entry) entries.push(entry)
  }
  if (entries.length === 0) return Promise.resolve(Array.from(data.files))
  return filesFromEntries(entries)
}

export function createDropZone(): HTMLElement {
  return el('div', { class: 'drop-zone', 'data-testid': 'drop-zone' }, [
    el('strong', {}, ['Drop files or folders here']),
    el('span', {}, [' (or anywhere on the page) to share them. Drop a .torrent file to download it.']),
  ])
}

export interface DropHandlers {
  onFiles(files: FileWithPath[]): void
  onError(err: unknown): void
  /** Files are being dragged over the page: a drop may follow. */
  onIntent?(): void
}

/** Accepts file drops anywhere in `target`; highlights `zone` while files are dragged over the page. */
export function attachDropTarget(target: HTMLElement, zone: HTMLElement, handlers: DropHandlers): () => void {
  let depth = 0
  const hasFiles = (e: DragEvent): boolean => e.dataTransfer?.types.includes('Files') ?? false
  const setActive = (active: boolean): void => {
    zone.classList.toggle('active', active)
    target.classList.toggle('dragging', active)
  }
  const onEnter = (e: DragEvent): void => {
    if (!hasFiles(e)) return
    e.preventDefault()
    if (depth++ === 0) handlers.onIntent?.()
    setActive(true)
  }
  const onOver = (e: DragEvent): void => {
    if (!hasFiles(e) || !e.dataTransfer) return
    e.preventDefault()
    e.dataTransfer.dropEffect = 'copy'
  }
  const onLeave = (e: DragEvent): void => {
    if (!hasFiles(e)) return
    depth = Math.max(0, depth - 1)
    if (depth === 0) setActive(false)
  }
  const onDrop = (e: DragEvent): void => {
    depth = 0
    setActive(false)
    if (!e.dataTransfer || !hasFiles(e)) return
    e.preventDefault()
    filesFromDrop(e.dataTransfer).then(handlers.onFiles, handlers.onError)
  }
  target.addEventListener('dragenter', onEnter)
  target.addEventListener('dragover', onOver)
  target.addEventListener('dragleave', onLeave)
  target.addEventListener('drop', onDrop)
  return () => {
    target.removeEventListener('dragenter', onEnter)
    target.removeEventListener('dragover', onOver)
    target.removeEventListener('dragleave', onLeave)
    target.removeEventListener('drop', onDrop)
  }
}
