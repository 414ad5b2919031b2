import { TypedEmitter } from '../util/typed-emitter.ts'
import type { PeerChannel, PeerChannelEvents } from '../transport/peer-channel.ts'

/** One end of an in-memory channel pair; delivery is asynchronous and may be re-chunked. */
export class MemoryChannel extends TypedEmitter<PeerChannelEvents> implements PeerChannel {
  remote: MemoryChannel | null = null
  closed = false
  bufferedAmount = 0
  constructor(readonly label: string, private readonly chunkSize = 0) {
    super()
  }

  send(data: Uint8Array): void {
    if (this.closed) return
    const copy = data.slice()
    const remote = this.remote
    this.bufferedAmount += copy.length
    setTimeout(() => {
      this.bufferedAmount -= copy.length
      if (!remote || remote.closed) return
      if (this.chunkSize > 0) {
        for (let i = 0; i < copy.length; i += this.chunkSize) remote.emit('data', copy.subarray(i, i + this.chunkSize))
      } else remote.emit('data', copy)
      if (this.bufferedAmount === 0) this.emit('drain')
    }, 0)
  }

  /** Lets tests deliver raw bytes as if the remote had sent them. */
  inject(data: Uint8Array): void {
    this.emit('data', data)
  }

  close(reason = 'closed locally'): void {
    if (this.closed) return
    this.closed = true
    this.emit('close', reason)
    const remote = this.remote
    if (remote && !remote.closed) setTimeout(() => remote.close('remote closed'), 0)
  }
}

export function memoryChannelPair(chunkSize = 0): [MemoryChannel, MemoryChannel] {
  const a = new MemoryChannel('a', chunkSize)
  const b = new MemoryChannel('b', chunkSize)
  a.remote = b
  b.remote = a
  return [a, b]
}
