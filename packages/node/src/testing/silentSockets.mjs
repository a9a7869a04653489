// An attacker in its own process (its own file descriptors): opens `count` TCP sockets to
// host:port, spread over the given local loopback addresses, and then sends nothing ("raw"), or
// completes a WebSocket upgrade and then sends no Noise byte ("ws"). Reports on stdout, one JSON
// object a line: {"open": n, "failed": m} once every socket is connected or failed, then
// {"upgraded": n} once every socket had an answer (ws: the 101), {"closed": k} each time the node closes one. Exits when stdin closes. Used by connlimits.test.ts.
// With a `wave` size, opens the sockets `wave` at a time: after each wave it reports
// {"wave": settled so far, "open": connected so far} once they settle, and waits for a line on stdin before the next, so the test can let the node
// accept a wave before the next arrives (a burst larger than the kernel's accept queue on a loaded
// machine leaves sockets the client thinks open and the node never sees).
import { connect } from 'node:net'
import { createInterface } from 'node:readline'

const [host, port, count, locals, mode, waveArg] = process.argv.slice(2)
const n = Number(count)
const wave = waveArg === undefined ? n : Number(waveArg)
const from = locals.split(',')
let open = 0
let failed = 0
let closed = 0
let settled = 0
let upgraded = 0
const report = o => process.stdout.write(`${JSON.stringify(o)}\n`)

/** One more socket connected or failed: reports the end of a wave, and of all. */
function settle() {
  settled++
  if (settled === n) report({ open, failed })
  else if (settled === next) report({ wave: settled, open })
}

function openOne(i) {
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
    settle()
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
      settle()
      return
    }
    closed++
    report({ closed })
  })
}
let next = 0
function openWave() {
  const end = Math.min(n, next + wave)
  for (; next < end; next++) openOne(next)
}
openWave()
createInterface({ input: process.stdin }).on('line', openWave)
process.stdin.on('end', () => process.exit(0))
