import { describe, expect, it } from 'vitest'
import { InvalidInputError, StorageError, SwarmstreamError } from '../util/errors.ts'
import { describeError, errorMessage, isInvalidInput } from './errors.ts'

const bad = new InvalidInputError('INVALID_MAGNET', 'the xt parameter is missing.')

describe('describeError', () => {
  it('names the kind of link the user typed', () => {
    expect(describeError(bad, { kind: 'link', input: 'magnet:?dn=x' })).toBe('That magnet link is not valid: the xt parameter is missing.')
    expect(describeError(bad, { kind: 'link', input: 'hello' })).toMatch(/^That magnet link is not valid: /)
    expect(describeError(bad, { kind: 'link', input: 'https://example.com/a.torrent' })).toMatch(/^That \.torrent URL could not be used: /)
    expect(describeError(bad, { kind: 'link', input: 'a'.repeat(40) })).toMatch(/^That info hash is not valid: /)
    expect(describeError(bad, { kind: 'link', input: 'a'.repeat(39) })).toMatch(/^That info hash is not valid: /)
  })

  it('does not call a link invalid when the failure was something else', () => {
    const err = new StorageError('QUOTA', 'the browser refused more storage.')
    expect(describeError(err, { kind: 'link', input: 'magnet:?xt=urn:btih:' + 'a'.repeat(40) })).toBe(
      'Could not add that torrent: the browser refused more storage.',
    )
  })

  it('says a bad .torrent file is not a .torrent', () => {
    expect(describeError(bad, { kind: 'torrent-file', fileName: 'x.txt' })).toBe('That file is not a .torrent: the xt parameter is missing.')
    const parseErr = new InvalidInputError('INVALID_TORRENT', 'This file is not a .torrent file: it is not bencoded data (byte 0).')
    expect(describeError(parseErr, { kind: 'torrent-file', fileName: 'x.txt' })).toBe('That file is not a .torrent: it is not bencoded data (byte 0).')
    expect(describeError(new Error('read failed'), { kind: 'torrent-file', fileName: 'x.torrent' })).toBe('Could not open x.torrent: read failed')
  })

  it('prefixes torrent, seed and save errors with what failed', () => {
    const err = new SwarmstreamError('X', 'boom.')
    expect(describeError(err, { kind: 'torrent', name: 'movie.mp4' })).toBe('movie.mp4: boom.')
    expect(describeError(err, { kind: 'torrent', name: '' })).toBe('Torrent: boom.')
    expect(describeError(err, { kind: 'seed' })).toBe('Could not seed those files: boom.')
    expect(describeError(err, { kind: 'save', fileName: 'a.bin' })).toBe('Could not save a.bin: boom.')
    expect(describeError(err, { kind: 'client' })).toBe('boom.')
  })
})

describe('self-explaining errors', () => {
  it('shows a duplicate add as it is, without calling the link invalid', () => {
    const dup = new InvalidInputError('DUPLICATE_TORRENT', 'That torrent (x) is already in the list.')
    expect(describeError(dup, { kind: 'link', input: 'magnet:?xt=urn:btih:' + 'a'.repeat(40) })).toBe('That torrent (x) is already in the list.')
    expect(isInvalidInput(dup)).toBe(false)
  })
})

describe('isInvalidInput', () => {
  it('recognises InvalidInputError and INVALID_* codes only', () => {
    expect(isInvalidInput(bad)).toBe(true)
    expect(isInvalidInput(new SwarmstreamError('INVALID_INFO_HASH', 'x'))).toBe(true)
    expect(isInvalidInput(new SwarmstreamError('NETWORK', 'x'))).toBe(false)
    expect(isInvalidInput('INVALID')).toBe(false)
  })
})

describe('errorMessage', () => {
  it('reads messages from errors and anything else', () => {
    expect(errorMessage(new Error('m'))).toBe('m')
    expect(errorMessage(42)).toBe('42')
  })
})
