import { el } from './dom.ts'

export interface RemoveChoice {
  /** The user chose; `destroyStore`: also delete the downloaded data. */
  onRemove(destroyStore: boolean): void
  onCancel(): void
}

/**
 * The inline "keep or delete the data?" question shown after Remove. The first button takes the
 * focus; Escape cancels.
 */
export function createRemoveConfirm(seeded: boolean, choice: RemoveChoice): { element: HTMLElement; focus(): void } {
  const keep = el('button', { type: 'button', class: 'small', 'data-testid': 'remove-keep-data' }, ['Remove, keep data'])
  const del = el('button', { type: 'button', class: 'small danger', 'data-testid': 'remove-delete-data' }, ['Remove and delete data'])
  const cancel = el('button', { type: 'button', class: 'small', 'data-testid': 'remove-cancel' }, ['Cancel'])
  const hint = seeded
    ? 'Deleting removes the copy stored in this browser; your original files stay where they are.'
    : 'Keeping the data lets you add this torrent again without downloading it again.'
  const element = el('div', { class: 'remove-confirm', role: 'group', 'aria-label': 'Remove this torrent?', 'data-testid': 'remove-confirm' }, [
    el('p', { class: 'remove-question' }, [el('strong', {}, ['Remove this torrent? ']), hint]),
    el('div', { class: 'remove-buttons' }, [keep, del, cancel]),
  ])
  const choose = (destroyStore: boolean): void => {
    keep.disabled = true
    del.disabled = true
    cancel.disabled = true
    choice.onRemove(destroyStore)
  }
  keep.addEventListener('click', () => choose(false))
  del.addEventListener('click', () => choose(true))
  cancel.addEventListener('click', () => choice.onCancel())
  element.addEventListener('keydown', (event) => {
    if (event.key !== 'Escape') return
    event.preventDefault()
    choice.onCancel()
  })
  return { element, focus: () => keep.focus() }
}
