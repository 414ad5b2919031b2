import { el, setText } from './dom.ts'

/** Where the limits are remembered between visits. */
export const LIMITS_STORAGE_KEY = 'swarmstream:limits'

export interface Limits {
  /** kB/s; 0 = unlimited. */
  upload: number
  download: number
}

export function loadLimits(storage: Pick<Storage, 'getItem'> | null = globalThis.localStorage ?? null): Limits {
  try {
    const parsed = JSON.parse(storage?.getItem(LIMITS_STORAGE_KEY) ?? '{}') as Partial<Limits>
    return { upload: positive(parsed.upload), download: positive(parsed.download) }
  } catch {
    return { upload: 0, download: 0 }
  }
}

function positive(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0
}

/** Upload/download limit fields (kB/s, empty or 0 = unlimited), applied at once. */
export function createLimitsForm(initial: Limits, onChange: (limits: Limits) => void): HTMLFormElement {
  const input = (id: string, value: number) =>
    el('input', { id, type: 'number', min: 0, step: 10, inputmode: 'numeric', 'data-testid': id, value: value || '', placeholder: 'unlimited' })
  const upload = input('upload-limit', initial.upload)
  const download = input('download-limit', initial.download)
  const status = el('p', { class: 'settings-status', role: 'status' })
  const form = el('form', { class: 'settings-form limits' }, [
    el('label', { for: 'upload-limit' }, ['Upload limit (kB/s)']),
    upload,
    el('label', { for: 'download-limit' }, ['Download limit (kB/s)']),
    download,
    el('div', { class: 'settings-actions' }, [el('button', { type: 'submit', 'data-testid': 'limits-save' }, ['Apply limits'])]),
    status,
  ])
  form.addEventListener('submit', (event) => {
    event.preventDefault()
    const limits = { upload: positive(Number(upload.value)), download: positive(Number(download.value)) }
    onChange(limits)
    try {
      globalThis.localStorage?.setItem(LIMITS_STORAGE_KEY, JSON.stringify(limits))
    } catch {
      // Storage may be unavailable; the limits still apply to this visit.
    }
    const text = (v: number) => (v > 0 ? `${v} kB/s` : 'unlimited')
    setText(status, `Upload ${text(limits.upload)}, download ${text(limits.download)}.`)
  })
  return form
}
