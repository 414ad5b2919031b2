// Messages between the service worker (src/sw/sw.ts, which imports these types only) and the page
// that holds the client.

/** Worker → every candidate page, with a MessagePort for the answer. */
export interface FileRequestMessage {
  type: 'swarmstream:file'
  method: string
  /** Absolute URL of the request. */
  url: string
  range: string | null
  /** `Request.destination` ('document', 'iframe', 'image', 'video', '' for fetch()…). */
  destination: string
}

/** Page → worker, on the port: first `accepted` or `missing`, then `head`, then the body. */
export type PageMessage =
  | { type: 'missing' }
  | { type: 'accepted' }
  | { type: 'head'; status: number; headers: [string, string][]; text?: string; body: boolean }
  | { type: 'chunk'; bytes: Uint8Array<ArrayBuffer> }
  | { type: 'end' }
  | { type: 'error'; message: string }

/** Worker → page, on the port: the consumer wants the next chunk, or is gone. */
export type WorkerMessage = { type: 'pull' } | { type: 'cancel' }

export const FILE_REQUEST = 'swarmstream:file'
