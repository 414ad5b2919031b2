import { InvalidInputError } from '../util/errors.ts'
import { iceServerKinds } from '../util/ice-servers.ts'

/**
 * Refuses a relay-only configuration without a TURN server: it would connect to no peer at all,
 * silently. (Relay-only is how private mode hides the address from peers.)
 */
export function checkRtcConfig(config: RTCConfiguration | undefined): void {
  if (config?.iceTransportPolicy !== 'relay') return
  if (iceServerKinds(config).turn) return
  throw new InvalidInputError(
    'RELAY_WITHOUT_TURN',
    "rtcConfig asks for relay candidates only (iceTransportPolicy: 'relay') but lists no TURN server, so no peer could ever connect. Add a turn: or turns: server with its username and credential to iceServers.",
  )
}
