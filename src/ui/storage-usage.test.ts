import { describe, expect, it } from 'vitest'
import { formatStorage, persistText } from './storage-usage.ts'

describe('formatStorage', () => {
  it('shows usage of quota in decimal units', () => {
    expect(formatStorage(1_234_000_000, 10_000_000_000)).toBe('Storage: 1.2 GB of 10 GB used')
    expect(formatStorage(0, 10_737_418_240)).toBe('Storage: 0 B of 11 GB used')
  })

  it('leaves the quota out when the browser does not say it', () => {
    expect(formatStorage(5000, undefined)).toBe('Storage: 5.0 kB used')
    expect(formatStorage(undefined, 0)).toBe('Storage: 0 B used')
  })
})

describe('persistText', () => {
  it('explains both answers without calling a refusal an error', () => {
    expect(persistText(true)).toMatch(/granted/)
    expect(persistText(false)).toMatch(/may clear/)
    expect(persistText(false)).not.toMatch(/error|fail/i)
  })
})
