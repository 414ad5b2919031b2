import { describe, expect, it } from 'vitest'
import { filesFromEntries, withPath, type DroppedEntry } from './drop-zone.ts'

function fileEntry(fullPath: string, content = 'x'): DroppedEntry & { file(ok: (f: File) => void): void } {
  const name = fullPath.split('/').pop() ?? fullPath
  return { isFile: true, isDirectory: false, name, fullPath, file: (ok) => ok(new File([content], name)) }
}

/** A directory whose reader hands out entries in batches, like Chromium's (100 at a time). */
function dirEntry(fullPath: string, children: DroppedEntry[], batch = 2): DroppedEntry {
  const name = fullPath.split('/').pop() ?? fullPath
  return {
    isFile: false,
    isDirectory: true,
    name,
    fullPath,
    createReader() {
      let next = 0
      return {
        readEntries(ok: (entries: DroppedEntry[]) => void) {
          const slice = children.slice(next, next + batch)
          next += batch
          setTimeout(() => ok(slice), 0)
        },
      }
    },
  } as DroppedEntry
}

describe('filesFromEntries', () => {
  it('walks folders recursively, reading every batch, and keeps relative paths', async () => {
    const many = Array.from({ length: 5 }, (_, i) => fileEntry(`/album/cd1/track${i}.mp3`))
    const entries = [
      fileEntry('/readme.txt'),
      dirEntry('/album', [dirEntry('/album/cd1', many), fileEntry('/album/cover.jpg'), dirEntry('/album/empty', [])]),
    ]
    const files = await filesFromEntries(entries)
    expect(files.map((f) => (f as { path?: string }).path ?? f.name)).toEqual([
      'readme.txt',
      'album/cd1/track0.mp3',
      'album/cd1/track1.mp3',
      'album/cd1/track2.mp3',
      'album/cd1/track3.mp3',
      'album/cd1/track4.mp3',
      'album/cover.jpg',
    ])
    expect(files[1]?.name).toBe('track0.mp3')
  })

  it('skips operating-system clutter files', async () => {
    const files = await filesFromEntries([dirEntry('/d', [fileEntry('/d/.DS_Store'), fileEntry('/d/Thumbs.db'), fileEntry('/d/a.txt')])])
    expect(files.map((f) => f.name)).toEqual(['a.txt'])
  })

  it('rejects when a file cannot be read', async () => {
    const broken = { isFile: true, isDirectory: false, name: 'gone', fullPath: '/gone', file: (_ok: unknown, fail: (e: Error) => void) => fail(new Error('NotFoundError')) }
    await expect(filesFromEntries([broken as DroppedEntry])).rejects.toThrow('NotFoundError')
  })
})

describe('withPath', () => {
  it('returns a top-level file unchanged', () => {
    const f = new File(['abc'], 'a.txt')
    expect(withPath(f, 'a.txt')).toBe(f)
  })

  it('gives a nested file a path property and keeps its bytes and type', async () => {
    const f = new File(['abc'], 'a.txt', { type: 'text/plain' })
    const copy = withPath(f, 'dir/a.txt')
    expect(copy).not.toBe(f)
    expect(copy.path).toBe('dir/a.txt')
    expect(copy.name).toBe('a.txt')
    expect(copy.type).toBe('text/plain')
    expect(await copy.text()).toBe('abc')
  })
})
