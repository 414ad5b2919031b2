import { AbortError, InvalidInputError } from '../util/errors.ts'
import { sha1 } from '../util/sha1.ts'

export interface HashSource {
  path: string
  length: number
  read(start: number, end: number): Promise<Uint8Array>
}

export interface HashOptions {
  onProgress?: (hashedBytes: number) => void
  signal?: AbortSignal
}

/**
 * Bytes read per window. Two windows exist at once (one filling, one hashing) plus WebCrypto's
 * copy of the one hashing: about 24 MiB. A piece larger than this gets a window of its own.
 */
const WINDOW_TARGET = 8 * 1024 * 1024

/** SHA-1 of each piece of the files laid end to end; returns the hashes concatenated (20 bytes each). */
export async function hashPieces(
  files: readonly HashSource[],
  pieceLength: number,
  opts: HashOptions = {},
): Promise<Uint8Array> {
  const { onProgress, signal } = opts
  const total = files.reduce((sum, f) => sum + f.length, 0)
  const out = new Uint8Array(Math.ceil(total / pieceLength) * 20)
  if (total === 0) return out

  const windowSize = Math.min(total, Math.max(pieceLength, Math.floor(WINDOW_TARGET / pieceLength) * pieceLength))
  const buffers = [new Uint8Array(windowSize), new Uint8Array(total > windowSize ? windowSize : 0)]
  let current = 0
  let filled = 0
  let windowStart = 0
  let hashedBytes = 0
  let pending: Promise<void> | undefined

  const checkAbort = (): void => {
    if (signal?.aborted) throw new AbortError('Creating the torrent was cancelled.')
  }

  // Hashes every piece of one window, all digests in flight together.
  const hashWindow = async (bytes: Uint8Array, firstPiece: number): Promise<void> => {
    const jobs: Promise<void>[] = []
    for (let start = 0, piece = firstPiece; start < bytes.length; start += pieceLength, piece++) {
      const at = piece * 20
      jobs.push(sha1(bytes.subarray(start, start + pieceLength)).then((digest) => out.set(digest, at)))
    }
    await Promise.all(jobs)
    hashedBytes += bytes.length
    onProgress?.(hashedBytes)
  }

  const flush = async (): Promise<void> => {
    await pending // the other buffer is free again once its hashes are done
    checkAbort()
    pending = hashWindow(buffers[current]!.subarray(0, filled), windowStart / pieceLength)
    windowStart += filled
    filled = 0
    current ^= 1
  }

  try {
    for (const file of files) {
      for (let pos = 0; pos < file.length; ) {
        checkAbort()
        const n = Math.min(file.length - pos, windowSize - filled)
        const bytes = await file.read(pos, pos + n)
        if (bytes.length !== n) {
          throw new InvalidInputError(
            'SEED_READ_FAILED',
            `Reading "${file.path}" gave ${bytes.length} bytes instead of ${n}: the file may have changed. Choose it again.`,
          )
        }
        buffers[current]!.set(bytes, filled)
        filled += n
        pos += n
        if (filled === windowSize) await flush()
      }
    }
    if (filled > 0) await flush()
    await pending
    checkAbort()
    return out
  } finally {
    pending?.catch(() => {}) // an abandoned window must not surface as an unhandled rejection
  }
}
