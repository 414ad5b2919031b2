import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { AbortError, InvalidInputError, SwarmstreamError } from './errors.ts'

const SRC = fileURLToPath(new URL('..', import.meta.url))
const DECLARES_ERROR = /\bclass\s+\w+\s+extends\s+\w*Error\b/

/** Every module under src/ (tests aside) that declares an error class. */
function errorModules(): string[] {
  return readdirSync(SRC, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.endsWith('.d.ts'))
    .filter((f) => DECLARES_ERROR.test(readFileSync(join(SRC, f), 'utf8')))
    .sort()
}

type ErrorClass = new (...args: string[]) => Error

async function exportedErrorClasses(file: string): Promise<[string, ErrorClass][]> {
  const module = (await import(join(SRC, file))) as Record<string, unknown>
  return Object.entries(module).filter((entry): entry is [string, ErrorClass] => typeof entry[1] === 'function' && entry[1].prototype instanceof Error)
}

describe('error classes', () => {
  it('finds the error classes of every layer', async () => {
    const found = (await Promise.all(errorModules().map(exportedErrorClasses))).flat().map(([name]) => name)
    expect(found).toEqual(expect.arrayContaining(['SwarmstreamError', 'InvalidInputError', 'ProtocolError', 'StorageError', 'AbortError']))
    expect(found).toEqual(expect.arrayContaining(['InvalidTorrentError', 'InvalidMagnetError', 'BencodeError', 'WebSeedError', 'MediaError']))
  })

  // A minifier renames classes, so `name` is spelled out in each class; a class that forgets it
  // would report its parent's name.
  it.each(errorModules())('%s: each error class names itself and is a SwarmstreamError', async (file) => {
    const classes = await exportedErrorClasses(file)
    expect(classes.length).toBeGreaterThan(0)
    for (const [exported, ErrorClass] of classes) {
      const err = new ErrorClass('SOME_CODE', 'a message')
      expect(err.name, `${file}: ${exported}`).toBe(exported)
      expect(err, `${file}: ${exported}`).toBeInstanceOf(SwarmstreamError)
    }
  })

  it('keeps code, message and cause', () => {
    const cause = new Error('low level')
    const err = new InvalidInputError('INVALID_THING', 'That thing cannot be used.', { cause })
    expect([err.name, err.code, err.message, err.cause]).toEqual(['InvalidInputError', 'INVALID_THING', 'That thing cannot be used.', cause])
    expect(String(new AbortError())).toBe('AbortError: The operation was aborted.')
  })
})
