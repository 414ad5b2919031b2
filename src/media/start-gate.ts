/**
 * When autoplay starts: at once (the browser's own rule) while every piece of the file is here or at a
 * connected peer, else once START_BUFFER_SECONDS of video lie ahead. A viewer at the front of a crowd
 * plays at the edge of what the swarm holds: starting on ~1 s of buffer left 17–24 % of 300 simulated
 * viewers with a stall in their first seconds, on 2 s 0–0.3 % (docs/sim, Viewers).
 * Pure: times and buffer lengths come in, so the browser and the swarm simulator share it.
 */
export const START_BUFFER_SECONDS = 2

export interface StartState {
  /** Seconds of video buffered past the playhead. */
  ahead: number
  /** The buffer reaches the end of the media. */
  toEnd: boolean
  /** Every piece of the file is here or at a connected peer (TorrentFile.available). */
  available: boolean
}

export class StartGate {
  #open = false

  get open(): boolean {
    return this.#open
  }

  /** Whether playback may start (and stays true once it is). */
  update(state: StartState): boolean {
    this.#open ||= state.toEnd || state.available || state.ahead >= START_BUFFER_SECONDS
    return this.#open
  }
}
