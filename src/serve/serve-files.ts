import { SwarmstreamError } from '../util/errors.ts'
import { parseFileUrl } from './file-url.ts'
import { pump } from './port-pump.ts'
import { FILE_REQUEST, type FileRequestMessage, type PageMessage } from './protocol.ts'
import { respond, type RespondOptions, type TorrentLookup } from './responder.ts'

export interface ServeOptions extends RespondOptions {
  /** Worker script; the app build emits it at /sw.js. */
  scriptUrl?: string
  scope?: string
}

/**
 * Serves this page's torrents at `/files/<infoHash>/<path>`: registers the service worker and
 * answers its requests. Resolves once the worker is active and controls this page.
 * With several app tabs the worker asks each tab in turn (the requesting tab first); the first
 * that has the torrent answers.
 */
export async function serveFiles(client: TorrentLookup, opts: ServeOptions = {}): Promise<ServiceWorkerRegistration> {
  if (typeof navigator === 'undefined' || !('serviceWorker' in navigator)) {
    throw new SwarmstreamError(
      'NO_SERVICE_WORKER',
      'File URLs need a service worker: open the app over https (or on localhost) in a browser with service workers enabled.',
    )
  }
  const container = navigator.serviceWorker
  container.addEventListener('message', (event: MessageEvent) => {
    const data = event.data as FileRequestMessage | undefined
    const port = event.ports[0]
    if (data?.type === FILE_REQUEST && port) void answer(data, port, client, opts)
  })
  container.startMessages()
  const registration = await container.register(opts.scriptUrl ?? '/sw.js', { scope: opts.scope ?? '/' })
  await activated(registration)
  if (!container.controller) await new Promise((resolve) => container.addEventListener('controllerchange', resolve, { once: true }))
  return registration
}

async function answer(req: FileRequestMessage, port: MessagePort, client: TorrentLookup, opts: RespondOptions): Promise<void> {
  const post = (message: PageMessage) => port.postMessage(message)
  const location = parseFileUrl(new URL(req.url).pathname)
  if (location && !client.get(location.infoHash)) {
    post({ type: 'missing' })
    return port.close()
  }
  post({ type: 'accepted' })
  try {
    const res = await respond(req, client, opts)
    if (!res) {
      post({ type: 'missing' })
      return port.close()
    }
    post({ type: 'head', status: res.status, headers: res.headers, ...(res.text !== null ? { text: res.text } : {}), body: !!res.body })
    if (res.body) pump(port, res.body)
    else port.close()
  } catch (err) {
    post({ type: 'head', status: 500, headers: [['Content-Type', 'text/plain; charset=utf-8']], text: `Could not read the file: ${(err as Error).message}`, body: false })
    port.close()
  }
}

function activated(registration: ServiceWorkerRegistration): Promise<void> {
  const worker = registration.installing ?? registration.waiting ?? registration.active
  if (!worker || worker.state === 'activated') return Promise.resolve()
  return new Promise((resolve, reject) => {
    worker.addEventListener('statechange', () => {
      if (worker.state === 'activated') resolve()
      if (worker.state === 'redundant') reject(new SwarmstreamError('SERVICE_WORKER_FAILED', 'The file server worker failed to install: reload the page.'))
    })
  })
}
