/** Whether this browser can try OPFS at all (it may still refuse, e.g. in private browsing). */
export function opfsAvailable(): boolean {
  return typeof Worker !== 'undefined' && typeof navigator !== 'undefined' && typeof navigator.storage?.getDirectory === 'function'
}
