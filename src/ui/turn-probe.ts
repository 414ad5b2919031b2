import { privateRtcConfig, type TurnServerEntry } from './private-mode.ts'

/** How long the TURN server gets to hand out a relay address. */
export const TURN_PROBE_TIMEOUT_MS = 15_000

export type TurnProbeResult = { ok: true } | { ok: false; reason: string }

/** The part of RTCPeerConnectionIceErrorEvent read here. */
interface IceError {
  errorCode?: number
  errorText?: string
}

/** Words for the ICE error codes a TURN server or the browser reports (RFC 5389/5766, 701 = unreachable). */
export function describeTurnErrors(errors: readonly IceError[]): string {
  const codes = new Set(errors.map((e) => e.errorCode))
  if (codes.has(401)) return 'the TURN server refused the username or password'
  if (codes.has(403) || codes.has(486)) return 'the TURN server refused to relay for this account'
  if (codes.has(701)) return 'the TURN server could not be reached at that address'
  const first = errors[0]
  return first ? `the TURN server answered ${first.errorCode ?? '?'} ${first.errorText ?? ''}`.trim() : 'the TURN server gave no relay address'
}

/**
 * Asks the browser for a relay candidate through `turn`, the way private mode will use it: resolves
 * ok once one arrives, else with the reason in words (refused, unreachable, no answer in time).
 */
export function probeTurnServer(turn: TurnServerEntry, timeoutMs = TURN_PROBE_TIMEOUT_MS): Promise<TurnProbeResult> {
  if (typeof RTCPeerConnection === 'undefined') return Promise.resolve({ ok: false, reason: 'this browser has no WebRTC' })
  let pc: RTCPeerConnection
  try {
    pc = new RTCPeerConnection(privateRtcConfig(turn))
  } catch (err) {
    return Promise.resolve({ ok: false, reason: `the browser refused these settings (${(err as Error).message})` })
  }
  const errors: IceError[] = []
  return new Promise<TurnProbeResult>((resolve) => {
    const finish = (result: TurnProbeResult) => {
      clearTimeout(timer)
      pc.close()
      resolve(result)
    }
    const timer = setTimeout(
      () => finish({ ok: false, reason: errors.length > 0 ? describeTurnErrors(errors) : `the TURN server did not answer within ${timeoutMs / 1000} s` }),
      timeoutMs,
    )
    pc.addEventListener('icecandidate', (event) => {
      if (event.candidate?.type === 'relay' || / typ relay /.test(event.candidate?.candidate ?? '')) finish({ ok: true })
    })
    pc.addEventListener('icecandidateerror', (event) => errors.push(event as unknown as IceError))
    pc.addEventListener('icegatheringstatechange', () => {
      if (pc.iceGatheringState === 'complete') finish({ ok: false, reason: describeTurnErrors(errors) })
    })
    pc.createDataChannel('turn-probe')
    pc.createOffer()
      .then((offer) => pc.setLocalDescription(offer))
      .catch((err: unknown) => finish({ ok: false, reason: `the browser could not start ICE (${(err as Error).message})` }))
  })
}
