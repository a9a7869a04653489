/** The "saved" judgement against the node's durable heads. */
import { describe, expect, it } from 'vitest'
import * as A from '@automerge/automerge'
import { encodeHeads } from '@automerge/automerge-repo'
import { headsCover, toHashes } from './repo.js'

describe('"saved" means the node\'s durable heads cover the edit', () => {
  const base = A.from({ n: 0 })
  const edited = A.change(A.clone(base), d => {
    d.n = 1
  })
  const mine = A.getHeads(edited)

  it('is not saved while the node holds only the older state', () => {
    expect(headsCover(edited, A.getHeads(base), mine)).toBe(false)
  })

  it('is saved when the node holds exactly the edit, or later changes built on it', () => {
    expect(headsCover(edited, mine, mine)).toBe(true)
    const later = A.change(A.clone(edited), d => {
      d.n = 2
    })
    expect(headsCover(later, A.getHeads(later), mine)).toBe(true)
  })

  it('is not saved when the node holds a concurrent change instead of ours', () => {
    const other = A.change(A.clone(base), d => {
      d.n = 3
    })
    const merged = A.merge(A.clone(edited), other)
    expect(headsCover(merged, A.getHeads(other), mine)).toBe(false)
  })

  it('is not saved when the node names heads this tab has never seen', () => {
    const unknown = A.change(A.clone(base), d => {
      d.n = 4
    })
    expect(headsCover(edited, A.getHeads(unknown), mine)).toBe(false)
  })

  it('accepts heads as hex or as automerge-repo URL heads', () => {
    expect(toHashes(mine)).toEqual(mine)
    expect(toHashes(encodeHeads(mine))).toEqual(mine)
  })
})
