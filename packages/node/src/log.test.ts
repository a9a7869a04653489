import createDebug from 'debug'
import { afterEach, describe, expect, it } from 'vitest'
import { loggers, type LogLevel } from './log.js'

afterEach(() => {
  createDebug.disable()
})

describe('the node log', () => {
  it('shows the operator info, warnings and errors, with their level and namespace, and keeps debug lines out', () => {
    const seen: Array<[string, LogLevel, string]> = []
    const log = loggers((line, level, ns) => seen.push([line, level, ns]))
    log('sync').debug('sync with IN2210000001: session open')
    log('roster').info('adopted roster v2 from a peer (was v1)')
    log('quarantine').warn('refused an item from IN2210000002: UndecodableChangeError: bad change')
    log('repo').error('repo bridge: StoreWriteError: disk full')
    expect(seen).toEqual([
      ['adopted roster v2 from a peer (was v1)', 'info', 'pagdandi:roster'],
      ['refused an item from IN2210000002: UndecodableChangeError: bad change', 'warn', 'pagdandi:quarantine'],
      ['repo bridge: StoreWriteError: disk full', 'error', 'pagdandi:repo']
    ])
  })

  it('traces every level to its debug namespace once DEBUG names it', () => {
    createDebug.enable('pagdandi:sync')
    const traced: string[] = []
    const original = createDebug.log
    createDebug.log = (...args: unknown[]) => traced.push(args.map(String).join(' '))
    try {
      const log = loggers()
      log('sync').debug('sync with IN2210000001: session open')
      log('roster').info('adopted roster v2')
    } finally {
      createDebug.log = original
    }
    expect(traced).toHaveLength(1)
    expect(traced[0]).toContain('pagdandi:sync')
    expect(traced[0]).toContain('debug sync with IN2210000001: session open')
  })
})
