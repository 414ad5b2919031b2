import { describe, expect, it } from 'vitest'
import { BLOCK_LENGTH } from '../picker/index.ts'
import { schedulerHarness } from './test-helpers.ts'

describe('dispatch table', () => {
  it('routes each message to its one handler: blocks to the scheduler, requests to the uploader, unknown ids to the counters', async () => {
    const h = schedulerHarness({ numPieces: 2, pieceLength: BLOCK_LENGTH, length: 2 * BLOCK_LENGTH })
    h.picker.markHave(1)
    const remote = h.connect(1)
    remote.send({ type: 'interested' })
    remote.send({ type: 'unknown', id: 77, payload: new Uint8Array(2) })
    remote.send({ type: 'extended', id: 9, payload: new Uint8Array(2) })
    remote.send({ type: 'have-none' })
    remote.send({ type: 'port', port: 6881 })
    await h.clock.advance(100)
    expect(h.accepted.map((a) => a.index)).toEqual([0])
    expect(remote.received.some((m) => m.type === 'unchoke')).toBe(true)
    expect(h.stats.unknownMessages).toBe(2)
    expect(remote.closed).toBe(false)
  })
})
