/** Saves a torrent file to the user's disk through a Blob and a temporary `<a download>`. */

const REVOKE_AFTER_MS = 60_000

export async function saveFile(file: { name: string; blob(): Promise<Blob> }, container: ShadowRoot | HTMLElement): Promise<void> {
  const url = URL.createObjectURL(await file.blob())
  const link = document.createElement('a')
  link.href = url
  link.download = file.name.replace(/[\u0000-\u001f\u007f/\\]/g, '_') || 'video'
  link.hidden = true
  container.append(link)
  link.click()
  link.remove()
  setTimeout(() => URL.revokeObjectURL(url), REVOKE_AFTER_MS)
}
