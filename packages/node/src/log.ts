/**
 * The node's log, namespaced and levelled as automerge-repo does with `debug`: each line goes to its
 * namespace (`pagdandi:sync`, `pagdandi:roster`, …), silent unless `DEBUG=pagdandi:*` (or one
 * namespace) is set. Lines an operator must see (info: roster, key and erasure events; warn; error)
 * also go to the node's sink, which `pagdandi start` prints on stderr. Lines carry ids, facility ids
 * and error names, never patient data or key material.
 */
import createDebug from 'debug'

/** How much a line matters: `debug` is tracing, off by default; the others reach the operator. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error'

/** The subsystems that log, each its own `pagdandi:<name>` namespace. */
export type LogNamespace = 'sync' | 'repo' | 'roster' | 'quarantine' | 'gate' | 'http' | 'erasure' | 'referral' | 'card'

/** Where operator-visible lines go (the node's `log` option). */
export type LogSink = (line: string, level: LogLevel, namespace: string) => void

/** A logger of one namespace. */
export interface Logger {
  debug(line: string): void
  info(line: string): void
  warn(line: string): void
  error(line: string): void
}

/** The loggers of one node, one a namespace, all writing to `sink`. */
export function loggers(sink: LogSink = () => {}): (namespace: LogNamespace) => Logger {
  const made = new Map<LogNamespace, Logger>()
  return namespace => {
    let logger = made.get(namespace)
    if (logger === undefined) {
      logger = createLogger(namespace, sink)
      made.set(namespace, logger)
    }
    return logger
  }
}

/** A logger of `namespace` writing to `sink` (silent by default). */
export function createLogger(namespace: LogNamespace, sink: LogSink = () => {}): Logger {
  const name = `pagdandi:${namespace}`
  const trace = createDebug(name)
  const at =
    (level: LogLevel) =>
    (line: string): void => {
      trace('%s %s', level, line)
      if (level !== 'debug') sink(line, level, name)
    }
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }
}
