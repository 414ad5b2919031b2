// Unit tests run in Node, where no WebRTC exists; simple-peer's polyfill would load a native module.
// Trackers are never started in unit tests (they connect torrents in memory), so nothing here is used.
export const RTCPeerConnection = undefined
export const RTCSessionDescription = undefined
export const RTCIceCandidate = undefined
export default {}
