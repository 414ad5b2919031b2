export { CONNECT_TIMEOUT_MS, TorrentTracker, loadTrackerClient, type AnnounceSource, type TrackerEvents, type TrackerOptions, type TrackerStats } from './tracker-client.ts'
