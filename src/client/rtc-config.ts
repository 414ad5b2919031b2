import { InvalidInputError } from '../util/errors.ts'

/** Whether an ICE server entry names a TURN server (the only kind that can relay). */
function isTurn(server: RTCIceServer): boolean {
  const urls = Array.isArray(server.urls) ? server.urls : [server.urls]
  return urls.some((url) => /^turns?:/i.test(url))
}

/**
 * Refuses a relay-only configuration without a TURN server: it would connect to no peer at all,
 * silently. (Relay-only is how private mode hides the address from peers.)
 */
export function checkRtcConfig(config: RTCConfiguration | undefined): void {
  if (config?.iceTransportPolicy !== 'relay') return
  if ((config.iceServers ?? []).some(isTurn)) return
  throw new InvalidInputError(
    'RELAY_WITHOUT_TURN',
    "rtcConfig asks for relay candidates only (iceTransportPolicy: 'relay') but lists no TURN server, so no peer could ever connect. Add a turn: or turns: server with its username and credential to iceServers.",
  )
}
