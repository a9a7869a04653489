/**
 * Runtime shims that libp2p 3 needs on Node 20, installed only where the feature is missing.
 * Node 22+ has both natively, so this file is a no-op there.
 */
import { WebSocket as WsWebSocket } from 'ws'

type WithResolvers = <T>() => {
  promise: Promise<T>
  resolve: (v: T | PromiseLike<T>) => void
  reject: (e?: unknown) => void
}
const P = Promise as unknown as { withResolvers?: WithResolvers }
if (typeof P.withResolvers !== 'function') {
  P.withResolvers = function <T>() {
    let resolve!: (v: T | PromiseLike<T>) => void
    let reject!: (e?: unknown) => void
    const promise = new Promise<T>((res, rej) => {
      resolve = res
      reject = rej
    })
    return { promise, resolve, reject }
  }
}

const g = globalThis as unknown as { WebSocket?: unknown }
/**
 * ws emits 'error' on a Node EventEmitter: with no listener attached (the libp2p dialer removes its
 * listeners when a dial is aborted) a late ECONNREFUSED becomes an uncaught exception and kills the
 * process. A permanent no-op listener keeps it an ordinary event; dial failures still reject the dial.
 */
class QuietWebSocket extends WsWebSocket {
  constructor(...args: ConstructorParameters<typeof WsWebSocket>) {
    super(...args)
    this.on('error', () => {})
  }
}

if (typeof g.WebSocket !== 'function') g.WebSocket = QuietWebSocket
