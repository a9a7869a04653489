import { describe, expect, it } from 'vitest'
import { Residency } from './Residency.js'

describe('Residency', () => {
  it('lists the least recently used documents beyond the count, never the one just used', () => {
    const r = new Residency({ maxDocs: 2, maxBytes: 1 << 20 })
    for (const id of ['a', 'b', 'c']) r.touch(id)
    expect(r.over()).toEqual(['a'])
    r.touch('a') // used again: now b is the coldest
    expect(r.over()).toEqual(['b'])
    r.drop('b')
    expect(r.over()).toEqual([])
    expect(r.size).toBe(2)
  })

  it('lists documents beyond the byte budget, counting what was loaded and sealed since', () => {
    const r = new Residency({ maxDocs: 100, maxBytes: 1000 })
    r.touch('a', 600)
    r.touch('b', 300)
    expect(r.over()).toEqual([])
    r.touch('b', 200) // b sealed 200 more bytes
    expect(r.bytes).toBe(1100)
    expect(r.over()).toEqual(['a'])
    // One document over the whole budget alone stays: whatever was just used is kept.
    r.drop('a')
    r.touch('b', 5000)
    expect(r.over()).toEqual([])
  })

  it('refuses limits that would evict everything', () => {
    expect(() => new Residency({ maxDocs: 0, maxBytes: 1 })).toThrow(RangeError)
    expect(() => new Residency({ maxDocs: Number.NaN, maxBytes: 1 })).toThrow(RangeError)
  })
})
