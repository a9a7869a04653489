/**
 * `pagdandi status` in words: a member whose batches are held for refused items says so on its
 * line, so district IT sees why that facility's sync is slow (issue 14, T15.b).
 */
import { describe, expect, it } from 'vitest'
import type { NodeStatus } from '../http/NodeApi.js'
import type { Io } from './command.js'
import { printStatus } from './commands/run.js'

function lines(s: NodeStatus): string[] {
  const out: string[] = []
  const io: Io = { out: l => out.push(l), err: l => out.push(l), progress: () => {}, env: {} }
  printStatus(s, io)
  return out
}

const peer = (facility: string, name: string, held: boolean) =>
  ({
    facility,
    name,
    connected: true,
    lastSeen: '2026-12-04T10:00:00.000Z',
    itemsToSend: 0,
    itemsToReceive: 0,
    held
  }) as NodeStatus['peers'][number]

describe('pagdandi status', () => {
  it('marks a peer whose batches are held for refused items, and only that peer', () => {
    const out = lines({
      facility: 'IN2210000001',
      name: 'DH Jagdalpur',
      kind: 'DH',
      peers: [peer('IN2210000101', 'CHC Tokapal', true), peer('IN2210000102', 'CHC Bastar', false)],
      undeliveredReferrals: 0,
      openConflicts: 0,
      quarantined: 12
    } as NodeStatus)
    const tokapal = out.find(l => l.includes('CHC Tokapal'))!
    const bastar = out.find(l => l.includes('CHC Bastar'))!
    expect(tokapal).toMatch(/HELD: too many of its items were refused.*pagdandi quarantine/)
    expect(bastar).not.toMatch(/HELD/)
    expect(out).toContain('items refused and kept in quarantine: 12 (see: pagdandi quarantine)')
  })
})
