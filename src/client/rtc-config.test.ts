import { describe, expect, it } from 'vitest'
import { Client } from './client.ts'
import { checkRtcConfig } from './rtc-config.ts'

describe('rtcConfig check (private mode)', () => {
  it('refuses relay-only without a TURN server, naming what to add', () => {
    for (const iceServers of [[], [{ urls: 'stun:stun.example.org' }], undefined]) {
      expect(() => checkRtcConfig({ iceTransportPolicy: 'relay', ...(iceServers ? { iceServers } : {}) })).toThrow(
        expect.objectContaining({ code: 'RELAY_WITHOUT_TURN', message: expect.stringContaining('turn:') }),
      )
    }
    expect(() => new Client({ tracker: false, storage: 'memory', rtcConfig: { iceTransportPolicy: 'relay', iceServers: [] } })).toThrow(
      expect.objectContaining({ code: 'RELAY_WITHOUT_TURN' }),
    )
  })

  it('accepts relay-only with a TURN server among others, and any non-relay config', () => {
    const turn = { urls: ['stun:s.example.org', 'turns:t.example.org:5349'], username: 'u', credential: 'c' }
    expect(() => checkRtcConfig({ iceTransportPolicy: 'relay', iceServers: [{ urls: 'stun:s.example.org' }, turn] })).not.toThrow()
    expect(() => checkRtcConfig({ iceServers: [] })).not.toThrow()
    expect(() => checkRtcConfig({ iceTransportPolicy: 'all', iceServers: [] })).not.toThrow()
    expect(() => checkRtcConfig(undefined)).not.toThrow()
  })
})
