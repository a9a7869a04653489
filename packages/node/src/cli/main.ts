/**
 * `pagdandi`: dispatch to subcommands, exit codes and error printing.
 * Exit codes: 0 ok, 1 runtime failure, 2 usage error. A user's mistake prints one line with the
 * error's name and no stack; set PAGDANDI_DEBUG=1 to see stacks of unexpected failures.
 */
import { PagdandiError } from '@pagdandi/core'
import { COMMON_OPTIONS, parseCommand, type Command, type Io } from './command.js'
import { UsageError } from './errors.js'

/** Exit code of a successful command. */
export const EXIT_OK = 0
/** Exit code of a runtime failure. */
export const EXIT_FAILURE = 1
/** Exit code of a usage error. */
export const EXIT_USAGE = 2

/** Renders the help text of one command. */
export function helpOf(cmd: Command): string {
  return (
    `pagdandi ${cmd.name}: ${cmd.summary}\n\nusage: pagdandi ${cmd.name} ${cmd.usage}\n\n` +
    "common options:\n  --data DIR          the node's data directory (default ./pagdandi-data)\n" +
    '  --secret-file FILE  operator secret (else env PAGDANDI_SECRET)\n  --help              this text\n'
  )
}

function overview(commands: Command[]): string {
  const width = Math.max(...commands.map(c => c.name.length)) + 2
  return (
    'pagdandi: a Pagdandi facility node\n\nusage: pagdandi <command> [options]\n\ncommands:\n' +
    commands.map(c => `  ${c.name.padEnd(width)}${c.summary}`).join('\n') +
    '\n\nRun `pagdandi <command> --help` for its options.\n'
  )
}

/** Standard process I/O: results to stdout, progress and errors to stderr. */
export function processIo(): Io {
  const tty = process.stderr.isTTY === true
  return {
    out: line => {
      process.stdout.write(line + '\n')
    },
    err: line => {
      process.stderr.write(line + '\n')
    },
    progress: line => {
      process.stderr.write(tty ? `\r\x1b[2K${line}` : line + '\n')
    },
    env: process.env
  }
}

/** Runs the CLI on argv (without `node cli.js`); returns the exit code. */
export async function main(argv: string[], commands: Command[], io: Io = processIo()): Promise<number> {
  const [name, ...rest] = argv
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const target = name === 'help' ? commands.find(c => c.name === rest[0]) : undefined
    io.out(target !== undefined ? helpOf(target) : overview(commands))
    return name === undefined ? EXIT_USAGE : EXIT_OK
  }
  const cmd = commands.find(c => c.name === name)
  try {
    if (cmd === undefined) throw new UsageError(`unknown command "${name}"; run \`pagdandi --help\``)
    if (cmd.raw === true) return await cmd.run({}, rest, io)
    if (rest.includes('--help') || rest.includes('-h')) {
      io.out(helpOf(cmd))
      return EXIT_OK
    }
    const { values, positionals } = parseCommand(cmd, rest)
    return await cmd.run(values, positionals, io)
  } catch (err) {
    return report(err, io)
  }
}

/** Prints an error as one plain line and picks the exit code. */
export function report(err: unknown, io: Io): number {
  if (err instanceof PagdandiError) {
    io.err(`pagdandi: ${err.name}: ${err.message}`)
    if (!(err instanceof UsageError) && io.env.PAGDANDI_DEBUG === '1' && err.stack !== undefined) io.err(err.stack)
    return err.exitCode
  }
  const e = err instanceof Error ? err : new Error(String(err))
  io.err(`pagdandi: ${e.name}: ${e.message.split('\n')[0]}`)
  if (io.env.PAGDANDI_DEBUG === '1' && e.stack !== undefined) io.err(e.stack)
  else io.err('pagdandi: (set PAGDANDI_DEBUG=1 for details)')
  return EXIT_FAILURE
}

export { COMMON_OPTIONS }
