import type { PageMessage, WorkerMessage } from './protocol.ts'

/** Message port as the page side uses it (a DOM MessagePort fits). */
export interface PumpPort {
  postMessage(message: PageMessage, transfer?: Transferable[]): void
  addEventListener(type: 'message', listener: (event: MessageEvent<WorkerMessage>) => void): void
  start(): void
  close(): void
}

/**
 * Sends one chunk of `body` per `pull` from the worker, so the file is read only as fast as the
 * consumer (a <video>, a fetch) reads; `cancel` cancels the file stream, which drops its reader
 * priority in the torrent.
 */
export function pump(port: PumpPort, body: ReadableStream<Uint8Array>): void {
  const reader = body.getReader()
  let busy: Promise<void> = Promise.resolve()
  let finished = false
  const finish = () => {
    finished = true
    port.close()
  }
  const next = async () => {
    if (finished) return
    try {
      const { done, value } = await reader.read()
      if (finished) return
      if (done) {
        port.postMessage({ type: 'end' })
        return finish()
      }
      const bytes = value.slice() // own buffer: the piece it came from may be shared
      port.postMessage({ type: 'chunk', bytes }, [bytes.buffer])
    } catch (err) {
      if (finished) return
      port.postMessage({ type: 'error', message: err instanceof Error ? err.message : String(err) })
      finish()
    }
  }
  port.addEventListener('message', (event) => {
    if (event.data.type === 'pull') busy = busy.then(next)
    else if (event.data.type === 'cancel' && !finished) {
      finish()
      void reader.cancel().catch(() => undefined)
    }
  })
  port.start()
}
