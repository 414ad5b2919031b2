import { concatBytes } from '../util/bytes.ts'
import { WebSeedError } from './errors.ts'

export function lengthError(what: string, want: number, body: Uint8Array | null): WebSeedError {
  const got = body === null ? `more than ${want}` : String(body.length)
  return new WebSeedError('WEBSEED_LENGTH', `The ${what} sent ${got} bytes instead of ${want}; it will be retried later.`)
}

/** The range of a `Content-Range: bytes a-b/n` header, or null. */
export function contentRange(header: string | null): { start: number; end: number } | null {
  const match = header ? /^bytes (\d+)-(\d+)\//i.exec(header.trim()) : null
  return match ? { start: Number(match[1]), end: Number(match[2]) } : null
}

/** The body, or null as soon as it grows past `limit` bytes. */
export async function readBody(response: Response, limit: number): Promise<Uint8Array | null> {
  if (!response.body) {
    const bytes = new Uint8Array(await response.arrayBuffer())
    return bytes.length > limit ? null : bytes
  }
  const reader = response.body.getReader()
  const chunks: Uint8Array[] = []
  let length = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) return chunks.length === 1 ? chunks[0]! : concatBytes(chunks)
    length += value.length
    if (length > limit) {
      await reader.cancel().catch(() => {})
      return null
    }
    chunks.push(value)
  }
}

/** Whether a 200 answer carries the whole file although a part was asked for (the server ignored Range). */
export function ignoredRange(response: Response, start: number, end: number, fileLength: number): boolean {
  return response.status === 200 && !(start === 0 && end === fileLength - 1)
}
