/** Whether a configuration names STUN servers (server-reflexive candidates) and TURN servers (the only ones that relay). */
export function iceServerKinds(config: RTCConfiguration | undefined): { stun: boolean; turn: boolean } {
  const urls = (config?.iceServers ?? []).flatMap((server) => server.urls)
  return { stun: urls.some((url) => /^stuns?:/i.test(url)), turn: urls.some((url) => /^turns?:/i.test(url)) }
}
