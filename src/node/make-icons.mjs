#!/usr/bin/env node
// Renders the app icons in public/icons/ from public/favicon.svg with Debian's Chromium (the same
// browser the e2e suite drives). The PNGs are committed; run `node src/node/make-icons.mjs` after
// changing the favicon. "any" icons keep the favicon's transparent rounded corners; the maskable and
// Apple icons are full-bleed squares with the mark inside the maskable safe zone (the centre 80 %).
import { mkdir, readFile } from 'node:fs/promises'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from '@playwright/test'

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
const out = join(repo, 'public', 'icons')
const favicon = await readFile(join(repo, 'public', 'favicon.svg'), 'utf8')

/** The favicon with its rounded square replaced by a full square and the mark scaled to the safe zone. */
function fullBleed(svg) {
  const background = /<rect[^>]*fill="([^"]+)"[^>]*\/>/.exec(svg)
  if (!background) throw new Error('public/favicon.svg has no background <rect fill="…"/> to extend.')
  const mark = svg.slice(background.index + background[0].length, svg.lastIndexOf('</svg>'))
  return (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">' +
    `<rect width="32" height="32" fill="${background[1]}"/>` +
    `<g transform="translate(16 16) scale(0.7) translate(-16 -16)">${mark}</g></svg>`
  )
}

const icons = [
  { file: 'icon-192.png', size: 192, svg: favicon },
  { file: 'icon-512.png', size: 512, svg: favicon },
  { file: 'maskable-512.png', size: 512, svg: fullBleed(favicon) },
  { file: 'apple-touch-icon.png', size: 180, svg: fullBleed(favicon) },
]

const profile = mkdtempSync(join(tmpdir(), 'swarmstream-icons-'))
const browser = await chromium.launch({
  executablePath: process.env.SWARMSTREAM_CHROMIUM ?? '/usr/bin/chromium',
  ignoreDefaultArgs: true,
  args: ['--remote-debugging-pipe', `--user-data-dir=${profile}`, '--no-startup-window', '--headless=new', '--no-sandbox', '--disable-gpu'],
})
try {
  await mkdir(out, { recursive: true })
  const page = await browser.newPage()
  for (const { file, size, svg } of icons) {
    await page.setViewportSize({ width: size, height: size })
    const sized = svg.replace('<svg ', `<svg width="${size}" height="${size}" `)
    await page.setContent(`<!doctype html><style>html,body{margin:0;background:transparent}svg{display:block}</style>${sized}`)
    await page.screenshot({ path: join(out, file), omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } })
    console.log(`public/icons/${file} (${size}×${size})`)
  }
} finally {
  await browser.close()
  rmSync(profile, { recursive: true, force: true })
}
