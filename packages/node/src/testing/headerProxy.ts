/**
 * A loopback TCP proxy that adds headers to the first request of each connection, so a Node
 * WebSocket client that cannot set headers (automerge-repo's `WebSocketClientAdapter`) reaches
 * `/sync` as a signed-in browser would: with its cookie and its page's `Origin`.
 */
import { connect, createServer, type AddressInfo, type Socket } from 'node:net'
import type { ApiClient } from '../cli/ApiClient.js'

/** A running proxy. */
export interface HeaderProxy {
  /** `ws://127.0.0.1:PORT/sync` through the proxy. */
  syncUrl: string
  close: () => Promise<void>
}

/** Proxies to `target` (an `http:` node URL), adding the client's cookie and the proxy's own origin. */
export async function signedInProxy(target: string, client: ApiClient | undefined): Promise<HeaderProxy> {
  const to = new URL(target)
  const sockets = new Set<Socket>()
  const server = createServer(inbound => {
    sockets.add(inbound)
    const outbound = connect(Number(to.port), to.hostname)
    sockets.add(outbound)
    let head = Buffer.alloc(0)
    const onData = (chunk: Buffer): void => {
      head = Buffer.concat([head, chunk])
      const end = head.indexOf('\r\n\r\n')
      if (end < 0) return
      inbound.off('data', onData)
      const host = /\r\nhost: *([^\r]+)/i.exec(head.subarray(0, end).toString('latin1'))?.[1] ?? ''
      const extra =
        `\r\nOrigin: http://${host}` +
        (client?.credentials !== undefined ? `\r\nCookie: pagdandi_session=${client.credentials.token}` : '')
      outbound.write(Buffer.concat([head.subarray(0, end), Buffer.from(extra, 'latin1'), head.subarray(end)]))
      inbound.pipe(outbound)
    }
    inbound.on('data', onData)
    outbound.pipe(inbound)
    const drop = (): void => {
      inbound.destroy()
      outbound.destroy()
    }
    inbound.on('error', drop).on('close', drop)
    outbound.on('error', drop).on('close', drop)
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  return {
    syncUrl: `ws://127.0.0.1:${port}/sync`,
    close: async () => {
      for (const s of sockets) s.destroy()
      await new Promise<void>(resolve => server.close(() => resolve()))
    }
  }
}
