/**
 * Chromium builds a media element's controls from a few dozen SVG icons, each its own SVG document the
 * first time a page shows them (40–90 ms of main thread here, measured), and the app shows them as a
 * video starts, while the first pieces are arriving. Showing one hidden, off-screen set while the page
 * is idle pays that once, early; later players reuse the icons.
 */
export function warmMediaControls(doc: Document = document): void {
  const video = doc.createElement('video')
  video.controls = true
  video.muted = true
  video.preload = 'none'
  video.setAttribute('aria-hidden', 'true')
  video.tabIndex = -1
  video.style.cssText = 'position:fixed;left:-10000px;top:0;width:320px;height:180px;opacity:0;pointer-events:none'
  doc.body.append(video)
  // Two frames: one to style and lay the controls out, one for their images to be decoded.
  requestAnimationFrame(() => requestAnimationFrame(() => video.remove()))
}
