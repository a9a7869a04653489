// An attacker in its own process (its own file descriptors): opens `count` TCP sockets to
// host:port, spread over the given local loopback addresses, and then sends nothing ("raw"), or
// completes a WebSocket upgrade and then sends no Noise byte ("ws"). Reports on stdout, one JSON
// object a line: {"open": n, "failed": m} once every socket is connected or failed, then
// {"upgraded": n} once every socket had an answer (ws: the 101), {"closed": k} each time the node closes one. Exits when stdin closes. Used by connlimits.test.ts.
import { connect } from 'node:net'

const [host, port, count, locals, mode] = process.argv.slice(2)
const n = Number(count)
const from = locals.split(',')
let open = 0
let failed = 0
let closed = 0
let settled = 0
let upgraded = 0
const report = o => process.stdout.write(`${JSON.stringify(o)}\n`)

for (let i = 0; i < n; i++) {
  const s = connect({ host, port: Number(port), localAddress: from[i % from.length] })
  let up = false
  s.on('connect', () => {
    up = true
    open++
    if (mode === 'ws')
      s.write(
        `GET / HTTP/1.1\r\nHost: ${host}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n'
      )
    if (++settled === n) report({ open, failed })
  })
  let answered = false
  s.on('data', () => {
    if (answered) return
    answered = true
    if (++upgraded === n) report({ upgraded })
  })
  s.on('error', () => {})
  s.on('close', () => {
    if (!up) {
      failed++
      if (++settled === n) report({ open, failed })
      return
    }
    closed++
    report({ closed })
  })
}
process.stdin.resume()
process.stdin.on('end', () => process.exit(0))
