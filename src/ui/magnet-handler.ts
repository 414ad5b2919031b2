import { el, setText } from './dom.ts'
import { magnetHandlerUrl } from './launch-params.ts'

/** The part of `navigator` used here (Safari and most mobile browsers lack it). */
export interface ProtocolRegistry {
  registerProtocolHandler?(scheme: string, url: string): void
}

/**
 * Settings: "Open magnet links with Swarmstream". The browser asks the person to confirm; from then
 * on a magnet link anywhere opens `/?magnet=<link>` here, which adds the torrent.
 */
export function createMagnetHandlerSetting(nav: ProtocolRegistry = navigator, origin = location.origin): HTMLElement {
  const supported = typeof nav.registerProtocolHandler === 'function'
  const button = el('button', { type: 'button', 'data-testid': 'register-magnet-handler', disabled: !supported }, ['Open magnet links with Swarmstream'])
  const status = el('p', { class: 'settings-status', role: 'status', 'data-testid': 'magnet-handler-status' }, [
    supported ? '' : 'This browser does not let web apps open magnet links (Chromium-based browsers and Firefox do).',
  ])
  button.addEventListener('click', () => {
    try {
      nav.registerProtocolHandler!('magnet', magnetHandlerUrl(origin))
      setText(status, 'Asked the browser: confirm in its prompt (next to the address bar). Magnet links on any site then open here and start downloading.')
    } catch (err) {
      setText(status, `The browser refused: ${(err as Error).message}. It allows this only on https:// pages (or localhost).`)
    }
  })
  return el('section', { class: 'settings-form', 'aria-label': 'Magnet links' }, [
    el('p', { class: 'settings-label' }, ['Magnet links']),
    el('p', { class: 'hint' }, ['Let this browser open magnet: links from any website in Swarmstream.']),
    el('div', { class: 'settings-actions' }, [button]),
    status,
  ])
}
