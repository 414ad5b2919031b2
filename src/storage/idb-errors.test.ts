import { describe, expect, it } from 'vitest'
import { StorageError } from '../util/errors.ts'
import { idbError, QUOTA_MESSAGE } from './idb-errors.ts'

describe('idbError', () => {
  it('maps QuotaExceededError to QUOTA_EXCEEDED with advice', () => {
    const err = idbError(new DOMException('quota', 'QuotaExceededError'), 'store pieces', 'IDB_WRITE_FAILED')
    expect(err).toBeInstanceOf(StorageError)
    expect(err.code).toBe('QUOTA_EXCEEDED')
    expect(err.message).toBe(QUOTA_MESSAGE)
    expect(err.message).toMatch(/free space by removing torrents/)
  })
  it('maps InvalidStateError to CLOSED', () => {
    expect(idbError(new DOMException('closing', 'InvalidStateError'), 'read', 'IDB_READ_FAILED').code).toBe('CLOSED')
  })
  it('uses the fallback code for other failures, including a null abort reason', () => {
    const unknown = idbError(new DOMException('boom', 'UnknownError'), 'store pieces', 'IDB_WRITE_FAILED')
    expect(unknown.code).toBe('IDB_WRITE_FAILED')
    expect(unknown.message).toMatch(/store pieces.*UnknownError: boom/)
    expect(idbError(null, 'store pieces', 'IDB_WRITE_FAILED').message).toMatch(/transaction aborted/)
  })
  it('passes a StorageError through', () => {
    const original = new StorageError('BAD_CHUNK', 'x')
    expect(idbError(original, 'a', 'B')).toBe(original)
  })
})
