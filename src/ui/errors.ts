import { el, setText, updateAttr } from './dom.ts'

/** What the user was doing when an error arrived; decides the words in front of the library's message. */
export type ErrorOrigin =
  | { kind: 'link'; input: string }
  | { kind: 'torrent-file'; fileName: string }
  | { kind: 'seed' }
  | { kind: 'torrent'; name: string }
  | { kind: 'save'; fileName: string }
  | { kind: 'play'; fileName: string }
  | { kind: 'open'; fileName: string }
  | { kind: 'client' }

const HEX_HASH = /^[0-9a-f]{40}$/i
const BASE32_HASH = /^[a-z2-7]{32}$/i
/** Hex of about an info hash's length (a character too many or too few is still meant as one). */
const NEAR_HEX_HASH = /^[0-9a-f]{30,50}$/i

/** Errors whose message already says everything (no "not valid" in front of it). */
const SELF_EXPLAINING_CODES = new Set(['DUPLICATE_TORRENT'])

function codeOf(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code
  return typeof code === 'string' ? code : ''
}

/** True for errors caused by what the user gave us (bad magnet, not a .torrent…). */
export function isInvalidInput(err: unknown): boolean {
  if (!(err instanceof Error) || SELF_EXPLAINING_CODES.has(codeOf(err))) return false
  return err.name === 'InvalidInputError' || codeOf(err).startsWith('INVALID')
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message || err.name
  return String(err)
}

/** One sentence for the error banner. */
export function describeError(err: unknown, origin: ErrorOrigin): string {
  const message = errorMessage(err)
  if (SELF_EXPLAINING_CODES.has(codeOf(err))) return message
  const invalid = isInvalidInput(err)
  switch (origin.kind) {
    case 'link': {
      if (!invalid) return `Could not add that torrent: ${message}`
      const input = origin.input.trim()
      if (/^https?:/i.test(input)) return `That .torrent URL could not be used: ${message}`
      if (HEX_HASH.test(input) || BASE32_HASH.test(input) || NEAR_HEX_HASH.test(input)) return `That info hash is not valid: ${message}`
      return `That magnet link is not valid: ${message}`
    }
    case 'torrent-file':
      return invalid ? `That file is not a .torrent: ${withoutLead(message, /^this file is not a \.torrent( file)?[:.]\s*/i)}` : `Could not open ${origin.fileName}: ${message}`
    case 'seed':
      return `Could not seed those files: ${message}`
    case 'torrent':
      return `${origin.name || 'Torrent'}: ${message}`
    case 'save':
      return `Could not save ${origin.fileName}: ${message}`
    case 'play':
      return `Could not play ${origin.fileName}: ${message}`
    case 'open':
      return `Could not open ${origin.fileName}: ${message}`
    case 'client':
      return message
  }
}

/** Drops a leading clause of the library's message that repeats what our prefix already says. */
function withoutLead(message: string, lead: RegExp): string {
  const rest = message.replace(lead, '')
  return rest === '' ? message : rest
}

export type NoticeKind = 'error' | 'warning'

/** The banner (role="alert") that shows the latest error; a warning never hides a visible error. */
export class ErrorBanner {
  readonly element: HTMLDivElement
  readonly #text: HTMLSpanElement
  readonly #label: HTMLSpanElement
  #kind: NoticeKind | null = null

  constructor() {
    this.#label = el('span', { class: 'banner-label' })
    this.#text = el('span', { class: 'banner-text', 'data-testid': 'error-message' })
    const dismiss = el('button', { type: 'button', class: 'banner-dismiss', 'data-testid': 'error-dismiss', 'aria-label': 'Dismiss message' }, ['×'])
    dismiss.addEventListener('click', () => this.clear())
    this.element = el('div', { class: 'banner', role: 'alert', 'data-testid': 'error-banner', hidden: true }, [
      el('p', { class: 'banner-body' }, [this.#label, ' ', this.#text]),
      dismiss,
    ])
  }

  get kind(): NoticeKind | null {
    return this.#kind
  }

  get text(): string {
    return this.#text.textContent ?? ''
  }

  show(text: string, kind: NoticeKind = 'error'): void {
    if (kind === 'warning' && this.#kind === 'error') return
    this.#kind = kind
    setText(this.#label, kind === 'error' ? 'Error:' : 'Warning:')
    setText(this.#text, text)
    updateAttr(this.element, 'data-kind', kind)
    this.element.hidden = false
  }

  /** Clears the banner if it still shows `text` (a warning that no longer holds). */
  clearIf(text: string): void {
    if (this.text === text) this.clear()
  }

  clear(): void {
    this.#kind = null
    setText(this.#text, '')
    this.element.hidden = true
  }
}
