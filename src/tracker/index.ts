export { CONNECT_TIMEOUT_MS, TorrentTracker, loadTrackerClient, type AnnounceSource, type TrackerEvents, type TrackerOptions, type TrackerState, type TrackerStats } from './tracker-client.ts'
