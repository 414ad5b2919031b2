// Counts what every page hands to its data channels: send() calls and bytes, and messages received.
// A load-independent measure of per-message overhead (the same for every client: all of them end in
// RTCDataChannel.send and its message event).
import type { Page } from '@playwright/test'

export interface ChannelCounts {
  sends: number
  sentBytes: number
  messages: number
  receivedBytes: number
}

declare global {
  interface Window {
    benchChannelCounts?: ChannelCounts
  }
}

/** Runs in every page before its scripts (Lab.launch installs it). */
export function countChannelTraffic(): void {
  const counts: ChannelCounts = { sends: 0, sentBytes: 0, messages: 0, receivedBytes: 0 }
  window.benchChannelCounts = counts
  const proto = RTCDataChannel.prototype
  const send = proto.send
  proto.send = function (this: RTCDataChannel, data: never) {
    counts.sends++
    counts.sentBytes += (data as { byteLength?: number; size?: number; length?: number }).byteLength ?? (data as Blob).size ?? (data as string).length ?? 0
    return send.call(this, data)
  }
  // Counted in the capture phase on the channel itself, before any listener (onmessage or addEventListener) runs.
  const count = (e: Event) => {
    counts.messages++
    const data = (e as MessageEvent).data as ArrayBuffer | Blob | string
    counts.receivedBytes += typeof data === 'string' ? data.length : data instanceof Blob ? data.size : data.byteLength
  }
  const addEventListener = proto.addEventListener
  const watched = new WeakSet<RTCDataChannel>()
  const watch = (dc: RTCDataChannel) => {
    if (watched.has(dc)) return
    watched.add(dc)
    addEventListener.call(dc, 'message', count, { capture: true })
  }
  const PC = RTCPeerConnection.prototype
  const createDataChannel = PC.createDataChannel
  PC.createDataChannel = function (this: RTCPeerConnection, ...args: Parameters<RTCPeerConnection['createDataChannel']>) {
    const dc = createDataChannel.apply(this, args)
    watch(dc)
    return dc
  }
  const pcAdd = PC.addEventListener
  const watchIncoming = (pc: RTCPeerConnection) => pcAdd.call(pc, 'datachannel', (e) => watch((e as RTCDataChannelEvent).channel), { capture: true })
  const Native = window.RTCPeerConnection
  window.RTCPeerConnection = new Proxy(Native, {
    construct(target, args: ConstructorParameters<typeof RTCPeerConnection>) {
      const pc = new target(...args)
      watchIncoming(pc)
      return pc
    },
  })
}

export async function readChannelCounts(page: Page): Promise<ChannelCounts> {
  return page.evaluate(() => ({ ...(window.benchChannelCounts ?? { sends: 0, sentBytes: 0, messages: 0, receivedBytes: 0 }) }))
}
