import { StorageError } from '../util/errors.ts'

export const QUOTA_MESSAGE =
  'Storage is full: free space by removing torrents, or allow more storage for this site.'

/** Maps an IndexedDB failure (DOMException, null abort reason, anything) to a StorageError with a stable code. */
export function idbError(err: unknown, what: string, fallbackCode: string): StorageError {
  if (err instanceof StorageError) return err
  const name = typeof err === 'object' && err !== null && 'name' in err ? String(err.name) : ''
  const detail = err instanceof Error ? err.message : err == null ? 'transaction aborted' : String(err)
  if (name === 'QuotaExceededError') {
    return new StorageError('QUOTA_EXCEEDED', QUOTA_MESSAGE, { cause: err })
  }
  if (name === 'InvalidStateError') {
    return new StorageError(
      'CLOSED',
      `Could not ${what}: the database connection is closed (${detail}). Reopen the torrent.`,
      { cause: err },
    )
  }
  return new StorageError(
    fallbackCode,
    `Could not ${what}: IndexedDB failed (${name || 'Error'}: ${detail}). Reload the page; if it persists, remove the torrent and add it again.`,
    { cause: err },
  )
}

/** Resolves with a request's result, rejects with a StorageError. */
export function requestResult<T>(req: IDBRequest<T>, what: string, code: string): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result)
    req.onerror = () => reject(idbError(req.error, what, code))
  })
}
