import { describe, expect, it } from 'vitest'
import { checkShareName, needsShareName, proposeShareName } from './share-name.ts'

const file = (name: string, path?: string) => ({ name, ...(path ? { path } : {}) })

describe('needsShareName', () => {
  it('asks only when several files are shared', () => {
    expect(needsShareName([file('a.bin')])).toBe(false)
    expect(needsShareName([file('a.bin', 'trip/a.bin')])).toBe(false)
    expect(needsShareName([file('a.bin'), file('b.bin')])).toBe(true)
  })
})

describe('proposeShareName', () => {
  it('proposes "N files" for loose files', () => {
    expect(proposeShareName([file('a.bin'), file('b.bin'), file('c.txt')])).toBe('3 files')
  })
  it("proposes the folder's name when every file is in the same folder (drop or folder picker)", () => {
    expect(proposeShareName([file('a.jpg', '/Holiday 2024/a.jpg'), file('b.jpg', 'Holiday 2024/sub/b.jpg')])).toBe('Holiday 2024')
    const picked = [{ name: 'a.jpg', webkitRelativePath: 'Trip/a.jpg' }, { name: 'b.jpg', webkitRelativePath: 'Trip/b.jpg' }]
    expect(proposeShareName(picked)).toBe('Trip')
  })
  it('proposes "N files" when files come from different folders, or some are loose', () => {
    expect(proposeShareName([file('a', 'x/a'), file('b', 'y/b')])).toBe('2 files')
    expect(proposeShareName([file('a', 'x/a'), file('b')])).toBe('2 files')
  })
  it('prefers a usable hint (the title of a share) and ignores an unusable one', () => {
    expect(proposeShareName([file('a'), file('b')], '  Photos from Ana ')).toBe('Photos from Ana')
    expect(proposeShareName([file('a'), file('b')], 'a/b')).toBe('2 files')
    expect(proposeShareName([file('a'), file('b')], '   ')).toBe('2 files')
  })
})

describe('checkShareName', () => {
  it('accepts a plain name, trimmed', () => {
    expect(checkShareName('  Summer photos ')).toEqual({ ok: true, name: 'Summer photos' })
    expect(checkShareName('Ünïcode ✓')).toEqual({ ok: true, name: 'Ünïcode ✓' })
  })
  it('refuses empty names, slashes, dot names and names too long, saying why', () => {
    for (const bad of ['', '   ', 'a/b', 'a\\b', '.', '..', 'x'.repeat(256), 'é'.repeat(128)]) {
      const result = checkShareName(bad)
      expect(result.ok, JSON.stringify(bad)).toBe(false)
      if (!result.ok) expect(result.problem.length).toBeGreaterThan(10)
    }
    expect(checkShareName('x'.repeat(255)).ok).toBe(true)
  })
})
