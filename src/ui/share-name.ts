/** Naming a share of several files: the proposal and the check of what the person typed. Pure. */

/** A file as the seed pickers, drops and shares hand it over. */
export interface NamedFile {
  readonly name: string
  readonly path?: string
  readonly webkitRelativePath?: string
}

/** Longest torrent name accepted, in UTF-8 bytes (most file systems allow 255 per name). */
export const MAX_SHARE_NAME_BYTES = 255

/** The path a file is seeded under ("folder/a.txt" or "a.txt"). */
function pathOf(file: NamedFile): string {
  return (file.path || file.webkitRelativePath || file.name).replace(/^\/+/, '')
}

/** Only a share of several files asks for a name; a single file keeps its own. */
export function needsShareName(files: readonly NamedFile[]): boolean {
  return files.length > 1
}

/**
 * The name proposed for several files: `hint` (e.g. the title of a share from another app) when it
 * is a usable name, else the folder every file is in, else "N files".
 */
export function proposeShareName(files: readonly NamedFile[], hint = ''): string {
  const fromHint = checkShareName(hint)
  if (fromHint.ok) return fromHint.name
  const tops = new Set(files.map((f) => (pathOf(f).includes('/') ? pathOf(f).split('/')[0] : null)))
  const [top] = tops
  if (tops.size === 1 && top) return top
  return `${files.length} files`
}

export type ShareNameCheck = { ok: true; name: string } | { ok: false; problem: string }

/** A torrent name is one plain file or folder name: trimmed, not empty, no slashes, not too long. */
export function checkShareName(text: string): ShareNameCheck {
  const name = text.trim()
  if (name === '') return { ok: false, problem: 'Give the share a name.' }
  if (/[/\\\0]/.test(name)) return { ok: false, problem: 'A name cannot contain / or \\: it becomes the folder that holds the files.' }
  if (name === '.' || name === '..') return { ok: false, problem: `"${name}" cannot be a folder name: choose another name.` }
  if (new TextEncoder().encode(name).length > MAX_SHARE_NAME_BYTES) {
    return { ok: false, problem: `That name is too long: use at most ${MAX_SHARE_NAME_BYTES} bytes (about ${MAX_SHARE_NAME_BYTES} letters).` }
  }
  return { ok: true, name }
}
