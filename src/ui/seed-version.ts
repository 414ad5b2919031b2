import { el } from './dom.ts'
import type { SeedVersion } from './ports.ts'

export const SEED_VERSION_STORAGE_KEY = 'swarmstream:seed-version'

const CHOICES: readonly { value: SeedVersion; label: string }[] = [
  { value: 'v1', label: 'BitTorrent v1 (WebTorrent too)' },
  { value: 'hybrid', label: 'Hybrid v1 + v2' },
  { value: 'v2', label: 'BitTorrent v2 only' },
]

export function isSeedVersion(value: unknown): value is SeedVersion {
  return CHOICES.some((c) => c.value === value)
}

export interface SeedVersionSelect {
  readonly element: HTMLElement
  /** The format new shares are made in. */
  value(): SeedVersion
}

/**
 * Which torrent format new shares are made in: v1 (the default, what WebTorrent makes and reads), hybrid
 * (v1 peers and v2 peers in one swarm) or v2 only (SHA-256 merkle trees; WebTorrent cannot join). The
 * choice is kept for later visits when the browser lets the page store it.
 */
export function createSeedVersionSelect(storage: Storage | null): SeedVersionSelect {
  const select = el('select', { id: 'seed-version', 'data-testid': 'seed-version' }, CHOICES.map((c) => el('option', { value: c.value }, [c.label])))
  let saved: string | null = null
  try {
    saved = storage?.getItem(SEED_VERSION_STORAGE_KEY) ?? null
  } catch {
    saved = null
  }
  select.value = isSeedVersion(saved) ? saved : 'v1'
  select.addEventListener('change', () => {
    try {
      storage?.setItem(SEED_VERSION_STORAGE_KEY, select.value)
    } catch {
      // Storage refused (blocked cookies): the choice holds for this visit.
    }
  })
  const element = el('label', { class: 'seed-version', title: 'The torrent format of files you share from now on' }, ['Share as ', select])
  return { element, value: () => (isSeedVersion(select.value) ? select.value : 'v1') }
}
