import { describe, expect, it } from 'vitest'
import { contentType, isDocumentType } from './content-type.ts'
import { fileUrl, parseFileUrl } from './file-url.ts'

const hash = 'ab'.repeat(20)

describe('file URLs', () => {
  it('percent-encodes each path component and reads it back', () => {
    const url = fileUrl({ infoHash: hash.toUpperCase() }, { path: 'site/日本 #1/a?b%.html' })
    expect(url).toBe(`/files/${hash}/site/${encodeURIComponent('日本 #1')}/${encodeURIComponent('a?b%.html')}`)
    expect(parseFileUrl(url)).toEqual({ infoHash: hash, path: 'site/日本 #1/a?b%.html' })
  })

  it('rejects paths that are not file URLs', () => {
    expect(parseFileUrl('/other/x')).toBeNull()
    expect(parseFileUrl('/files/1234/x')).toBeNull()
    expect(parseFileUrl(`/files/${hash}/bad%E0%A4%A`)).toBeNull()
    expect(parseFileUrl(`/files/${hash}`)).toEqual({ infoHash: hash, path: '' })
  })

  it('knows web content types', () => {
    expect(contentType('index.HTML')).toBe('text/html; charset=utf-8')
    expect(contentType('a.css')).toBe('text/css; charset=utf-8')
    expect(contentType('v.mp4')).toBe('video/mp4')
    expect(contentType('font.woff2')).toBe('font/woff2')
    expect(contentType('noext')).toBe('application/octet-stream')
    expect(isDocumentType(contentType('a.svg'))).toBe(true)
    expect(isDocumentType(contentType('a.xml'))).toBe(true)
    expect(isDocumentType(contentType('a.png'))).toBe(false)
  })
})
