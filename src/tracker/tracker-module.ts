// What loads with the first tracker: bittorrent-tracker and what adapts the peers it makes.
export { default } from 'bittorrent-tracker/client'
export { promptPeers } from './prompt-offers.ts'
