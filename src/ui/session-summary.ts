import type { UiClient } from './ports.ts'
import { el, setText } from './dom.ts'
import { formatBytes, formatSpeed } from './format.ts'

/** "Shared this session: 26.2 MB uploaded · ↑ 0 B/s": what this page gave to others since it opened. */
export function formatSessionShare(uploaded: number, uploadSpeed: number): string {
  return `Shared this session: ${formatBytes(uploaded)} uploaded · ↑ ${formatSpeed(uploadSpeed)}`
}

export interface SessionSummary {
  readonly element: HTMLElement
  update(): void
}

export function createSessionSummary(client: Pick<UiClient, 'uploaded' | 'uploadSpeed'>): SessionSummary {
  const text = el('span', { class: 'num', 'data-testid': 'session-uploaded' })
  const element = el('p', { class: 'session-summary', 'aria-live': 'off' }, [text])
  const update = (): void => {
    updateData(element, client.uploaded)
    setText(text, formatSessionShare(client.uploaded, client.uploadSpeed))
  }
  update()
  return { element, update }
}

/** The exact byte count, for tests and tooltips. */
function updateData(element: HTMLElement, uploaded: number): void {
  const value = String(uploaded)
  if (element.dataset['uploaded'] !== value) element.dataset['uploaded'] = value
  element.title = `${uploaded.toLocaleString('en')} bytes uploaded since this page was opened`
}
