/** Share links: the page's URL with a magnet link in its fragment, which starts the download when opened. */

/** `https://host/path#magnet%3A%3Fxt%3D…` (the query is left out: it holds this visit's settings). */
export function shareUrl(page: { origin: string; pathname: string }, magnet: string): string {
  return `${page.origin}${page.pathname}#${encodeURIComponent(magnet)}`
}

/**
 * The torrent to add from a page fragment: `#<encoded magnet>`, `#magnet=<encoded magnet>`, a raw
 * `#magnet:?…`, or a 40-hex / 32-base32 info hash. Null when the fragment names no torrent.
 */
export function torrentIdFromFragment(hash: string): string | null {
  let text = hash.startsWith('#') ? hash.slice(1) : hash
  if (/^magnet=/i.test(text)) text = text.slice('magnet='.length)
  try {
    text = decodeURIComponent(text)
  } catch {
    // A raw magnet with a stray "%": use it as it is, the client says what is wrong with it.
  }
  text = text.trim()
  if (/^magnet:/i.test(text)) return text
  if (/^[0-9a-f]{40}$/i.test(text) || /^[a-z2-7]{32}$/i.test(text)) return text
  return null
}
