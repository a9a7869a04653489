/**
 * Seeds for randomised tests: read from an environment variable when set (to replay a failure), else
 * a fixed default; printed so any run can be replayed. Works without Node types (core is isomorphic).
 */
interface Host {
  process?: { env?: Record<string, string | undefined> }
  console?: { log(...args: unknown[]): void }
}

/** The seed named `name` in the environment, or `fallback`; printed as `name=seed`. */
export function testSeed(name: string, fallback: number): number {
  const host = globalThis as unknown as Host
  const raw = host.process?.env?.[name]
  const seed = raw === undefined || raw === '' ? fallback : Number(raw)
  host.console?.log(`${name}=${seed} (replay with ${name}=${seed})`)
  return seed
}
