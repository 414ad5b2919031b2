import type { Torrent } from '../torrent/torrent.ts'
import { memoryChannelPair } from './memory-channel.ts'

/** Connects two torrents over an in-memory channel pair, as a tracker would over WebRTC. */
export function connect(a: Torrent, b: Torrent, chunkSize = 0): void {
  const [ca, cb] = memoryChannelPair(chunkSize)
  a.addPeer(ca)
  b.addPeer(cb)
}

export function once(t: Torrent, event: 'ready' | 'done' | 'infoHash' | 'metadata'): Promise<void> {
  return new Promise((resolve, reject) => {
    t.once(event, () => resolve())
    t.once('error', (err) => reject(err))
  })
}
