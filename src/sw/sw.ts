/// <reference lib="webworker" />
// The file server worker, built to /sw.js (scope /). It answers /files/<infoHash>/<path> by asking
// the app tabs, which hold the torrents: each window client in turn (the requesting one first)
// gets the request with a MessagePort; the first that answers `accepted` serves it. The body is
// pulled chunk by chunk over the port as the consumer reads; cancel goes back to the tab.
// It loads as a classic script, so it has no import statement (lint enforces it; an `import type` would
// still leave an `export {}` in the dev server's output): the message shapes src/serve/protocol.ts
// defines are referred to as types.

type FileRequestMessage = import('../serve/protocol.ts').FileRequestMessage
type PageMessage = import('../serve/protocol.ts').PageMessage
type WorkerMessage = import('../serve/protocol.ts').WorkerMessage

const worker = self as unknown as ServiceWorkerGlobalScope

/** Same as src/serve/file-url.ts FILES_PATH (a value, so it cannot be imported here). */
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

// ---- Share target (manifest `share_target`): files or links shared to the installed app ----
// The POST is answered here: the files go into Cache Storage (they survive this worker being
// stopped), and the browser is sent on to the app with `?share=<id>`; the page takes them from there
// (src/ui/share-inbox.ts reads the same cache and keys).

const SHARE_ACTION = '/share-target'
const SHARE_CACHE = 'swarmstream-share-target'

interface SharedMeta {
  title: string
  text: string
  url: string
  files: { name: string; type: string; lastModified: number }[]
}

worker.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url)
  if (url.origin !== worker.location.origin || url.pathname !== SHARE_ACTION) return
  event.respondWith(receiveShare(event.request, url))
})

async function receiveShare(request: Request, action: URL): Promise<Response> {
  if (request.method !== 'POST') return Response.redirect(new URL('/', action).href, 303)
  let form: FormData
  try {
    form = await request.formData()
  } catch {
    return text(400, 'Swarmstream could not read what was shared (expected multipart/form-data). Share the files again.')
  }
  const files = form.getAll('files').filter((value): value is File => typeof value !== 'string' && value.name !== '')
  const field = (name: string) => {
    const value = form.get(name)
    return typeof value === 'string' ? value : ''
  }
  const id = crypto.randomUUID()
  const meta: SharedMeta = {
    title: field('title'),
    text: field('text'),
    url: field('url'),
    files: files.map((f) => ({ name: f.name, type: f.type, lastModified: f.lastModified })),
  }
  const cache = await caches.open(SHARE_CACHE)
  const type = (f: File) => f.type || 'application/octet-stream'
  await Promise.all(files.map((file, i) => cache.put(`${SHARE_ACTION}/${id}/${i}`, new Response(file, { headers: { 'Content-Type': type(file) } }))))
  await cache.put(`${SHARE_ACTION}/${id}/meta`, Response.json(meta))
  // The app opens with the action URL's own query too (the manifest's has none; tests add ?announce=).
  const target = new URL('/', action)
  action.searchParams.forEach((value, key) => target.searchParams.append(key, value))
  target.searchParams.set('share', id)
  return Response.redirect(target.href, 303)
}

// ---- App shell: the built app opens with no network ----
// The app build prepends `self.__SWARMSTREAM_SHELL__ = { version, files }` to this worker
// (src/node/app-shell.ts): every file of the build. They are cached at install; pages open from
// the network when it answers, else from the cache; hashed assets come from the cache first.
// The dev server injects nothing, so in development nothing is cached.

interface ShellManifest {
  version: string
  files: string[]
}
const SHELL = (worker as unknown as { __SWARMSTREAM_SHELL__?: ShellManifest }).__SWARMSTREAM_SHELL__ ?? null
const SHELL_PREFIX = 'swarmstream-shell-'
/** Built files whose names carry a content hash: never stale. */
const HASHED_ASSETS = '/assets/'

worker.addEventListener('install', (event) => {
  if (SHELL) event.waitUntil(precacheShell(SHELL))
})

worker.addEventListener('activate', (event) => {
  event.waitUntil(dropOldShells())
})

worker.addEventListener('fetch', (event) => {
  const { request } = event
  const url = new URL(request.url)
  if (!SHELL || request.method !== 'GET' || url.origin !== worker.location.origin) return
  if (url.pathname.startsWith(FILES_PATH) || url.pathname === SHARE_ACTION) return
  event.respondWith(request.mode === 'navigate' ? openPage(request, url, SHELL) : shellFile(request, url, SHELL))
})

/** Caches every file of the build; one that fails to load is logged, not fatal (file URLs must keep working). */
async function precacheShell(shell: ShellManifest): Promise<void> {
  const cache = await caches.open(SHELL_PREFIX + shell.version)
  const results = await Promise.allSettled(shell.files.map((path) => cache.add(new Request(path, { cache: 'reload' }))))
  const failed = shell.files.filter((_, i) => results[i]!.status === 'rejected')
  if (failed.length > 0) console.warn(`Swarmstream will not open offline: could not cache ${failed.join(', ')}`)
}

async function dropOldShells(): Promise<void> {
  const current = SHELL ? SHELL_PREFIX + SHELL.version : null
  const names = await caches.keys()
  await Promise.all(names.filter((n) => n.startsWith(SHELL_PREFIX) && n !== current).map((n) => caches.delete(n)))
}

/** Network first, so an online visit always gets the latest page; the cached app when offline. */
async function openPage(request: Request, url: URL, shell: ShellManifest): Promise<Response> {
  try {
    return await fetch(request)
  } catch (err) {
    const cache = await caches.open(SHELL_PREFIX + shell.version)
    const isApp = url.pathname === '/' || url.pathname === '/index.html'
    const cached = (await cache.match(isApp ? '/' : request, { ignoreSearch: true })) ?? null
    if (cached) return cached
    throw err
  }
}

/** Cache first for the build's files; hashed assets fetched later (e.g. after an update) are kept too. */
async function shellFile(request: Request, url: URL, shell: ShellManifest): Promise<Response> {
  const cache = await caches.open(SHELL_PREFIX + shell.version)
  const cached = await cache.match(request, { ignoreSearch: true })
  if (cached) return cached
  const response = await fetch(request)
  if (response.ok && url.pathname.startsWith(HASHED_ASSETS)) await cache.put(request, response.clone())
  return response
}
