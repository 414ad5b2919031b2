import { toBinaryString, utf8Decode, utf8Encode } from '../util/bytes.ts'
import { isCssType } from './content-type.ts'

// Why inline: a page from a torrent runs on an opaque origin (CSP sandbox), and a service worker
// never controls an opaque-origin document, so its <img>, <link> and <script> requests would go
// to the network. Navigations (links, the frame itself) do reach the worker. So when a page is
// served, the resources it names from the same torrent are read then and embedded as data: URLs.
// Not covered: resources a script requests later (fetch, new Image), srcset, nested frames.

/** A same-torrent resource, or null for anything else (other torrents, other sites). */
export type LoadResource = (url: URL) => Promise<{ type: string; length: number; read(): Promise<Uint8Array> } | null>

/** Resources larger than this stay as they are (data: URLs of big media would not help). */
const MAX_INLINE_BYTES = 16 * 1024 * 1024
const MAX_CSS_DEPTH = 4

const TAG = /<(img|script|link|input|embed|track|video)\b[^>]*>/gi
const ATTR = /(\s)(src|href|poster)(\s*=\s*)("([^"]*)"|'([^']*)'|([^\s"'>]+))/gi
const STYLE_BLOCK = /(<style\b[^>]*>)([\s\S]*?)(<\/style\s*>)/gi
const CSS_URL = /url\(\s*(?:"([^"]*)"|'([^']*)'|([^)"'\s]+))\s*\)|@import\s+(?:"([^"]*)"|'([^']*)')/gi

/** Rewrites the same-torrent resources of an HTML page into data: URLs. */
export async function inlineHtml(html: string, base: URL, load: LoadResource): Promise<string> {
  const withTags = await replaceAsync(html, TAG, async ([tag = '', name = '']) => {
    const tagName = name.toLowerCase()
    if (tagName === 'link' && !/\brel\s*=\s*["']?[^"'>]*\b(stylesheet|icon)\b/i.test(tag)) return tag
    return replaceAsync(tag, ATTR, async ([attr = '', space, key = '', eq, , dq, sq, bare]) => {
      const attrName = key.toLowerCase()
      if (attrName === 'href' && tagName !== 'link') return attr
      if (attrName === 'src' && tagName === 'video') return attr
      if (attrName === 'poster' && tagName !== 'video') return attr
      const value = decodeEntities(dq ?? sq ?? bare ?? '')
      const data = await dataUrl(value, base, load, 0)
      return data ? `${space}${key}${eq}"${data}"` : attr
    })
  })
  return replaceAsync(withTags, STYLE_BLOCK, async ([, open = '', css = '', close = '']) => open + (await inlineCss(css, base, load)) + close)
}

/** Rewrites `url(...)` and `@import` of same-torrent files into data: URLs (imported CSS too). */
export async function inlineCss(css: string, base: URL, load: LoadResource, depth = 0): Promise<string> {
  return replaceAsync(css, CSS_URL, async ([all = '', u1, u2, u3, i1, i2]) => {
    const value = u1 ?? u2 ?? u3 ?? i1 ?? i2 ?? ''
    const data = await dataUrl(value, base, load, depth)
    if (!data) return all
    return all.startsWith('@') ? `@import url("${data}")` : `url("${data}")`
  })
}

async function dataUrl(value: string, base: URL, load: LoadResource, depth: number): Promise<string | null> {
  if (!value || /^(data|blob|javascript|about):/i.test(value) || value.startsWith('#')) return null
  let url: URL
  try {
    url = new URL(value, base)
  } catch {
    return null
  }
  if (url.origin !== base.origin) return null
  const resource = await load(url).catch(() => null)
  if (!resource || resource.length > MAX_INLINE_BYTES) return null
  let bytes = await resource.read().catch(() => null)
  if (!bytes) return null
  if (isCssType(resource.type) && depth < MAX_CSS_DEPTH) bytes = utf8Encode(await inlineCss(utf8Decode(bytes), url, load, depth + 1))
  return `data:${resource.type.replace(/\s+/g, '')};base64,${base64(bytes)}`
}

function base64(bytes: Uint8Array): string {
  let out = ''
  for (let i = 0; i < bytes.length; i += 0x6000) out += btoa(toBinaryString(bytes.subarray(i, i + 0x6000))) // 3-byte aligned chunks
  return out
}

function decodeEntities(value: string): string {
  return value.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'").trim()
}

/** String.replace with an async replacer that gets [match, ...groups] (all matches resolved in parallel). */
async function replaceAsync(text: string, pattern: RegExp, replacer: (groups: (string | undefined)[]) => Promise<string>): Promise<string> {
  const jobs: Promise<string>[] = []
  const groups = countGroups(pattern)
  text.replace(pattern, (...args: unknown[]) => {
    jobs.push(replacer(args.slice(0, groups + 1) as (string | undefined)[]))
    return ''
  })
  const results = await Promise.all(jobs)
  let i = 0
  return text.replace(pattern, () => results[i++]!)
}

function countGroups(pattern: RegExp): number {
  return new RegExp(`${pattern.source}|`).exec('')!.length - 1
}
