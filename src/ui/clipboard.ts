/**
 * Copies text with the async Clipboard API. When that is unavailable or refused (no permission,
 * insecure context), selects the text in `field` instead so the user can press Ctrl+C;
 * resolves to whether the text reached the clipboard.
 */
export async function copyText(text: string, field: HTMLInputElement): Promise<boolean> {
  try {
    if (!navigator.clipboard) throw new Error('no clipboard')
    await navigator.clipboard.writeText(text)
    return true
  } catch {
    field.focus()
    field.select()
    return false
  }
}
