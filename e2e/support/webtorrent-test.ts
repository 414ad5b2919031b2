// The app peers' fixtures plus openWebTorrent: WebTorrent 3 pages, closed after the test.
import { expect, test as base } from './peers.ts'
import { WebTorrentPeer } from './webtorrent.ts'

export { expect }

export const test = base.extend<{ openWebTorrent: (label: string) => Promise<WebTorrentPeer> }>({
  openWebTorrent: async ({ browser, baseURL }, use) => {
    const peers: WebTorrentPeer[] = []
    await use(async (label) => {
      const peer = await WebTorrentPeer.open(browser, baseURL!, label)
      peers.push(peer)
      return peer
    })
    for (const peer of peers) await peer.context.close().catch(() => undefined)
  },
})
