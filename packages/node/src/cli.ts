#!/usr/bin/env node
/** `pagdandi`: the facility node's command line. See `pagdandi --help`. */
import './polyfill.js'
import { COMMANDS } from './cli/commands/index.js'
import { main } from './cli/main.js'

// Every file the node writes (store, staff, audit, run file) is its owner's alone.
process.umask(0o077)

process.exitCode = await main(process.argv.slice(2), COMMANDS)
