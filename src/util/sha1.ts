/**
 * Hashes piece (and block) data. Session code takes a Hasher from its deps, so tests and the swarm
 * simulator can pass a synchronous stand-in and get results in a deterministic order.
 */
export type Hasher = (data: Uint8Array) => Promise<Uint8Array>

/** SHA-1 through WebCrypto (also available in Node 20 as globalThis.crypto). */
export async function sha1(data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-1', data as Uint8Array<ArrayBuffer>))
}
