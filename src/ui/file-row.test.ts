import { describe, expect, it } from 'vitest'
import { folderOf } from './file-row.ts'

describe('folderOf', () => {
  it('shows the folders below the torrent root', () => {
    expect(folderOf({ name: 'track.mp3', path: 'Album/cd1/track.mp3' }, 'Album')).toBe('cd1/')
    expect(folderOf({ name: 'cover.jpg', path: 'Album/cover.jpg' }, 'Album')).toBe('')
  })

  it('keeps the whole folder path when the root name does not match', () => {
    expect(folderOf({ name: 'a.txt', path: 'x/y/a.txt' }, 'Other')).toBe('x/y/')
    expect(folderOf({ name: 'a.txt', path: 'a.txt' }, '')).toBe('')
  })

  it('does not treat a name that merely ends the path as a folder split', () => {
    expect(folderOf({ name: 'b.txt', path: 'root/ab.txt' }, 'root')).toBe('')
  })
})
