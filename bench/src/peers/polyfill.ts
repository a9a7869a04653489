/**
 * Promise.withResolvers for Node 20 (automerge-repo and libp2p use it); a no-op on Node 22+.
 */
import { WebSocket as WsWebSocket } from 'ws'

type WithResolvers = <T>() => { promise: Promise<T>, resolve: (v: T | PromiseLike<T>) => void, reject: (e?: unknown) => void }
const P = Promise as unknown as { withResolvers?: WithResolvers }
if (typeof P.withResolvers !== 'function') {
  P.withResolvers = function <T> () {
    let resolve!: (v: T | PromiseLike<T>) => void
    let reject!: (e?: unknown) => void
    const promise = new Promise<T>((res, rej) => { resolve = res; reject = rej })
    return { promise, resolve, reject }
  }
}

const g = globalThis as unknown as { WebSocket?: unknown }
if (typeof g.WebSocket !== 'function') g.WebSocket = WsWebSocket

