/**
 * The URL parameters the app is launched with by the browser, and what a share from another app
 * can carry. Pure.
 *   ?magnet=<link>  a magnet link opened with Swarmstream (registerProtocolHandler, manifest protocol_handlers)
 *   ?share=<id>     files or a link shared to the installed app (manifest share_target, see src/sw/sw.ts)
 */

export const MAGNET_PARAM = 'magnet'
export const SHARE_PARAM = 'share'
const LAUNCH_PARAMS = [MAGNET_PARAM, SHARE_PARAM]

/** What the service worker names a share: a random UUID. */
const SHARE_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export interface LaunchParams {
  /** The link to add (as given: the add path reports a bad one). */
  magnet: string | null
  /** A share waiting in the inbox. */
  share: string | null
}

export function readLaunchParams(search: string): LaunchParams {
  const params = new URLSearchParams(search)
  const magnet = params.get(MAGNET_PARAM)?.trim() ?? ''
  const share = params.get(SHARE_PARAM)?.trim() ?? ''
  return { magnet: magnet === '' ? null : magnet, share: SHARE_ID.test(share) ? share : null }
}

/** `href` without the launch parameters (other parameters and the fragment stay), so a reload does not repeat them. */
export function withoutLaunchParams(href: string): string {
  const url = new URL(href)
  for (const name of LAUNCH_PARAMS) url.searchParams.delete(name)
  return url.href
}

/** The handler URL for `navigator.registerProtocolHandler('magnet', …)`: the browser puts the link at %s. */
export function magnetHandlerUrl(origin: string): string {
  return `${origin}/?${MAGNET_PARAM}=%s`
}

const MAGNET_IN_TEXT = /magnet:\?[^\s"'<>]+/i
const TORRENT_URL_IN_TEXT = /https?:\/\/[^\s"'<>]+\.torrent(?:[?#][^\s"'<>]*)?/i
const INFO_HASH_IN_TEXT = /(?<![0-9a-z])(?:[0-9a-f]{40}|[a-z2-7]{32})(?![0-9a-z])/i

/**
 * A torrent in what another app shared as text: a magnet link, else a .torrent URL, else an info
 * hash (checked in that order over `url`, then `text`, then `title`); null when there is none.
 */
export function torrentIdInText(...texts: string[]): string | null {
  for (const pattern of [MAGNET_IN_TEXT, TORRENT_URL_IN_TEXT, INFO_HASH_IN_TEXT]) {
    for (const text of texts) {
      const match = pattern.exec(text)
      if (match) return match[0]
    }
  }
  return null
}
