export { CONNECT_TIMEOUT_MS, TorrentTracker, type AnnounceSource, type TrackerEvents, type TrackerOptions, type TrackerStats } from './tracker-client.ts'
