import { describe, expect, it } from 'vitest'
import { resolveConfig } from './config.ts'
import { isTurnUrl, parseTurnUrls, privateModeProblems, privateRtcConfig, readPrivateMode, type PrivateModeSettings } from './private-mode.ts'
import { describeTurnErrors } from './turn-probe.ts'

const TURN = { urls: ['turn:127.0.0.1:3478?transport=udp'], username: 'u', credential: 'p' }
const on = (turn = TURN): PrivateModeSettings => ({ enabled: true, turn })

describe('TURN URLs', () => {
  it.each([
    ['turn:turn.example.org', true],
    ['turns:turn.example.org:5349', true],
    ['turn:127.0.0.1:3478?transport=udp', true],
    ['turn:[::1]:3478?transport=tcp', true],
    ['stun:stun.example.org', false],
    ['https://turn.example.org', false],
    ['turn:', false],
    ['turn:host:3478?transport=sctp', false],
  ])('%s → %s', (url, ok) => expect(isTurnUrl(url)).toBe(ok))

  it('splits on spaces, commas and lines, drops duplicates and keeps what is wrong', () => {
    expect(parseTurnUrls(' turn:a.example, turns:a.example:5349\nturn:a.example stun:x.example ')).toEqual({
      urls: ['turn:a.example', 'turns:a.example:5349'],
      invalid: ['stun:x.example'],
    })
  })
})

describe('privateModeProblems', () => {
  it('refuses to turn on without a TURN server, and says why', () => {
    expect(privateModeProblems(on({ urls: [], username: '', credential: '' }))).toEqual([expect.stringContaining('needs a TURN server')])
  })

  it('explains that a STUN server cannot relay', () => {
    expect(privateModeProblems(on({ urls: [], username: 'u', credential: 'p' }), ['stun:s.example'])).toEqual([expect.stringContaining('cannot relay')])
  })

  it('asks for the username and password browsers need for TURN', () => {
    expect(privateModeProblems(on({ ...TURN, credential: '' }))).toEqual([expect.stringContaining('username and password')])
  })

  it('has nothing to say when it is off or complete', () => {
    expect(privateModeProblems({ enabled: false, turn: { urls: [], username: '', credential: '' } })).toEqual([])
    expect(privateModeProblems(on())).toEqual([])
  })
})

describe('private mode settings', () => {
  it('makes a relay-only configuration with the TURN server alone', () => {
    expect(privateRtcConfig(TURN)).toEqual({ iceServers: [{ urls: TURN.urls, username: 'u', credential: 'p' }], iceTransportPolicy: 'relay' })
  })

  it('reads what was saved; an unusable or corrupt entry is off, with a problem', () => {
    expect(readPrivateMode(null).settings.enabled).toBe(false)
    expect(readPrivateMode(JSON.stringify(on()))).toEqual({ settings: on() })
    const noTurn = readPrivateMode(JSON.stringify({ enabled: true, turn: { urls: ['stun:x'], username: 'u', credential: 'p' } }))
    expect(noTurn.settings.enabled).toBe(false)
    expect(noTurn.problem).toContain('off')
    expect(readPrivateMode('{nope').problem).toContain('could not be read')
  })

  it('decides the page\'s WebRTC settings over ?ice=none, and says so', () => {
    const config = resolveConfig({ search: '?ice=none', metaTracker: null, saved: null, savedPrivateMode: JSON.stringify(on()) })
    expect(config.privateMode.enabled).toBe(true)
    expect(config.rtcConfig).toEqual(privateRtcConfig(TURN))
    expect(config.problems).toEqual([expect.stringContaining('Ignored ?ice=none')])
    const off = resolveConfig({ search: '?ice=none', metaTracker: null, saved: null, savedPrivateMode: JSON.stringify({ ...on(), enabled: false }) })
    expect(off.rtcConfig).toEqual({ iceServers: [] })
    expect(off.problems).toEqual([])
  })
})

describe('describeTurnErrors', () => {
  it('names the usual failures in words', () => {
    expect(describeTurnErrors([{ errorCode: 401, errorText: 'Unauthorized' }])).toContain('username or password')
    expect(describeTurnErrors([{ errorCode: 701, errorText: 'STUN host lookup received error.' }])).toContain('could not be reached')
    expect(describeTurnErrors([{ errorCode: 500, errorText: 'Server Error' }])).toBe('the TURN server answered 500 Server Error')
    expect(describeTurnErrors([])).toBe('the TURN server gave no relay address')
  })
})
