import { describe, expect, it } from 'vitest'
import { Prng } from './prng.js'

describe('Prng', () => {
  it('replays the same sequence from the same seed', () => {
    const a = new Prng(42)
    const b = new Prng(42)
    const xs = Array.from({ length: 100 }, () => a.next())
    expect(Array.from({ length: 100 }, () => b.next())).toEqual(xs)
    expect(xs.every(x => x >= 0 && x < 1)).toBe(true)
  })

  it('gives different sequences for different seeds', () => {
    expect(new Prng(1).next()).not.toBe(new Prng(2).next())
  })
})
