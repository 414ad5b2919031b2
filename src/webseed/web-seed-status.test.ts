import { describe, expect, it } from 'vitest'
import { SwarmstreamError } from '../util/errors.ts'
import { WebSeedError } from './errors.ts'
import { WebSeedHealth } from './web-seed-health.ts'
import { problemOf, WebSeedReporter, webSeedStats } from './web-seed-status.ts'

const URL_ = 'http://127.0.0.1:1/f.bin'
const http = (status: number) => new WebSeedError('WEBSEED_HTTP', `The web seed ${URL_} answered HTTP ${status} instead of 206`, { httpStatus: status })

function setup() {
  const health = new WebSeedHealth()
  const warned: SwarmstreamError[] = []
  const reporter = new WebSeedReporter(URL_, health, (e) => warned.push(e))
  const fail = (err: unknown, now = 0) => {
    health.failure(now, problemOf(err))
    reporter.update(err)
  }
  return { health, warned, reporter, fail }
}

describe('WebSeedReporter', () => {
  it('warns once per state: a 404 retried many times is one warning; a 500 after it is another', () => {
    const { warned, fail } = setup()
    for (let i = 0; i < 5; i++) fail(http(404), i * 1000)
    expect(warned.map((w) => w.message)).toEqual([expect.stringContaining('HTTP 404')])
    fail(http(500))
    expect(warned).toHaveLength(2)
    expect(warned[1]).toMatchObject({ code: 'WEBSEED_HTTP', httpStatus: 500 })
  })

  it('warns again when a seed that recovered fails again', () => {
    const { health, reporter, warned, fail } = setup()
    fail(http(404))
    health.success()
    reporter.update()
    fail(http(404))
    expect(warned).toHaveLength(2)
  })

  it('says when the seed is demoted or dropped', () => {
    const { health, reporter, warned } = setup()
    for (let i = 0; i < 3; i++) {
      health.hashFailed()
      reporter.update()
    }
    expect(warned.map((w) => w.code)).toEqual(['WEBSEED_DEMOTED'])
    const other = setup()
    const noRange = new WebSeedError('WEBSEED_NO_RANGE', 'ignores Range', { httpStatus: 200, permanent: true })
    other.health.drop(problemOf(noRange))
    other.reporter.update(noRange)
    expect(other.warned).toEqual([noRange])
  })
})

describe('webSeedStats', () => {
  it('reports the status with the reason in a few words and the HTTP status', () => {
    const { health, fail } = setup()
    expect(webSeedStats(URL_, 0, health)).toEqual({ url: URL_, downloaded: 0, failures: 0, demoted: false, status: 'idle' })
    fail(http(404))
    expect(webSeedStats(URL_, 0, health)).toEqual({
      url: URL_,
      downloaded: 0,
      failures: 1,
      demoted: false,
      status: 'failing',
      error: 'the server answered HTTP 404',
      httpStatus: 404,
    })
    health.success()
    expect(webSeedStats(URL_, 100, health)).toEqual({ url: URL_, downloaded: 100, failures: 1, demoted: false, status: 'working' })
  })

  it('words every kind of failure', () => {
    expect(problemOf(new WebSeedError('WEBSEED_TIMEOUT', 'x')).message).toBe('the server did not answer in time')
    expect(problemOf(new WebSeedError('WEBSEED_NETWORK', 'x')).message).toContain('could not be reached')
    expect(problemOf(new WebSeedError('WEBSEED_HTTP', 'x', { httpStatus: 206 })).message).toBe('the server answered another byte range')
    expect(problemOf(new TypeError('boom'))).toEqual({ code: 'WEBSEED_NETWORK', message: 'boom' })
  })
})
