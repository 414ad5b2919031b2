import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { failure, fetchAll, FileServer, putTorrent } from './test-helpers.ts'
import { WebSeed } from './web-seed.ts'
import { WholeFile } from './whole-file.ts'

const server = new FileServer()
let origin = ''
beforeAll(async () => {
  origin = await server.start()
})
afterAll(() => server.stop())
beforeEach(() => {
  server.reset()
  server.mode = 'ignore-range'
})
const torrent = (name: string, pieceLength: number, files: [string, number][]) => putTorrent(server, name, pieceLength, files, '/')

describe('WholeFile', () => {
  it('serves a range as soon as its bytes are in, and knows when every byte was served', async () => {
    const whole = new WholeFile(10)
    const never = new AbortController().signal
    const late = whole.read(6, 9, never)
    expect(whole.push(Uint8Array.of(0, 1, 2, 3, 4, 5))).toBe(true)
    expect(await whole.read(0, 5, never)).toEqual(Uint8Array.of(0, 1, 2, 3, 4, 5))
    expect(whole.allServed).toBe(false)
    expect(whole.push(Uint8Array.of(6, 7, 8, 9, 10))).toBe(false) // past the end: refused
    expect(whole.push(Uint8Array.of(6, 7, 8, 9))).toBe(true)
    expect(await late).toEqual(Uint8Array.of(6, 7, 8, 9))
    expect(whole.complete && whole.allServed).toBe(true)
  })

  it('fails waiting readers when the stream fails, and lets an aborted reader go', async () => {
    const whole = new WholeFile(8)
    const controller = new AbortController()
    const aborted = whole.read(0, 7, controller.signal)
    const waiting = whole.read(0, 3, new AbortController().signal)
    controller.abort()
    await expect(aborted).rejects.toThrow()
    whole.fail(new Error('cut off'))
    await expect(waiting).rejects.toThrow('cut off')
  })
})

describe('WebSeed and a server that ignores Range', () => {
  it('reads a single file once for all its pieces, then holds nothing', async () => {
    const { info, data } = torrent('movie.bin', 1000, [['movie.bin', 25_500]])
    const seed = new WebSeed(`${origin}/movie.bin`, info)
    expect(await fetchAll(seed, info)).toEqual(data)
    expect(server.requests).toHaveLength(1)
    expect(server.bytesSent).toBe(data.length)
    expect(seed.ignoresRange).toBe(true)
    expect(seed.heldBytes, 'every byte was handed out: the copy is dropped').toBe(0)
  })

  it('asks once even when the first pieces are asked for at the same time', async () => {
    const { info, data } = torrent('movie.bin', 1000, [['movie.bin', 8000]])
    server.delayMs = 30
    const seed = new WebSeed(`${origin}/movie.bin`, info)
    const pieces = await Promise.all([5, 0, 7, 2].map((i) => seed.fetchPiece(i, 1000)))
    expect(pieces).toEqual([5, 0, 7, 2].map((i) => data.subarray(i * 1000, (i + 1) * 1000)))
    expect(server.requests).toHaveLength(1)
    expect(server.bytesSent).toBe(data.length)
  })

  it('reads each file of a multi-file torrent once', async () => {
    const { info, data } = torrent('pack', 64, [['pack/x', 100], ['pack/y', 60], ['pack/z', 30]])
    const seed = new WebSeed(origin, info)
    expect(await fetchAll(seed, info)).toEqual(data)
    expect(server.requests.map((r) => r.path).sort()).toEqual(['/pack/x', '/pack/y', '/pack/z'])
    expect(server.bytesSent).toBe(data.length)
  })

  it('forgets the least recently used finished file when more would not fit, and reads it again if needed', async () => {
    const { info, data } = torrent('pack', 50, [['pack/x', 100], ['pack/y', 100]])
    const seed = new WebSeed(origin, info, { maxWholeFileBytes: 150 })
    expect(await seed.fetchPiece(0, 50)).toEqual(data.subarray(0, 50)) // x, half served
    expect(await seed.fetchPiece(2, 50)).toEqual(data.subarray(100, 150)) // y: x is dropped to make room
    expect(await seed.fetchPiece(1, 50)).toEqual(data.subarray(50, 100)) // x again
    expect(server.requests.map((r) => r.path)).toEqual(['/pack/x', '/pack/y', '/pack/x'])
  })

  it('fails the waiting piece when the whole file breaks off, and fetches it again next time', async () => {
    const { info, data } = torrent('f.bin', 100, [['f.bin', 1000]])
    server.mode = 'ignore-range-cut'
    const seed = new WebSeed(`${origin}/f.bin`, info)
    const err = await failure(seed.fetchPiece(8, 100))
    expect(['WEBSEED_LENGTH', 'WEBSEED_NETWORK']).toContain(err.code)
    expect(seed.heldBytes).toBe(0)
    server.mode = 'ignore-range'
    expect(await seed.fetchPiece(8, 100)).toEqual(data.subarray(800, 900))
    expect(server.requests).toHaveLength(2)
  })

  it('gives up on a whole file that goes silent for longer than the timeout', async () => {
    const { info } = torrent('f.bin', 100, [['f.bin', 1000]])
    server.mode = 'ignore-range-stall'
    const seed = new WebSeed(`${origin}/f.bin`, info, { timeoutMs: 150 })
    expect(await seed.fetchPiece(1, 100)).toHaveLength(100) // in the half that arrived
    expect((await failure(seed.fetchPiece(9, 100))).code).toBe('WEBSEED_TIMEOUT')
  })

  it('treats a 200 answer to a range that is the whole file as an ordinary answer', async () => {
    const { info, data } = torrent('f.bin', 100, [['f.bin', 100]])
    const seed = new WebSeed(`${origin}/f.bin`, info)
    expect(await seed.fetchPiece(0, 100)).toEqual(data)
    expect(seed.ignoresRange).toBe(false)
  })

  it('stops reading a whole file when closed', async () => {
    const { info } = torrent('f.bin', 100, [['f.bin', 1000]])
    server.mode = 'ignore-range-stall'
    const seed = new WebSeed(`${origin}/f.bin`, info)
    await seed.fetchPiece(0, 100)
    const pending = seed.fetchPiece(9, 100)
    seed.close()
    expect((await failure(pending)).code).toBe('ABORTED')
    expect(seed.heldBytes).toBe(0)
  })
})
