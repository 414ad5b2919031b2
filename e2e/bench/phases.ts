// First playback in phases, measured the same way for every client: an init script (`phaseProbe`) that
// timestamps what any browser client must do — the tracker socket, offers and answers on it, the first
// WebRTC data channel, the first media bytes handed to the browser (a MediaSource append or a chunk
// posted to a service worker), the element's first source, metadata and frame. The scenario adds the
// torrent's own `metadata` event. Times are performance.now() of the page; the scenario subtracts its start.
import { stat, type Stat } from './report.ts'

/** Phase names in the order they happen, as reported. */
export const PHASES = [
  ['trackerSocket', 'tracker socket created'],
  ['trackerOpen', 'tracker socket open'],
  ['offersSent', 'offers sent to the tracker'],
  ['trackerAnswer', 'tracker answer (a peer answered)'],
  ['channelOpen', 'WebRTC connected (data channel open)'],
  ['metadata', 'metadata (torrent `metadata` event)'],
  ['firstRequest', 'first block requested'],
  ['firstBlock', 'first block received'],
  ['playerReady', 'player ready (media element gets its source)'],
  ['firstPiece', 'first piece stored (`verified` event)'],
  ['firstBytes', 'first append (first media bytes to the browser)'],
  ['loadedMetadata', 'media header parsed (`loadedmetadata`)'],
  ['firstFrame', 'first frame (currentTime > 0)'],
] as const

export type PhaseName = (typeof PHASES)[number][0]
export type PhaseTimes = Partial<Record<PhaseName, number>>

declare global {
  interface Window {
    /** Absolute page times (performance.now()) of the first occurrence of each phase. */
    __phases?: PhaseTimes
    /** BitTorrent request (6), piece (7) and cancel (8) messages on the page's data channels: [epoch ms, 'o'|'i' + id, index]. */
    __wire?: WireEvent[]
    /** Set by a scenario: the first chunk posted to a service worker after this page time is noted in `__afterBytes`. */
    __bytesAfter?: number
    __afterBytes?: number
  }
}

/** [epoch ms (timeOrigin + now), direction ('o' sent, 'i' received) + message id, piece index]. */
export type WireEvent = [number, string, number]

/**
 * Runs in the page before its scripts (page.addInitScript). Self-contained: Playwright serialises it.
 * Wraps WebSocket, RTCPeerConnection, SourceBuffer.appendBuffer, MessagePort.postMessage and the media
 * element's `src` to note the first time each phase is reached; it changes no behaviour.
 */
