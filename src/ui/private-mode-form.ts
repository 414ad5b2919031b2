import { el, setText } from './dom.ts'
import {
  PRIVATE_MODE_COSTS,
  parseTurnUrls,
  privateModeProblems,
  savePrivateMode,
  type PrivateModeSettings,
} from './private-mode.ts'
import { probeTurnServer, type TurnProbeResult } from './turn-probe.ts'

export interface PrivateModeFormDeps {
  /** The settings this page load runs with. */
  current: PrivateModeSettings
  storage: Pick<Storage, 'setItem'> | null
  notify(text: string, kind: 'error' | 'warning'): void
  /** Starts the page again so every connection uses the new settings (default: reload). */
  restart?(): void
  probe?(turn: PrivateModeSettings['turn']): Promise<TurnProbeResult>
}

/**
 * Settings → Private mode: "Hide my IP address from peers" with the TURN server to relay through.
 * Turning it on checks the TURN server first (a relay address must come back) and refuses otherwise;
 * a change applies by reloading the page, because open connections have already shown the address.
 */
export function createPrivateModeForm(deps: PrivateModeFormDeps): HTMLFormElement {
  const { current } = deps
  const toggle = el('input', { type: 'checkbox', id: 'private-mode', 'data-testid': 'private-mode-toggle', checked: current.enabled })
  const field = (id: string, type: string, value: string, placeholder: string) =>
    el('input', { id, type, value, placeholder, 'data-testid': id, autocomplete: 'off', spellcheck: 'false' })
  const urls = field('turn-url', 'text', current.turn.urls.join(' '), 'turn:turn.example.org:3478')
  const username = field('turn-username', 'text', current.turn.username, 'username')
  const credential = field('turn-credential', 'password', current.turn.credential, 'password')
  const save = el('button', { type: 'submit', 'data-testid': 'private-mode-save' }, ['Save private mode'])
  const status = el('p', { class: 'settings-status', role: 'status', 'data-testid': 'private-mode-status' }, [
    current.enabled ? `Private mode is on: peers see only ${current.turn.urls[0]}.` : 'Private mode is off: peers see your IP address.',
  ])
  const form = el('form', { class: 'settings-form private-mode', 'aria-label': 'Private mode', 'data-testid': 'private-mode-form' }, [
    el('p', { class: 'settings-label' }, ['Private mode']),
    el('label', { for: 'private-mode', class: 'check' }, [toggle, ' Hide my IP address from peers']),
    el('p', { class: 'hint' }, [PRIVATE_MODE_COSTS]),
    el('label', { for: 'turn-url' }, ['TURN server URL (turn: or turns:)']),
    urls,
    el('label', { for: 'turn-username' }, ['Username']),
    username,
    el('label', { for: 'turn-credential' }, ['Password']),
    credential,
    el('div', { class: 'settings-actions' }, [save]),
    status,
  ])

  const refuse = (why: string): void => {
    setText(status, `Private mode is not on: ${why}`)
    deps.notify(`Private mode was not turned on: ${why}`, 'error')
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault()
    const parsed = parseTurnUrls(urls.value)
    const settings: PrivateModeSettings = {
      enabled: toggle.checked,
      turn: { urls: parsed.urls, username: username.value.trim(), credential: credential.value },
    }
    const problems = privateModeProblems(settings, parsed.invalid)
    if (problems.length > 0) return refuse(problems.join(' '))
    void apply(settings)
  })

  async function apply(settings: PrivateModeSettings): Promise<void> {
    if (settings.enabled) {
      save.disabled = true
      setText(status, 'Checking the TURN server…')
      const result = await (deps.probe ?? probeTurnServer)(settings.turn)
      save.disabled = false
      if (!result.ok) return refuse(`${result.reason}. Check the URL, username and password.`)
    }
    if (!savePrivateMode(settings, deps.storage)) return refuse('this browser does not let the page store settings.')
    if (settings.enabled === current.enabled && !current.enabled) {
      setText(status, 'Saved. Private mode is off: peers see your IP address.')
      return
    }
    setText(status, settings.enabled ? 'Private mode is on. Reloading, so that every connection goes through the TURN server…' : 'Private mode is off. Reloading…')
    ;(deps.restart ?? (() => location.reload()))()
  }

  return form
}

/**
 * On a page that runs in private mode: checks the TURN server once and warns when it gives no relay
 * address, because then no peer can connect at all.
 */
export function checkPrivateModeAtStart(settings: PrivateModeSettings, notify: PrivateModeFormDeps['notify'], probe = probeTurnServer): void {
  if (!settings.enabled) return
  void probe(settings.turn).then((result) => {
    if (!result.ok) {
      notify(`Private mode is on, but ${result.reason}: no peer can connect. Fix the TURN server in Settings, or turn private mode off.`, 'warning')
    }
  })
}
