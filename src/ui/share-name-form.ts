import { el, setText } from './dom.ts'
import { formatBytes } from './format.ts'
import { checkShareName, proposeShareName } from './share-name.ts'

/** How many file names the summary lists before "and N more". */
const LISTED_NAMES = 3

export interface ShareNameForm {
  readonly element: HTMLFormElement
  /**
   * Asks for a name for `files`, proposing one (`hint` first, e.g. a share's title). Resolves with the
   * name, or null when the person cancels or a newer selection replaces this one.
   */
  ask(files: File[], hint?: string): Promise<string | null>
}

/**
 * "Name this share": shown when several files are about to be shared, prefilled with a proposal.
 * The magnet link is made only once the person confirms (the name is part of the info hash).
 */
export function createShareNameForm(): ShareNameForm {
  const input = el('input', { id: 'share-name-input', type: 'text', 'data-testid': 'share-name-input', autocomplete: 'off', spellcheck: 'false', 'aria-describedby': 'share-name-summary share-name-error' })
  const summary = el('p', { id: 'share-name-summary', class: 'hint', 'data-testid': 'share-name-summary' })
  const error = el('p', { id: 'share-name-error', class: 'field-error', 'data-testid': 'share-name-error', role: 'alert', hidden: true })
  const confirm = el('button', { type: 'submit', class: 'primary', 'data-testid': 'share-name-confirm' }, ['Share'])
  const cancel = el('button', { type: 'button', 'data-testid': 'share-name-cancel' }, ['Cancel'])
  const form = el('form', { class: 'share-name', 'data-testid': 'share-name-form', 'aria-label': 'Name this share', hidden: true }, [
    el('label', { for: 'share-name-input' }, ['Name this share (it becomes the folder the files are in)']),
    el('div', { class: 'share-name-row' }, [input, confirm, cancel]),
    summary,
    error,
  ])
  let answer: ((name: string | null) => void) | null = null

  const showProblem = (problem: string | null): void => {
    error.hidden = problem === null
    setText(error, problem ?? '')
    if (problem === null) input.removeAttribute('aria-invalid')
    else input.setAttribute('aria-invalid', 'true')
  }
  const close = (name: string | null): void => {
    const reply = answer
    answer = null
    form.hidden = true
    showProblem(null)
    reply?.(name)
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault()
    const check = checkShareName(input.value)
    if (!check.ok) {
      showProblem(check.problem)
      input.focus()
      return
    }
    close(check.name)
  })
  cancel.addEventListener('click', () => close(null))
  form.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') close(null)
  })

  return {
    element: form,
    ask(files, hint = '') {
      close(null)
      const reply = new Promise<string | null>((resolve) => (answer = resolve))
      input.value = proposeShareName(files, hint)
      setText(summary, describeFiles(files))
      showProblem(null)
      form.hidden = false
      form.scrollIntoView?.({ block: 'nearest' })
      input.focus()
      input.select()
      return reply
    },
  }
}

/** "3 files, 1.2 MB: a.bin, b.bin, c.txt" (first few names, then "and N more"). */
function describeFiles(files: readonly File[]): string {
  const size = formatBytes(files.reduce((sum, f) => sum + f.size, 0))
  const names = files.slice(0, LISTED_NAMES).map((f) => f.name)
  const more = files.length > LISTED_NAMES ? ` and ${files.length - LISTED_NAMES} more` : ''
  return `${files.length} files, ${size}: ${names.join(', ')}${more}`
}