export function phaseProbe(): void {
  const phases: Record<string, number> = {}
  ;(window as unknown as { __phases: Record<string, number> }).__phases = phases
  const mark = (name: string) => {
    if (phases[name] === undefined) phases[name] = performance.now()
  }
  const text = (data: unknown): string => (typeof data === 'string' ? data : data instanceof ArrayBuffer ? new TextDecoder().decode(data) : '')

  const NativeWebSocket = window.WebSocket
  window.WebSocket = new Proxy(NativeWebSocket, {
    construct(target, args: ConstructorParameters<typeof WebSocket>) {
      const socket = new target(...args)
      const isTracker = args[1] === undefined // Vite's HMR socket names a protocol; trackers do not
      if (!isTracker) return socket
      mark('trackerSocket')
      socket.addEventListener('open', () => mark('trackerOpen'))
      socket.addEventListener('message', (event: MessageEvent) => {
        const body = text(event.data)
        if (body.includes('"answer"') || body.includes('"offer"')) mark('trackerAnswer')
      })
      const send = socket.send.bind(socket)
      socket.send = (data) => {
        if (typeof data === 'string' && data.includes('"offers"')) mark('offersSent')
        send(data)
      }
      return socket
    },
  })

  // The wire seen from outside, for both clients: each direction of a channel is parsed as the BitTorrent
  // byte stream it is (68-byte handshake, then length-prefixed messages, split across sends however the
  // client packs them); request, piece and cancel messages are logged with their piece index.
  const wire: [number, string, number][] = []
  ;(window as unknown as { __wire: typeof wire }).__wire = wire
  const parser = (direction: string) => {
    let skip = 68
    const head = new Uint8Array(9)
    let have = 0
    return (data: unknown) => {
      const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : null
      if (!bytes) return
      let at = 0
      while (at < bytes.length) {
        if (skip > 0) {
          const n = Math.min(skip, bytes.length - at)
          skip -= n
          at += n
          continue
        }
        head[have++] = bytes[at++]!
        const length = ((head[0]! << 24) | (head[1]! << 16) | (head[2]! << 8) | head[3]!) >>> 0
        if (have === 4 && length === 0) have = 0 // keep-alive
        else if (have === 5 && (head[4]! < 6 || head[4]! > 8)) {
          skip = length - 1
          have = 0
        } else if (have === 9) {
          if (direction + head[4]! === 'o6') mark('firstRequest')
          else if (direction + head[4]! === 'i7') mark('firstBlock')
          wire.push([performance.timeOrigin + performance.now(), direction + head[4]!, ((head[5]! << 24) | (head[6]! << 16) | (head[7]! << 8) | head[8]!) >>> 0])
          skip = length - 5
          have = 0
        }
      }
    }
  }

  const NativePeerConnection = window.RTCPeerConnection
  const watchChannel = (channel: RTCDataChannel) => {
    if (channel.readyState === 'open') mark('channelOpen')
    else channel.addEventListener('open', () => mark('channelOpen'), { once: true })
    const incoming = parser('i')
    channel.addEventListener('message', (event: MessageEvent) => incoming(event.data))
    const outgoing = parser('o')
    const send = channel.send.bind(channel) as (data: unknown) => void
    channel.send = ((data: unknown) => {
      outgoing(data)
      send(data)
    }) as RTCDataChannel['send']
  }
  window.RTCPeerConnection = new Proxy(NativePeerConnection, {
    construct(target, args: ConstructorParameters<typeof RTCPeerConnection>) {
      const pc = new target(...args)
      pc.addEventListener('datachannel', (event) => watchChannel(event.channel))
      const create = pc.createDataChannel.bind(pc)
      pc.createDataChannel = (...a: Parameters<RTCPeerConnection['createDataChannel']>) => {
        const channel = create(...a)
        watchChannel(channel)
        return channel
      }
      return pc
    },
  })

  const append = SourceBuffer.prototype.appendBuffer
  SourceBuffer.prototype.appendBuffer = function (this: SourceBuffer, data: BufferSource) {
    mark('firstBytes')
    const w = window as unknown as { __bytesAfter?: number; __afterBytes?: number }
    if (w.__bytesAfter !== undefined && w.__afterBytes === undefined) w.__afterBytes = performance.now()
    return append.call(this, data)
  }
  const post = MessagePort.prototype.postMessage as (this: MessagePort, message: unknown, transfer?: Transferable[]) => void
  MessagePort.prototype.postMessage = function (this: MessagePort, message: unknown, transfer?: Transferable[]) {
    // A chunk of a file response to a service worker: Swarmstream's { type: 'chunk' } or WebTorrent's bare bytes.
    const bytes = message instanceof Uint8Array ? message : (message as { type?: string; bytes?: unknown } | null)?.type === 'chunk' ? (message as { bytes: unknown }).bytes : null
    if (bytes instanceof Uint8Array && bytes.length > 0) {
      mark('firstBytes')
      const w = window as unknown as { __bytesAfter?: number; __afterBytes?: number }
      if (w.__bytesAfter !== undefined && w.__afterBytes === undefined) w.__afterBytes = performance.now()
    }
    return post.call(this, message, transfer ?? [])
  } as typeof MessagePort.prototype.postMessage

  const src = Object.getOwnPropertyDescriptor(HTMLMediaElement.prototype, 'src')!
  Object.defineProperty(HTMLMediaElement.prototype, 'src', {
    ...src,
    set(this: HTMLMediaElement, value: string) {
      if (value) {
        mark('playerReady')
        this.addEventListener('loadedmetadata', () => mark('loadedMetadata'), { once: true })
      }
      src.set!.call(this, value)
    },
  })
}

/** Phase times of many runs (seconds from the start of each run) → a Stat per phase, over the runs that reached it. */
export function phaseStats(runs: PhaseTimes[]): Partial<Record<PhaseName, Stat>> {
  const out: Partial<Record<PhaseName, Stat>> = {}
  for (const [name] of PHASES) {
    const values = runs.map((r) => r[name]).filter((v): v is number => v !== undefined)
    if (values.length > 0) out[name] = stat(values)
  }
  return out
}
