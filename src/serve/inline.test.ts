import { describe, expect, it } from 'vitest'
import { utf8Encode } from '../util/bytes.ts'
import { inlineCss, inlineHtml, type LoadResource } from './inline.ts'

const base = new URL('http://app.test/files/aaaa/site/index.html')
const files: Record<string, { type: string; body: string }> = {
  '/files/aaaa/site/img.svg': { type: 'image/svg+xml', body: '<svg/>' },
  '/files/aaaa/site/style.css': { type: 'text/css; charset=utf-8', body: 'body{background:url(img/bg.png)}' },
  '/files/aaaa/site/img/bg.png': { type: 'image/png', body: 'PNG' },
  '/files/aaaa/site/app.js': { type: 'text/javascript; charset=utf-8', body: 'parent.postMessage(1,"*")' },
}
const asked: string[] = []
const load: LoadResource = async (url) => {
  asked.push(url.pathname)
  const file = files[url.pathname]
  if (!file) return null
  const bytes = utf8Encode(file.body)
  return { type: file.type, length: bytes.length, read: async () => bytes }
}
const data = (type: string, body: string) => `data:${type};base64,${Buffer.from(body).toString('base64')}`

describe('inlining same-torrent resources', () => {
  it('turns img, script and stylesheet URLs into data: URLs, stylesheet resources too', async () => {
    const html = `<link rel="stylesheet" href="style.css"><img alt=x src='img.svg'><script src=app.js></script><a href="page2.html">next</a>`
    const out = await inlineHtml(html, base, load)
    expect(out).toContain(`href="${data('text/css;charset=utf-8', `body{background:url("${data('image/png', 'PNG')}")}`)}"`)
    expect(out).toContain(`src="${data('image/svg+xml', '<svg/>')}"`)
    expect(out).toContain(`src="${data('text/javascript;charset=utf-8', 'parent.postMessage(1,"*")')}"`)
    expect(out).toContain('<a href="page2.html">next</a>')
  })

  it('leaves other sites, missing files and non-resource links alone', async () => {
    const html = `<img src="https://elsewhere.test/x.png"><img src="missing.png"><link rel="canonical" href="img.svg"><img src="data:,x">`
    expect(await inlineHtml(html, base, load)).toBe(html)
  })

  it('rewrites url() and @import in style blocks and CSS', async () => {
    const out = await inlineHtml('<style>@import "style.css"; p{background:url( "img.svg" )}</style>', base, load)
    expect(out).toContain(`@import url("data:text/css;charset=utf-8;base64,`)
    expect(out).toContain(`url("${data('image/svg+xml', '<svg/>')}")`)
    expect(await inlineCss('a{b:url(#frag)}', base, load)).toBe('a{b:url(#frag)}')
  })
})
