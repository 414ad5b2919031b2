/*
 * The OPFS storage worker. Sync access handles (FileSystemSyncAccessHandle) exist only in dedicated
 * workers; they read and write the file from the worker's own thread, with no round trip through the
 * browser process per write (IndexedDB sends every value there, and stores each large one as a blob file).
 * The worker starts from the text of `opfsWorkerMain` (see opfsWorkerSource), so that function must use
 * nothing outside itself: the library, the app and the one-file element all ship it without a worker file.
 */

import type { BatchItem } from './opfs-batch.ts'

/** A request from OpfsChunkStore; `store` names an open torrent store. */
export type WorkerRequest =
  | { id: number; op: 'open'; store: number; dir: string; chunkLength: number; chunkCount: number }
  /** Pieces stored within a few milliseconds, their bytes in one staging buffer that the reply hands back. */
  | { id: number; op: 'puts'; items: BatchItem[]; buffer: ArrayBuffer }
  | { id: number; op: 'get'; store: number; index: number; offset: number; length: number }
  /** Chunks [index, index + count) in one read (`length` bytes), and which of them are stored. */
  | { id: number; op: 'run'; store: number; index: number; count: number; length: number }
  | { id: number; op: 'keys' | 'close'; store: number }
  /** Closes the store if it is open, then deletes its folder. */
  | { id: number; op: 'destroy'; store: number; dir: string }

export type WorkerReply = { id: number; ok: true; result?: unknown } | { id: number; ok: false; name: string; message: string }

/** Top folder of every torrent's files in the origin private file system. */
export const OPFS_ROOT = 'swarmstream'

