/**
 * Private mode: peers see a TURN server's address instead of ours. WebRTC then uses relay candidates
 * only (`iceTransportPolicy: 'relay'`), so every byte goes through the TURN server the person gives.
 * Pure: parsing, checking and the RTCConfiguration; storage access takes the Storage it uses.
 */

export const PRIVATE_MODE_STORAGE_KEY = 'swarmstream:private-mode'

export interface TurnServerEntry {
  /** One or more `turn:`/`turns:` URLs of the same server (e.g. UDP and TLS). */
  urls: string[]
  username: string
  credential: string
}

export interface PrivateModeSettings {
  enabled: boolean
  turn: TurnServerEntry
}

export const PRIVATE_MODE_OFF: PrivateModeSettings = { enabled: false, turn: { urls: [], username: '', credential: '' } }

/** What private mode costs, in the words the settings show. */
export const PRIVATE_MODE_COSTS =
  'Peers then see only the TURN server\'s address, never yours. It costs speed: every byte goes through that server ' +
  '(its bandwidth and distance limit the transfer), and it needs a TURN server you may use — your own (e.g. coturn) or a ' +
  'paid service. Trackers, web seeds and the TURN server itself still see your address.'

/** A TURN URL a browser accepts (RFC 7065): turn: or turns:, a host, optional port and transport. */
export function isTurnUrl(text: string): boolean {
  return /^turns?:(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(:\d{1,5})?(\?transport=(udp|tcp))?$/i.test(text)
}

/** Splits the URL field: URLs separated by spaces, commas or new lines. */
export function parseTurnUrls(text: string): { urls: string[]; invalid: string[] } {
  const urls: string[] = []
  const invalid: string[] = []
  for (const part of text.split(/[\s,]+/)) {
    if (part === '') continue
    if (!isTurnUrl(part)) invalid.push(part)
    else if (!urls.includes(part)) urls.push(part)
  }
  return { urls, invalid }
}

/** Why these settings cannot turn private mode on; empty when they can (or it is off). */
export function privateModeProblems(settings: PrivateModeSettings, invalidUrls: readonly string[] = []): string[] {
  if (!settings.enabled) return []
  const problems: string[] = []
  for (const bad of invalidUrls) {
    problems.push(
      /^stuns?:/i.test(bad)
        ? `${bad} is a STUN server: it cannot relay. Private mode needs a TURN server (turn: or turns:).`
        : `${bad} is not a TURN URL; write it as turn:host:port or turns:host:port.`,
    )
  }
  if (settings.turn.urls.length === 0 && invalidUrls.length === 0) {
    problems.push('Private mode needs a TURN server: without one no peer could reach you. Enter its URL (turn:host:port), username and password.')
  }
  if (settings.turn.urls.length > 0 && (settings.turn.username === '' || settings.turn.credential === '')) {
    problems.push('Enter the TURN server\'s username and password: browsers use a TURN server only with both.')
  }
  return problems
}

/** The RTCConfiguration of private mode: the TURN server only, relay candidates only. */
export function privateRtcConfig(turn: TurnServerEntry): RTCConfiguration {
  return {
    iceServers: [{ urls: [...turn.urls], username: turn.username, credential: turn.credential }],
    iceTransportPolicy: 'relay',
  }
}

/** Reads the saved settings; anything unreadable is off (with a problem to show). */
export function readPrivateMode(raw: string | null): { settings: PrivateModeSettings; problem?: string } {
  if (raw === null) return { settings: PRIVATE_MODE_OFF }
  try {
    const value = JSON.parse(raw) as Partial<PrivateModeSettings> | null
    const turn = value?.turn
    const urls = Array.isArray(turn?.urls) ? turn.urls.filter((u): u is string => typeof u === 'string' && isTurnUrl(u)) : []
    const settings: PrivateModeSettings = {
      enabled: value?.enabled === true,
      turn: { urls, username: typeof turn?.username === 'string' ? turn.username : '', credential: typeof turn?.credential === 'string' ? turn.credential : '' },
    }
    if (privateModeProblems(settings).length > 0) {
      return { settings: { ...settings, enabled: false }, problem: 'Private mode was saved without a usable TURN server, so it is off. Set it again in Settings.' }
    }
    return { settings }
  } catch {
    return { settings: PRIVATE_MODE_OFF, problem: 'The saved private-mode settings could not be read, so private mode is off. Set it again in Settings.' }
  }
}

export function savePrivateMode(settings: PrivateModeSettings, storage: Pick<Storage, 'setItem'> | null): boolean {
  try {
    if (!storage) return false
    storage.setItem(PRIVATE_MODE_STORAGE_KEY, JSON.stringify(settings))
    return true
  } catch {
    return false
  }
}
