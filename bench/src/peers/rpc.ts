/**
 * A tiny request/response protocol between the bench harness and the peer processes it forks,
 * over Node's IPC channel. Each system under test is one peer script answering named commands.
 */
import { fork, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'

interface Request {
  id: number
  cmd: string
  args: unknown
}
interface Reply {
  id: number
  ok: boolean
  result?: unknown
  error?: string
}

/** What every peer reports about itself: peak RSS and CPU used so far. */
export interface Usage {
  maxRssMb: number
  cpuMs: number
}

/** The usage of the current process. */
export function selfUsage(): Usage {
  const cpu = process.cpuUsage()
  return { maxRssMb: process.resourceUsage().maxRSS / 1024, cpuMs: (cpu.user + cpu.system) / 1000 }
}

/** In a peer process: answer the harness's commands with these handlers. */
export function servePeer(handlers: Record<string, (args: never) => Promise<unknown> | unknown>): void {
  const all: Record<string, (args: never) => Promise<unknown> | unknown> = { usage: () => selfUsage(), ...handlers }
  process.on('message', (msg: Request) => {
    void (async () => {
      const h = all[msg.cmd]
      try {
        if (h === undefined) throw new Error(`unknown command ${msg.cmd}`)
        const result = await h(msg.args as never)
        process.send!({ id: msg.id, ok: true, result } satisfies Reply)
      } catch (e) {
        process.send!({
          id: msg.id,
          ok: false,
          error: e instanceof Error ? `${e.name}: ${e.message}` : String(e)
        } satisfies Reply)
      }
    })()
  })
}

/** In the harness: one forked peer process. */
export class PeerProcess {
  readonly #child: ChildProcess
  readonly #waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>()
  #next = 1
  #exited = false

  private constructor(
    child: ChildProcess,
    readonly label: string
  ) {
    this.#child = child
    child.on('message', (r: Reply) => {
      const w = this.#waiting.get(r.id)
      if (w === undefined) return
      this.#waiting.delete(r.id)
      if (r.ok) w.resolve(r.result)
      else w.reject(new Error(`${label}: ${r.error}`))
    })
    child.on('exit', code => {
      this.#exited = true
      for (const w of this.#waiting.values()) w.reject(new Error(`${label} exited with ${code}`))
      this.#waiting.clear()
    })
  }

  /** Fork a peer script (a path relative to this folder, e.g. `automerge-peer.ts`). */
  static start(script: string, label: string, env: Record<string, string> = {}): PeerProcess {
    const file = fileURLToPath(new URL(script, import.meta.url))
    const child = fork(file, [], {
      execArgv: ['--conditions=source', '--import', 'tsx', '--max-old-space-size=6144'],
      env: { ...process.env, ...env },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc']
    })
    return new PeerProcess(child, label)
  }

  /** Send a command and wait for its answer (rejects after `timeoutMs`). */
  async call<T>(cmd: string, args: unknown = {}, timeoutMs = 30 * 60_000): Promise<T> {
    if (this.#exited) throw new Error(`${this.label} is not running`)
    const id = this.#next++
    return await new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiting.delete(id)
        reject(new Error(`${this.label}: ${cmd} timed out after ${timeoutMs} ms`))
      }, timeoutMs)
      this.#waiting.set(id, {
        resolve: v => {
          clearTimeout(timer)
          resolve(v as T)
        },
        reject: e => {
          clearTimeout(timer)
          reject(e)
        }
      })
      this.#child.send({ id, cmd, args } satisfies Request)
    })
  }

  /** End the process (SIGKILL if it does not exit within a second). */
  async stop(): Promise<void> {
    if (this.#exited) return
    const done = new Promise<void>(resolve => this.#child.once('exit', () => resolve()))
    this.#child.kill('SIGTERM')
    const t = setTimeout(() => this.#child.kill('SIGKILL'), 1000)
    await done
    clearTimeout(t)
  }
}
