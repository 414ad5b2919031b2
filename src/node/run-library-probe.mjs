#!/usr/bin/env node
// `node src/node/run-library-probe.mjs <built module> <.torrent file>`: a plain Node import of the built
// library (no bundler, no test runner in between); prints the probe's answers as JSON.
import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { probe } from './library-probe.mjs'

const [modulePath, torrentPath] = process.argv.slice(2)
if (!modulePath || !torrentPath) {
  console.error('usage: node src/node/run-library-probe.mjs <dist/swarmstream.js> <file.torrent>')
  process.exit(2)
}
const lib = await import(pathToFileURL(resolve(modulePath)).href)
const torrentFile = new Uint8Array(await readFile(torrentPath))
process.stdout.write(JSON.stringify(await probe(lib, torrentFile)))
