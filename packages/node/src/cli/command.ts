/** The shape of one `pagdandi` subcommand and the shared option handling. */
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { UsageError } from './errors.js'

/** Options every command accepts. */
export const COMMON_OPTIONS = {
  data: { type: 'string', short: 'd' },
  'secret-file': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  json: { type: 'boolean' }
} as const satisfies NonNullable<ParseArgsConfig['options']>

/** Parsed values: strings, booleans or repeated strings. */
export type Values = Record<string, string | boolean | string[] | undefined>

/** Where a command writes: stdout for results, stderr for progress and errors. */
export interface Io {
  out: (line: string) => void
  err: (line: string) => void
  /** Progress on stderr, overwritten in place on a terminal. */
  progress: (line: string) => void
  env: NodeJS.ProcessEnv
}

/** One subcommand. */
export interface Command {
  name: string
  summary: string
  /** Usage text after `pagdandi <name>`, with one option per line. */
  usage: string
  options?: NonNullable<ParseArgsConfig['options']>
  /** Pass argv through unparsed as positionals (for commands that dispatch to another parser). */
  raw?: boolean
  /** Returns the exit code (0 ok). */
  run: (values: Values, positionals: string[], io: Io) => Promise<number>
}

/** Parses argv for `cmd`; unknown options and bad values throw UsageError (exit 2). */
export function parseCommand(cmd: Command, argv: string[]): { values: Values; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: { ...COMMON_OPTIONS, ...cmd.options },
      allowPositionals: true,
      strict: true
    })
    return { values: values as Values, positionals }
  } catch (err) {
    const message = err instanceof Error ? err.message.split('\n')[0]! : String(err)
    throw new UsageError(`${cmd.name}: ${message}`)
  }
}

/** A required string option. */
export function need(values: Values, name: string, cmd: string): string {
  const v = values[name]
  if (typeof v !== 'string' || v.length === 0) throw new UsageError(`${cmd}: --${name} is required`)
  return v
}

/** An optional string option. */
export function opt(values: Values, name: string): string | undefined {
  const v = values[name]
  return typeof v === 'string' ? v : undefined
}

/** A positive integer option with a default. */
export function intOpt(values: Values, name: string, fallback: number, cmd: string): number {
  const v = values[name]
  if (v === undefined) return fallback
  const n = Number(v)
  if (typeof v !== 'string' || !Number.isInteger(n) || n < 0)
    throw new UsageError(`${cmd}: --${name} must be a whole number`)
  return n
}
