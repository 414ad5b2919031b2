/** A minimal typed event emitter: `on`, `once`, `off`, `emit`, keyed by an event map. */
export type EventMap = Record<string, (...args: never[]) => void>

export class TypedEmitter<Events extends EventMap> {
  #listeners = new Map<keyof Events, Set<Events[keyof Events]>>()

  on<K extends keyof Events>(event: K, listener: Events[K]): this {
    let set = this.#listeners.get(event)
    if (!set) this.#listeners.set(event, (set = new Set()))
    set.add(listener)
    return this
  }

  once<K extends keyof Events>(event: K, listener: Events[K]): this {
    const wrapped = ((...args: Parameters<Events[K]>) => {
      this.off(event, wrapped)
      ;(listener as (...a: Parameters<Events[K]>) => void)(...args)
    }) as Events[K]
    return this.on(event, wrapped)
  }

  off<K extends keyof Events>(event: K, listener: Events[K]): this {
    this.#listeners.get(event)?.delete(listener)
    return this
  }

  removeAllListeners(): this {
    this.#listeners.clear()
    return this
  }

  listenerCount<K extends keyof Events>(event: K): number {
    return this.#listeners.get(event)?.size ?? 0
  }

  protected emit<K extends keyof Events>(event: K, ...args: Parameters<Events[K]>): void {
    const set = this.#listeners.get(event)
    if (!set || set.size === 0) return
    if (set.size === 1) {
      // The common case, on every received chunk: no copy of the listener set.
      for (const listener of set) (listener as (...a: Parameters<Events[K]>) => void)(...args)
      return
    }
    for (const listener of [...set]) (listener as (...a: Parameters<Events[K]>) => void)(...args)
  }
}
