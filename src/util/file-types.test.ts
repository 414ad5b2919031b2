import { describe, expect, it } from 'vitest'
import { contentType, extensionOf, extensionsOf, mediaKind, mimeType, streamContainer, UNKNOWN_TYPE } from './file-types.ts'

describe('file types', () => {
  it('reads the extension from the last dot of the last path segment, lower-cased', () => {
    expect(extensionOf('Movie.Final.MKV')).toBe('mkv')
    expect(extensionOf('dir.v2/readme')).toBe('')
    expect(extensionOf('.torrent')).toBe('torrent')
    expect(extensionOf('noext')).toBe('')
  })

  it('gives the bare MIME type for blobs and a UTF-8 Content-Type for text', () => {
    expect(mimeType('a.MP4')).toBe('video/mp4')
    expect(mimeType('index.html')).toBe('text/html')
    expect(contentType('index.html')).toBe('text/html; charset=utf-8')
    expect(contentType('app.js')).toBe('text/javascript; charset=utf-8')
    expect(contentType('data.json')).toBe('application/json')
    expect(contentType('drawing.svg')).toBe('image/svg+xml')
    expect(mimeType('.torrent')).toBe('application/x-bittorrent')
    expect(mimeType('archive.rar')).toBe(UNKNOWN_TYPE)
    expect(contentType('noext')).toBe(UNKNOWN_TYPE)
  })

  it('knows the media kind and the container MediaSource streams', () => {
    expect([mediaKind('a.webm'), mediaKind('a.flac'), mediaKind('a.png'), mediaKind('a.srt'), mediaKind('a.avi')]).toEqual(['video', 'audio', 'image', null, null])
    expect([streamContainer('a.m4v'), streamContainer('a.mkv'), streamContainer('a.mp3'), streamContainer('a.mov'), streamContainer('a.wav')]).toEqual([
      'mp4',
      'webm',
      'mp3',
      null,
      null,
    ])
    // svg can run script: it is served as a document, never offered as a plain image
    expect(mediaKind('a.svg')).toBeNull()
  })

  it('lists the extensions of a kind', () => {
    expect(extensionsOf('video')).toEqual(['mp4', 'm4v', 'webm', 'mkv', 'mov', 'ogv'])
    expect(extensionsOf('audio')).toContain('mp3')
    expect(extensionsOf('audio')).not.toContain('mp4')
  })
})
