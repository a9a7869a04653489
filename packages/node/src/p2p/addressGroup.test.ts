/**
 * Issue 14, attack 5, from many addresses: the inbound guard counts an IPv6 /64 as one address and
 * an IPv4-mapped address as its IPv4 address, so a host that owns a /64 cannot fill the strangers'
 * pool. Real `net.Socket`s (not connected; their remote address set as a listener would see it)
 * through a real `net.Server`'s `connection` event, on a manual clock.
 */
import { Server, Socket } from 'node:net'
import { describe, expect, it } from 'vitest'
import { ManualClock } from '@pagdandi/core/testing'
import { addressGroup } from './addressGroup.js'
import { InboundGuard } from './InboundGuard.js'

const LIMITS = { firstByteMs: 10_000, preAuthMs: 30_000, perHost: 8, pool: 256, reserved: 64 }

/** A socket as a listener hands it over from `address`. */
function from(address: string, port: number): Socket {
  const s = new Socket()
  Object.defineProperty(s, 'remoteAddress', { value: address })
  Object.defineProperty(s, 'remotePort', { value: port })
  return s
}

function guarded(members: string[] = []): { server: Server; guard: InboundGuard; passed: () => number } {
  const server = new Server()
  let passed = 0
  server.on('connection', () => passed++)
  const guard = new InboundGuard(LIMITS, new ManualClock(), () => new Set(members))
  guard.attach(server)
  return { server, guard, passed: () => passed }
}

describe('address groups of the inbound guard (issue 14, attack 5)', () => {
  it('names an IPv6 address by its /64 and an IPv4-mapped address by its IPv4 address', () => {
    expect(addressGroup('2001:db8:1:2:3:4:5:6')).toBe('2001:db8:1:2::/64')
    expect(addressGroup('2001:DB8:1:2::7')).toBe('2001:db8:1:2::/64')
    expect(addressGroup('2001:db8::1')).toBe('2001:db8:0:0::/64')
    expect(addressGroup('fe80::1%eth0')).toBe('fe80:0:0:0::/64')
    expect(addressGroup('::ffff:10.0.0.1')).toBe('10.0.0.1')
    expect(addressGroup('::ffff:a00:1')).toBe('10.0.0.1')
    expect(addressGroup('10.0.0.1')).toBe('10.0.0.1')
    expect(addressGroup('64:ff9b::10.0.0.1')).toBe('64:ff9b:0:0::/64')
  })

  it('1,000 sockets from 1,000 addresses of one /64 hold 8 places; a member dialling from elsewhere still gets in', () => {
    const { server, guard, passed } = guarded()
    for (let i = 0; i < 1_000; i++)
      server.emit('connection', from(`2001:db8:aa:bb::${(i + 1).toString(16)}`, 40_000 + i))
    expect(passed()).toBe(LIMITS.perHost)
    expect(guard.stats()).toMatchObject({ pending: LIMITS.perHost, refusedPerHost: 1_000 - LIMITS.perHost })
    server.emit('connection', from('2001:db8:cc:dd::1', 50_000))
    expect(passed()).toBe(LIMITS.perHost + 1)
    guard.closeAll()
  })

  it('an IPv4 address written IPv4-mapped is the same address: its cap holds across both forms, and a member is known in either', () => {
    const { server, guard, passed } = guarded(['10.0.0.9'])
    for (let i = 0; i < 6; i++) server.emit('connection', from('10.0.0.1', 40_000 + i))
    for (let i = 0; i < 6; i++) server.emit('connection', from('::ffff:10.0.0.1', 41_000 + i))
    expect(passed()).toBe(LIMITS.perHost)
    // Fill the strangers' pool from other /64s, one socket each: a member's known address, written
    // IPv4-mapped, still takes one of the places reserved for members.
    for (let i = 0; i < LIMITS.pool; i++) server.emit('connection', from(`2001:db8:${i.toString(16)}:1::1`, 42_000 + i))
    const before = passed()
    server.emit('connection', from('2001:db8:ffff:1::1', 60_000))
    expect(passed()).toBe(before)
    server.emit('connection', from('::ffff:10.0.0.9', 60_001))
    expect(passed()).toBe(before + 1)
    guard.closeAll()
  })
})
