/**
 * Small TCP helpers for checking the emulator: a target server that records what arrives and
 * when, and clients that push bytes or ping. Used by the emulator's tests and the calibration.
 */
import net from 'node:net'
import { performance } from 'node:perf_hooks'

/** A target that records every chunk it receives, with its arrival time. */
export interface Recorder {
  port: number
  arrivals: Array<{ at: number; bytes: number }>
  received: Buffer[]
  /** Called for each accepted socket (to echo, or to send). */
  onSocket?: (s: net.Socket) => void
  close(): Promise<void>
}

/** Start a recording target on 127.0.0.1. */
export async function startRecorder(onSocket?: (s: net.Socket) => void): Promise<Recorder> {
  const sockets = new Set<net.Socket>()
  const rec: Recorder = {
    port: 0,
    arrivals: [],
    received: [],
    close: async () => {
      for (const s of sockets) s.destroy()
      await new Promise<void>(resolve => server.close(() => resolve()))
    }
  }
  const server = net.createServer(s => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
    s.on('error', () => {})
    s.on('data', (d: Buffer) => {
      rec.arrivals.push({ at: performance.now(), bytes: d.length })
      rec.received.push(d)
    })
    onSocket?.(s)
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', () => resolve()))
  rec.port = (server.address() as net.AddressInfo).port
  return rec
}

/** Connect to 127.0.0.1:port; resolves once connected. */
export async function dial(port: number): Promise<net.Socket> {
  return await new Promise((resolve, reject) => {
    const s = net.connect({ host: '127.0.0.1', port }, () => {
      s.off('error', reject)
      resolve(s)
    })
    s.setNoDelay(true)
    s.once('error', reject)
  })
}

/** A deterministic byte pattern, so reordering or loss of data would show. */
export function pattern(n: number): Buffer {
  const b = Buffer.alloc(n)
  for (let i = 0; i < n; i++) b[i] = (i * 31 + (i >> 8)) & 0xff
  return b
}

/** Resolve once `pred` holds, polling every `everyMs`; reject after `timeoutMs`. */
export async function until(pred: () => boolean, timeoutMs: number, everyMs = 5): Promise<void> {
  const t0 = performance.now()
  while (!pred()) {
    if (performance.now() - t0 > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`)
    await new Promise(resolve => setTimeout(resolve, everyMs))
  }
}

/** Mean round-trip time of `n` one-byte pings through `port` to an echoing target, in ms. */
export async function measureRtt(port: number, n: number): Promise<number> {
  const s = await dial(port)
  const samples: number[] = []
  try {
    // The first exchange pays the emulated handshake; it is not a sample.
    await ping(s)
    for (let i = 0; i < n; i++) samples.push(await ping(s))
  } finally {
    s.destroy()
  }
  return samples.reduce((a, b) => a + b, 0) / samples.length
}

async function ping(s: net.Socket): Promise<number> {
  const t0 = performance.now()
  await new Promise<void>(resolve => {
    s.once('data', () => resolve())
    s.write(Buffer.of(1))
  })
  return performance.now() - t0
}

/** Bytes per second between the first and the last arrival, counting bytes after the first chunk. */
export function achievedRate(arrivals: ReadonlyArray<{ at: number; bytes: number }>): number {
  if (arrivals.length < 2) return NaN
  const first = arrivals[0]!
  const last = arrivals[arrivals.length - 1]!
  const bytes = arrivals.slice(1).reduce((a, x) => a + x.bytes, 0)
  return bytes / ((last.at - first.at) / 1000)
}
