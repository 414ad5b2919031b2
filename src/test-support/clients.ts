import { afterEach } from 'vitest'
import { Client, type ClientOptions } from '../client/client.ts'

/** A factory of in-memory, trackerless clients that are all destroyed after each test. */
export function testClients(): (opts?: ClientOptions) => Client {
  const clients: Client[] = []
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.destroy()))
  })
  return (opts = {}) => {
    const c = new Client({ tracker: false, storage: 'memory', ...opts })
    clients.push(c)
    return c
  }
}

/** Reads a whole stream into one array. */
export async function readAll(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = []
  const reader = stream.getReader()
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    parts.push(value)
  }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let offset = 0
  for (const p of parts) {
    out.set(p, offset)
    offset += p.length
  }
  return out
}
