import { describe, expect, it } from 'vitest'
import { nodeCompression } from '../crypto/index.js'
import { deflateOnce } from './importCold.js'

describe('deflateOnce', () => {
  it('deflates each change array once and gives what deflating it alone gives', () => {
    const base = nodeCompression()
    let calls = 0
    const counted = { ...base, deflate: (raw: Uint8Array, d?: Uint8Array) => (calls++, base.deflate(raw, d)) }
    const once = deflateOnce(counted)
    const change = new TextEncoder().encode('a patient change, repeated for every copy '.repeat(20))
    const first = once.deflate(change, undefined)
    expect(once.deflate(change, undefined)).toBe(first)
    expect(calls).toBe(1)
    expect(first).toEqual(base.deflate(change, undefined))
    // Another dictionary is another deflate; equal bytes in another array are deflated again.
    const dict = new TextEncoder().encode('patient change')
    expect(once.deflate(change, dict)).toEqual(base.deflate(change, dict))
    once.deflate(change.slice(), undefined)
    expect(calls).toBe(3)
  })
})
