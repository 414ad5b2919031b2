/// <reference lib="webworker" />
// The file server worker, built to /sw.js (scope /). It answers /files/<infoHash>/<path> by asking
// the app tabs, which hold the torrents: each window client in turn (the requesting one first)
// gets the request with a MessagePort; the first that answers `accepted` serves it. The body is
// pulled chunk by chunk over the port as the consumer reads; cancel goes back to the tab.
// Self-contained on purpose (no runtime imports): it must load as a classic script.

// Copies of src/serve/protocol.ts (the worker may import nothing but src/util).
interface FileRequestMessage {
  type: 'swarmstream:file'
  method: string
  url: string
  range: string | null
  destination: string
}
type PageMessage =
  | { type: 'missing' }
  | { type: 'accepted' }
  | { type: 'head'; status: number; headers: [string, string][]; text?: string; body: boolean }
  | { type: 'chunk'; bytes: Uint8Array<ArrayBuffer> }
  | { type: 'end' }
  | { type: 'error'; message: string }
type WorkerMessage = { type: 'pull' } | { type: 'cancel' }

const worker = self as unknown as ServiceWorkerGlobalScope

const FILES_PATH = '/files/'
/** A tab that does not answer this fast does not run the file server. */
const ACCEPT_TIMEOUT_MS = 3000

worker.addEventListener('install', () => void worker.skipWaiting())
worker.addEventListener('activate', (event) => event.waitUntil(worker.clients.claim()))

worker.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url)
  if (url.origin !== worker.location.origin || !url.pathname.startsWith(FILES_PATH)) return
  event.respondWith(serve(event))
})

async function serve(event: FetchEvent): Promise<Response> {
  const { request } = event
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    return text(405, 'Torrent files can only be read (GET or HEAD).', [['Allow', 'GET, HEAD']])
  }
  const message: FileRequestMessage = {
    type: 'swarmstream:file',
    method: request.method,
    url: request.url,
    range: request.headers.get('Range'),
    destination: request.destination,
  }
  for (const client of await candidates(event.clientId)) {
    const port = await ask(client, message)
    if (!port) continue
    const head = await nextMessage(port)
    if (head?.type !== 'head') {
      port.close()
      return text(502, 'The app tab stopped answering while opening this file: reload it and try again.')
    }
    const headers = new Headers(head.headers)
    if (!head.body) {
      port.close()
      return new Response(request.method === 'HEAD' ? null : (head.text ?? null), { status: head.status, headers })
    }
    const body = bodyStream(port)
    event.waitUntil(body.done)
    return new Response(body.stream, { status: head.status, headers })
  }
  return text(404, 'This torrent is not open in any Swarmstream tab: open the app and add the torrent first.')
}

async function candidates(requesterId: string): Promise<Client[]> {
  const all = await worker.clients.matchAll({ type: 'window', includeUncontrolled: true })
  return [...all].sort((a, b) => Number(b.id === requesterId) - Number(a.id === requesterId))
}

/** Posts the request to one tab; resolves with the port when the tab has the torrent. */
async function ask(client: Client, message: FileRequestMessage): Promise<MessagePort | null> {
  const channel = new MessageChannel()
  const port = channel.port1
  const reply = nextMessage(port, ACCEPT_TIMEOUT_MS)
  client.postMessage(message, [channel.port2])
  const first = await reply
  if (first?.type === 'accepted') return port
  port.close()
  return null
}

/** The next message on the port (it queues until read), or null after `timeoutMs`. */
function nextMessage(port: MessagePort, timeoutMs = 0): Promise<PageMessage | null> {
  return new Promise((resolve) => {
    const timer = timeoutMs > 0 ? setTimeout(() => done(null), timeoutMs) : 0
    const onMessage = (event: MessageEvent<PageMessage>) => done(event.data)
    function done(value: PageMessage | null) {
      clearTimeout(timer)
      port.removeEventListener('message', onMessage)
      resolve(value)
    }
    port.addEventListener('message', onMessage)
    port.start()
  })
}

/** A body that asks the tab for one chunk per pull (backpressure) and tells it when cancelled. */
function bodyStream(port: MessagePort): { stream: ReadableStream<Uint8Array>; done: Promise<void> } {
  let settle = () => {}
  const done = new Promise<void>((resolve) => (settle = resolve))
  const send = (message: WorkerMessage) => port.postMessage(message)
  const stream = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        send({ type: 'pull' })
        const message = await nextMessage(port)
        if (message?.type === 'chunk') return controller.enqueue(message.bytes)
        port.close()
        settle()
        if (message?.type === 'end') controller.close()
        else controller.error(new Error(message?.type === 'error' ? message.message : 'The app tab closed while sending the file.'))
      },
      cancel() {
        send({ type: 'cancel' })
        port.close()
        settle()
      },
    },
    { highWaterMark: 1 },
  )
  return { stream, done }
}

function text(status: number, body: string, extra: [string, string][] = []): Response {
  return new Response(body, { status, headers: [['Content-Type', 'text/plain; charset=utf-8'], ...extra] })
}
