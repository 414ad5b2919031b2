import type { Torrent } from '../torrent/torrent.ts'
import { memoryChannelPair, type MemoryChannelOptions } from './memory-channel.ts'

/** Connects two torrents over an in-memory channel pair, as a tracker would over WebRTC. */
export function connect(a: Torrent, b: Torrent, opts: MemoryChannelOptions = {}): void {
  const [ca, cb] = memoryChannelPair(opts)
  a.addPeer(ca)
  b.addPeer(cb)
}

export function once(t: Torrent, event: 'ready' | 'done' | 'infoHash' | 'metadata' | 'close' | 'paused'): Promise<void> {
  return new Promise((resolve, reject) => {
    if (event === 'ready' && t.ready) return resolve()
    if (event === 'done' && t.done) return resolve()
    t.once(event, () => resolve())
    t.once('error', (err) => reject(err))
  })
}
