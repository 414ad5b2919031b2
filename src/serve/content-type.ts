export { contentType } from '../util/file-types.ts'

/** Types a browser renders as a document that can run script. */
export function isDocumentType(type: string): boolean {
  const base = type.split(';')[0]!.trim().toLowerCase()
  return base === 'text/html' || base === 'application/xhtml+xml' || base === 'image/svg+xml' || base === 'application/xml' || base === 'text/xml'
}

export function isCssType(type: string): boolean {
  return type.split(';')[0]!.trim().toLowerCase() === 'text/css'
}
