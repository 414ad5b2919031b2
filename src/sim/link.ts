import type { Clock } from '../util/clock.ts'

/** What crosses a link in one go: one or more whole sends, in order. */
export interface Unit {
  chunks: Uint8Array[]
  /** Bytes that take link time (small control messages riding along are not counted). */
  bytes: number
}

/** One flow's queue at a link; the link asks it for its next unit when the flow's turn comes. */
export interface Lane {
  /** The next unit to send now, or null when the lane is empty or blocked (it wakes the link again later). */
  pull(): Unit | null
  /** The unit's last byte left the link at `endAt` (virtual ms, exact). */
  sent(unit: Unit, endAt: number): void
}

/**
 * A link of fixed capacity (a host's uplink or downlink) shared by its lanes in round robin, one unit
 * per turn: a fair-queueing approximation of many congestion-controlled flows through one access link.
 * Busy periods are timed exactly; only the events that end them are rounded to the clock's resolution.
 */
export class Link {
  readonly bytesPerMs: number
  readonly #clock: Clock
  readonly #ring: Lane[] = []
  readonly #inRing = new Set<Lane>()
  #cursor = 0
  #busy = false
  /** The unit being sent, its lane and when it ends (one at a time: no closure per unit). */
  #lane: Lane | null = null
  #unit: Unit | null = null
  #endAt = 0
  readonly #sent = () => {
    const lane = this.#lane!
    lane.sent(this.#unit!, this.#endAt)
    this.#next(this.#endAt)
  }
  /** Bytes that crossed this link. */
  carried = 0
  /** Virtual ms this link was busy. */
  busyMs = 0

  constructor(clock: Clock, bytesPerSecond: number) {
    this.#clock = clock
    this.bytesPerMs = bytesPerSecond > 0 ? bytesPerSecond / 1000 : Infinity
  }

  /** The lane has work (again): it joins the rotation, and the link starts if it was idle. */
  wake(lane: Lane): void {
    if (!this.#inRing.has(lane)) {
      this.#inRing.add(lane)
      this.#ring.push(lane)
    }
    if (!this.#busy) this.#next(this.#clock.now())
  }

  /** Serves the next lane in rotation that has a unit, starting at `startAt`; idles when none has. */
  #next(startAt: number): void {
    while (this.#ring.length > 0) {
      if (this.#cursor >= this.#ring.length) this.#cursor = 0
      const lane = this.#ring[this.#cursor]!
      const unit = lane.pull()
      if (!unit) {
        this.#ring.splice(this.#cursor, 1)
        this.#inRing.delete(lane)
        continue
      }
      this.#cursor++
      this.#busy = true
      const ms = unit.bytes / this.bytesPerMs
      const endAt = startAt + ms
      this.carried += unit.bytes
      this.busyMs += ms
      this.#lane = lane
      this.#unit = unit
      this.#endAt = endAt
      this.#clock.setTimeout(this.#sent, endAt - this.#clock.now())
      return
    }
    this.#busy = false
  }
}
