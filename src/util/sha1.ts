/** SHA-1 through WebCrypto (also available in Node 20 as globalThis.crypto). */
export async function sha1(data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-1', data as Uint8Array<ArrayBuffer>))
}
