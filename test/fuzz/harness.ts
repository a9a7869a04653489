/**
 * The fuzz harness: a target is a decoder (or a route, or a state machine) and an input arbitrary;
 * `runTarget` runs it under a seeded fast-check property and reports executions, the first failure
 * (shrunk) and how to replay it. Used by `pnpm fuzz` (test/fuzz/run.ts) and by the CI sample
 * (test/fuzz.test.ts).
 */
import fc from 'fast-check'
import { PagdandiError } from '@pagdandi/core'

/** One thing to fuzz. `check` throws when the code under test misbehaves. */
export interface FuzzTarget<T> {
  name: string
  /** One line: what is decoded and what must hold. */
  what: string
  arbitrary(): fc.Arbitrary<T>
  check(input: T): void | Promise<void>
  /** JSON-safe form of an input, for fixtures, and back. */
  toFixture(input: T): unknown
  fromFixture(v: unknown): T
  /** Set up shared state (a running node) before the first run, and tear it down after the last. */
  open?(): Promise<void>
  close?(): Promise<void>
}

/** A target whose input type is hidden, to keep a list of them (methods are bivariant). */
export type AnyTarget = FuzzTarget<unknown>

/** What one run of a target gives. */
export interface FuzzResult {
  name: string
  executions: number
  failures: number
  ms: number
  seed: number
  replay: string
  /** The shrunk failing input in fixture form, and what went wrong. */
  counterexample?: unknown
  error?: string
}

/** The failure a target reports when the code under test did something other than a named error. */
export class FuzzFailure extends Error {
  override name = 'FuzzFailure'
}

/**
 * Runs `fn`: returning or throwing a PagdandiError with a stable name passes; any other exception
 * (TypeError, RangeError, a stack overflow…) is rethrown as the failure it is.
 */
export function namedOnly<R>(fn: () => R): R | PagdandiError {
  try {
    return fn()
  } catch (e) {
    if (e instanceof PagdandiError && e.name !== 'Error' && e.name.endsWith('Error')) return e
    throw e
  }
}

/** Async form of {@link namedOnly}. */
export async function namedOnlyAsync<R>(fn: () => Promise<R>): Promise<R | PagdandiError> {
  try {
    return await fn()
  } catch (e) {
    if (e instanceof PagdandiError && e.name !== 'Error' && e.name.endsWith('Error')) return e
    throw e
  }
}

/** Throws a FuzzFailure unless `cond`. */
export function expectThat(cond: boolean, what: string): void {
  if (!cond) throw new FuzzFailure(what)
}

/** The command that replays a run. */
export function replayCommand(name: string, seed: number, runs: number): string {
  return `pnpm fuzz --only ${name} --seed ${seed} --runs ${runs}`
}

/** Runs `target` for `runs` executions from `seed`; `onProgress` hears every `every` executions. */
export async function runTarget(
  target: AnyTarget,
  runs: number,
  seed: number,
  onProgress?: (executions: number, ms: number) => void,
  every = 100_000
): Promise<FuzzResult> {
  const started = performance.now()
  await target.open?.()
  let details: fc.RunDetails<[unknown]>
  let done = 0
  try {
    const params = { seed, numRuns: runs }
    details = await fc.check(
      fc.asyncProperty(target.arbitrary(), async (x: unknown) => {
        await target.check(x)
        if (++done % every === 0) onProgress?.(done, performance.now() - started)
      }),
      params
    )
  } finally {
    await target.close?.()
  }
  const result: FuzzResult = {
    name: target.name,
    executions: details.numRuns + details.numSkips,
    failures: details.failed ? 1 : 0,
    ms: Math.round(performance.now() - started),
    seed,
    replay: replayCommand(target.name, seed, runs)
  }
  if (details.failed && details.counterexample !== null) {
    result.counterexample = target.toFixture(details.counterexample[0])
    const err = details.errorInstance
    result.error = err instanceof Error ? `${err.name}: ${err.message}` : String(err)
  }
  return result
}

/** A fixture file: a minimal input that once failed a target, replayed by test/fuzz.test.ts. */
export interface Fixture {
  target: string
  /** What went wrong before the fix, and where it was fixed. */
  found: string
  input: unknown
}

/** Base64 of bytes, for fixtures. */
export function b64(b: Uint8Array): string {
  return Buffer.from(b).toString('base64')
}

/** Bytes of base64 text, for fixtures. */
export function unb64(v: unknown): Uint8Array {
  if (typeof v !== 'string') throw new TypeError('fixture: expected base64 text')
  return new Uint8Array(Buffer.from(v, 'base64'))
}
