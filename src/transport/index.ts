export { HIGH_WATER_MARK, LOW_WATER_MARK, type PeerChannel, type PeerChannelEvents } from './peer-channel.ts'
export { SimplePeerChannel, type SimplePeerLike } from './simple-peer-channel.ts'
