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
  }
}

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

  const NativePeerConnection = window.RTCPeerConnection
  const watchChannel = (channel: RTCDataChannel) => {
    if (channel.readyState === 'open') mark('channelOpen')
    else channel.addEventListener('open', () => mark('channelOpen'), { once: true })
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
    return append.call(this, data)
  }
  const post = MessagePort.prototype.postMessage as (this: MessagePort, message: unknown, transfer?: Transferable[]) => void
  MessagePort.prototype.postMessage = function (this: MessagePort, message: unknown, transfer?: Transferable[]) {
    // A chunk of a file response to a service worker: Swarmstream's { type: 'chunk' } or WebTorrent's bare bytes.
    const bytes = message instanceof Uint8Array ? message : (message as { type?: string; bytes?: unknown } | null)?.type === 'chunk' ? (message as { bytes: unknown }).bytes : null
    if (bytes instanceof Uint8Array && bytes.length > 0) mark('firstBytes')
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
