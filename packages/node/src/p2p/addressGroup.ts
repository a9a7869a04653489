/**
 * What the inbound guard counts as one remote address (issue 14, attack 5). An IPv6 host is given a
 * whole /64 by its network, so counting IPv6 addresses one by one would let one host open its
 * per-address quota from each of 2^64 addresses and fill the strangers' pool alone: an IPv6
 * address counts as its /64 prefix. An IPv4 address counts as itself, also when a dual-stack
 * listener reports it IPv4-mapped (`::ffff:10.0.0.1` is `10.0.0.1`).
 */
import { isIPv4, isIPv6 } from 'node:net'

/** The 8 groups of a well-formed IPv6 address (`isIPv6`), an embedded IPv4 tail included. */
function groupsOf(address: string): number[] {
  let s = address
  const tail: number[] = []
  const v4 = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(s)
  if (v4 !== null) {
    const [a, b, c, d] = v4[2]!.split('.').map(Number) as [number, number, number, number]
    tail.push((a << 8) | b, (c << 8) | d)
    s = v4[1]!.endsWith('::') ? v4[1]! : v4[1]!.slice(0, -1)
  }
  const want = 8 - tail.length
  const parse = (part: string): number[] => (part === '' ? [] : part.split(':').map(g => parseInt(g, 16)))
  const gap = s.indexOf('::')
  let groups: number[]
  if (gap < 0) groups = parse(s)
  else {
    const head = parse(s.slice(0, gap))
    const rest = parse(s.slice(gap + 2))
    groups = [...head, ...new Array<number>(Math.max(0, want - head.length - rest.length)).fill(0), ...rest]
  }
  return [...groups, ...tail]
}

/** The address `host` is counted as: an IPv4 address, or an IPv6 /64 as `a:b:c:d::/64`. */
export function addressGroup(host: string): string {
  const h = (host.split('%')[0] ?? host).toLowerCase()
  if (isIPv4(h) || !isIPv6(h)) return h
  const g = groupsOf(h)
  if (g.slice(0, 5).every(x => x === 0) && g[5] === 0xffff)
    return [g[6]! >> 8, g[6]! & 0xff, g[7]! >> 8, g[7]! & 0xff].join('.')
  return `${g
    .slice(0, 4)
    .map(x => x.toString(16))
    .join(':')}::/64`
}

/** `host` with an IPv4-mapped IPv6 address written as IPv4 (how the roster names a member's address). */
export function plainHost(host: string): string {
  const h = (host.split('%')[0] ?? host).toLowerCase()
  if (!isIPv6(h)) return h
  const group = addressGroup(h)
  return isIPv4(group) ? group : h
}