/** The worker's whole program. Runs inside the worker: no imports, no outer names. */
export function opfsWorkerMain(scope: { onmessage: ((e: MessageEvent) => void) | null; postMessage(m: unknown, transfer?: Transferable[]): void }, rootName: string): void {
  interface SyncHandle {
    read(buffer: Uint8Array, opts: { at: number }): number
    write(buffer: Uint8Array, opts: { at: number }): number
    getSize(): number
    flush(): void
    close(): void
  }
  /** One torrent's files, shared by every store of this page that has it open. */
  interface Files {
    dir: string
    chunkLength: number
    pieces: SyncHandle
    have: SyncHandle
    bits: Uint8Array
    users: number
  }
  const byDir = new Map<string, Promise<Files>>()
  const stores = new Map<number, Files>()
  const root = async () => (await navigator.storage.getDirectory()).getDirectoryHandle(rootName, { create: true })
  // A page that was just reloaded or left keeps its handles until its worker ends, which for a worker busy
  // writing took ~2 s (Chromium, measured): wait that long before telling the person another tab has it.
  const LOCK_WAIT_MS = 4000
  const syncHandle = async (dir: FileSystemDirectoryHandle, name: string): Promise<SyncHandle> => {
    const file = (await dir.getFileHandle(name, { create: true })) as unknown as { createSyncAccessHandle(): Promise<SyncHandle> }
    for (let waited = 0; ; waited += 50) {
      try {
        return await file.createSyncAccessHandle()
      } catch (err) {
        if ((err as DOMException)?.name !== 'NoModificationAllowedError' || waited >= LOCK_WAIT_MS) throw err
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
    }
  }
  const openFiles = async (m: Extract<WorkerRequest, { op: 'open' }>): Promise<Files> => {
    const dir = await (await root()).getDirectoryHandle(m.dir, { create: true })
    const pieces = await syncHandle(dir, 'pieces')
    let have: SyncHandle
    try {
      have = await syncHandle(dir, 'have')
    } catch (err) {
      pieces.close()
      throw err
    }
    const bits = new Uint8Array(Math.ceil(m.chunkCount / 8))
    have.read(bits, { at: 0 })
    return { dir: m.dir, chunkLength: m.chunkLength, pieces, have, bits, users: 0 }
  }
  const closeFiles = (f: Files) => {
    byDir.delete(f.dir)
    for (const h of [f.pieces, f.have]) {
      try {
        h.flush()
        h.close()
      } catch {
        // already closed
      }
    }
  }
  const open = async (m: Extract<WorkerRequest, { op: 'open' }>) => {
    let files = byDir.get(m.dir)
    if (!files) {
      files = openFiles(m)
      byDir.set(m.dir, files)
      files.catch(() => byDir.delete(m.dir))
    }
    const f = await files
    f.users++
    stores.set(m.store, f)
  }
  const release = (id: number) => {
    const f = stores.get(id)
    if (!f) return
    stores.delete(id)
    if (--f.users === 0) closeFiles(f)
  }
  const isSet = (bits: Uint8Array, i: number) => (bits[i >> 3]! & (0x80 >> (i & 7))) !== 0
  const closed = () => Object.assign(new Error('This store is closed'), { name: 'InvalidStateError' })
  const write = (item: BatchItem, buffer: ArrayBuffer) => {
    const s = stores.get(item.store)
    if (!s) throw closed()
    const data = new Uint8Array(buffer, item.offset, item.length)
    if (s.pieces.write(data, { at: item.index * s.chunkLength }) !== data.length) throw Object.assign(new Error('Short write'), { name: 'QuotaExceededError' })
    // The piece counts as stored only after its bytes are written.
    const byte = item.index >> 3
    s.bits[byte] = s.bits[byte]! | (0x80 >> (item.index & 7))
    s.have.write(s.bits.subarray(byte, byte + 1), { at: byte })
  }
  const failure = (err: unknown) => {
    const { name = 'Error', message = String(err) } = (err ?? {}) as { name?: string; message?: string }
    return { name, message }
  }
  const handle = async (m: WorkerRequest): Promise<[unknown, Transferable[]]> => {
    if (m.op === 'open') return [await open(m), []]
    if (m.op === 'puts') {
      const errors = m.items.map((item) => {
        try {
          write(item, m.buffer)
          return null
        } catch (err) {
          return failure(err)
        }
      })
      return [{ buffer: m.buffer, errors }, [m.buffer]]
    }
    if (m.op === 'destroy') {
      release(m.store)
      // Every other store of this torrent in the page closes with it (IndexedDB's deleteDatabase does the same).
      for (const [id, f] of stores) if (f.dir === m.dir) release(id)
      const open = byDir.get(m.dir)
      if (open) closeFiles(await open)
      await (await root()).removeEntry(m.dir, { recursive: true }).catch((err: { name?: string }) => {
        if (err?.name !== 'NotFoundError') throw err
      })
      return [undefined, []]
    }
    const s = stores.get(m.store)
    if (!s) throw closed()
    if (m.op === 'get') {
      if (!isSet(s.bits, m.index)) return [null, []]
      const out = new Uint8Array(m.length)
      const n = s.pieces.read(out, { at: m.index * s.chunkLength + m.offset })
      if (n !== m.length) throw Object.assign(new Error(`Read ${n} of ${m.length} bytes`), { name: 'NotReadableError' })
      return [out, [out.buffer]]
    }
    if (m.op === 'run') {
      const stored = Array.from({ length: m.count }, (_, i) => isSet(s.bits, m.index + i))
      if (!stored.includes(true)) return [{ stored }, []]
      const bytes = new Uint8Array(m.length)
      const n = s.pieces.read(bytes, { at: m.index * s.chunkLength })
      // The file may end before the run does (its last pieces not written yet): only stored pieces must be whole.
      const last = stored.lastIndexOf(true)
      const needed = last === m.count - 1 ? m.length : (last + 1) * s.chunkLength
      if (n < needed) throw Object.assign(new Error(`Read ${n} of ${needed} bytes`), { name: 'NotReadableError' })
      return [{ bytes, stored }, [bytes.buffer]]
    }
    if (m.op === 'keys') {
      const keys: number[] = []
      for (let i = 0; i < s.bits.length * 8; i++) if (isSet(s.bits, i)) keys.push(i)
      return [keys, []]
    }
    release(m.store)
    return [undefined, []]
  }
  scope.onmessage = (e: MessageEvent) => {
    const m = e.data as WorkerRequest
    handle(m).then(
      ([result, transfer]) => scope.postMessage({ id: m.id, ok: true, result } satisfies WorkerReply, transfer),
      (err: unknown) => scope.postMessage({ id: m.id, ok: false, ...failure(err) } satisfies WorkerReply),
    )
  }
}

/** The worker's program as a script (started from a Blob URL). */
export function opfsWorkerSource(): string {
  return `(${opfsWorkerMain.toString()})(self, ${JSON.stringify(OPFS_ROOT)})`
}
