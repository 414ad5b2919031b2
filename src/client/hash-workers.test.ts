import { describe, expect, it, vi } from 'vitest'
import { hashPieces, type HashSource } from '../metainfo/piece-hasher.ts'
import { hashPiecesParallel, hashWorkerMain, partsFor, type BlobPart, type HashJob, type HashReply } from './hash-workers.ts'

function bytes(length: number, seed: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(length)
  for (let i = 0; i < length; i++) out[i] = (i * 31 + seed * 7 + (i >> 9)) & 0xff
  return out
}

function sources(lengths: number[]): (HashSource & { blob: Blob })[] {
  return lengths.map((length, i) => {
    const blob = new Blob([bytes(length, i + 1)])
    return { path: `f${i}`, length, blob, read: async (s: number, e: number) => new Uint8Array(await blob.slice(s, e).arrayBuffer()) }
  })
}

/** Runs the worker's program on this thread and collects its replies. */
async function runWorker(job: HashJob): Promise<HashReply[]> {
  const replies: HashReply[] = []
  const scope = { onmessage: null as ((e: MessageEvent<HashJob>) => void) | null, postMessage: (m: HashReply) => replies.push(m) }
  hashWorkerMain(scope)
  scope.onmessage!({ data: job } as MessageEvent<HashJob>)
  await expect.poll(() => replies.some((r) => 'hashes' in r || 'error' in r)).toBe(true)
  return replies
}

describe('piece hashing on workers', () => {
  const PIECE = 16_384
  const files = sources([40_000, 7, 100_000, 16_384, 3_333])
  const total = files.reduce((s, f) => s + f.length, 0)

  it('cuts a byte range of the files laid end to end into per-Blob parts', () => {
    const parts = partsFor(files, 39_990, 40_000 + 7 + 10)
    expect(parts.map(({ start, end }) => [start, end])).toEqual([[39_990, 40_000], [0, 7], [0, 10]])
    expect(parts.map((p) => p.blob)).toEqual([files[0]!.blob, files[1]!.blob, files[2]!.blob])
    expect(partsFor(files, 0, total).reduce((s, p) => s + p.end - p.start, 0)).toBe(total)
  })

  it("gives a worker's run of pieces the hashes hashPieces gives them, across file edges and windows", async () => {
    const whole = await hashPieces(files, PIECE)
    const firstPiece = 2
    const pieces = 5
    const job = { parts: partsFor(files, firstPiece * PIECE, (firstPiece + pieces) * PIECE), pieceLength: PIECE, window: 2 * PIECE }
    const replies = await runWorker(job)
    const hashes = replies.find((r): r is { hashes: Uint8Array } => 'hashes' in r)!.hashes
    expect(hashes).toEqual(whole.subarray(firstPiece * 20, (firstPiece + pieces) * 20))
    expect(replies.filter((r) => 'progress' in r).reduce((s, r) => s + (r as { progress: number }).progress, 0)).toBe(pieces * PIECE)
  })

  it('reads with arrayBuffer() where Blob streams are not byte streams, with the same hashes', async () => {
    const whole = await hashPieces(files, PIECE)
    const plain = vi.spyOn(Blob.prototype, 'stream').mockImplementation(() => new ReadableStream<Uint8Array<ArrayBuffer>>())
    const arrayBuffer = vi.spyOn(Blob.prototype, 'arrayBuffer')
    try {
      const replies = await runWorker({ parts: partsFor(files, 0, total), pieceLength: PIECE, window: 3 * PIECE })
      expect(replies.find((r): r is { hashes: Uint8Array } => 'hashes' in r)!.hashes).toEqual(whole)
      expect(arrayBuffer).toHaveBeenCalled()
    } finally {
      plain.mockRestore()
      arrayBuffer.mockRestore()
    }
  })

  it('reads through byte streams where it can, not arrayBuffer()', async () => {
    const whole = await hashPieces(files, PIECE)
    const arrayBuffer = vi.spyOn(Blob.prototype, 'arrayBuffer')
    try {
      const replies = await runWorker({ parts: partsFor(files, 0, total), pieceLength: PIECE, window: 3 * PIECE })
      expect(replies.find((r): r is { hashes: Uint8Array } => 'hashes' in r)!.hashes).toEqual(whole)
      expect(arrayBuffer).not.toHaveBeenCalled()
    } finally {
      arrayBuffer.mockRestore()
    }
  })

  it('hashes a last run that ends in a short piece', async () => {
    const whole = await hashPieces(files, PIECE)
    const first = Math.floor(total / PIECE) - 1
    const replies = await runWorker({ parts: partsFor(files, first * PIECE, total), pieceLength: PIECE, window: 3 * PIECE })
    expect(replies.find((r): r is { hashes: Uint8Array } => 'hashes' in r)!.hashes).toEqual(whole.subarray(first * 20))
  })

  it('reports a file that reads short (it changed under us) instead of hashing what it got', async () => {
    const shrunk = { ...new Blob([bytes(10, 1)]), slice: () => new Blob([bytes(5, 1)]) } as unknown as Blob
    const parts: BlobPart[] = [{ blob: shrunk, start: 0, end: 10 }]
    const replies = await runWorker({ parts, pieceLength: PIECE, window: PIECE })
    expect(replies).toEqual([{ error: 'read 5 of 10 bytes' }])
  })

  it('hashes on this thread where there are no workers (Node), with the same result', async () => {
    expect(typeof Worker).toBe('undefined')
    expect(await hashPiecesParallel(files, PIECE)).toEqual(await hashPieces(files, PIECE))
  })
})
