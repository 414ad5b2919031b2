import type { AppConfig } from './config.ts'
import { clearSavedTrackers, parseTrackerList, saveTrackers } from './config.ts'
import { el, setText } from './dom.ts'

export interface SettingsHandlers {
  /** The list to use for new torrents from now on. */
  onTrackers(trackers: string[]): void
  notify(text: string, kind: 'error' | 'warning'): void
}

/** `<details data-testid="settings">` with the tracker list editor. */
export function createSettings(config: AppConfig, handlers: SettingsHandlers): HTMLDetailsElement {
  const textarea = el('textarea', { id: 'tracker-list', 'data-testid': 'tracker-list', rows: 5, spellcheck: 'false', autocomplete: 'off', wrap: 'off' })
  textarea.value = config.announce.join('\n')
  const status = el('p', { class: 'settings-status', role: 'status' })
  const save = el('button', { type: 'submit', class: 'primary', 'data-testid': 'tracker-save' }, ['Save trackers'])
  const reset = el('button', { type: 'button', 'data-testid': 'tracker-reset' }, ['Reset to defaults'])
  const note =
    config.trackerSource === 'url'
      ? 'This page was opened with ?announce= trackers. A list saved here applies to new torrents now and to later visits without ?announce=.'
      : 'New torrents announce to these WebSocket trackers.'

  const form = el('form', { class: 'settings-form' }, [
    el('label', { for: 'tracker-list' }, ['Trackers, one ws:// or wss:// URL per line']),
    textarea,
    el('p', { class: 'hint' }, [note]),
    el('div', { class: 'settings-actions' }, [save, reset]),
    status,
  ])

  const apply = (trackers: string[], saved: boolean): void => {
    handlers.onTrackers(trackers)
    const count = `${trackers.length} tracker${trackers.length === 1 ? '' : 's'}`
    const where = saved ? '' : ' for this visit only (this browser does not let the page store settings)'
    setText(status, trackers.length === 0 ? `Saved${where}. With no trackers, new torrents will not find peers.` : `Saved${where}: new torrents use ${count}.`)
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault()
    const { trackers, invalid } = parseTrackerList(textarea.value)
    if (invalid.length > 0) {
      handlers.notify(`These lines are not WebSocket tracker URLs: ${invalid.join(', ')}. Use ws:// or wss:// URLs, one per line, then save again.`, 'error')
      setText(status, 'Not saved.')
      return
    }
    textarea.value = trackers.join('\n')
    apply(trackers, saveTrackers(trackers))
  })
  reset.addEventListener('click', () => {
    textarea.value = config.defaults.join('\n')
    apply([...config.defaults], clearSavedTrackers())
  })

  return el('details', { class: 'settings', 'data-testid': 'settings' }, [el('summary', {}, ['Settings']), form])
}
