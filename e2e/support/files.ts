// Deterministic test files: the same (seed, size) always gives the same bytes.
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'

/** Pseudo-random bytes (xorshift32 seeded through a splitmix-style mixer). */
export function pseudoRandomBytes(seed: number, size: number): Uint8Array {
  const out = new Uint8Array(size)
  let x = mix(seed >>> 0) || 0x9e3779b9
  let i = 0
  const words = Math.floor(size / 4)
  const view = new DataView(out.buffer)
  for (let w = 0; w < words; w++, i += 4) {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    x >>>= 0
    view.setUint32(i, x, true)
  }
  for (; i < size; i++) {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    x >>>= 0
    out[i] = x & 0xff
  }
  return out
}

function mix(n: number): number {
  let z = (n + 0x9e3779b9) >>> 0
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0
  return (z ^ (z >>> 16)) >>> 0
}

/** A fresh temp dir; call the returned cleanup in afterAll/finally. */
export async function makeTempDir(prefix = 'swarmstream-e2e-'): Promise<{ dir: string; cleanup(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix))
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) }
}

/** Writes `size` pseudo-random bytes for `seed` at dir/relPath (creating folders); returns the path. */
export async function writeTestFile(dir: string, relPath: string, size: number, seed: number): Promise<string> {
  const path = join(dir, relPath)
  await mkdir(dirname(path), { recursive: true })
  await writeFile(path, pseudoRandomBytes(seed, size))
  return path
}

/** SHA-256 hex of bytes, or of a file's contents when given a path. */
export async function sha256(input: Uint8Array | string): Promise<string> {
  const hash = createHash('sha256')
  if (typeof input !== 'string') return hash.update(input).digest('hex')
  for await (const chunk of createReadStream(input)) hash.update(chunk as Buffer)
  return hash.digest('hex')
}
