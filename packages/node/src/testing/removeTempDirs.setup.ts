/**
 * Vitest setup file of the node and e2e projects: removes the test file's temp directories after
 * all its tests. Registered before the file's own hooks, so it runs after them (hooks run as a
 * stack): nodes are stopped before their data directories go.
 */
import { afterAll } from 'vitest'
import { removeTempDirs } from './tempDirs.js'

afterAll(removeTempDirs)
