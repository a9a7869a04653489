import { defineConfig } from 'vitest/config'

// One vitest run covers every package. `source` makes workspace packages resolve to their
// TypeScript sources, so unit tests never run against a stale build.
export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    // CI shares two cores with other work: a 5 s default fails correct tests on a loaded machine.
    // No test asserts a duration, so a generous limit only turns a hang into a failure later.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    projects: [
      { extends: true, test: { name: 'core', include: ['packages/core/src/**/*.test.ts', 'examples/**/*.test.ts'] } },
      { extends: true, test: { name: 'ui', include: ['packages/ui/src/**/*.test.ts'] } },
      {
        extends: true,
        test: {
          name: 'node',
          include: ['packages/node/src/**/*.test.ts'],
          setupFiles: ['packages/node/src/polyfill.ts', 'packages/node/src/testing/removeTempDirs.setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000
        }
      },
      {
        extends: true,
        test: {
          name: 'bench',
          include: ['bench/src/**/*.test.ts'],
          testTimeout: 120_000
        }
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/**/*.test.ts'],
          setupFiles: ['packages/node/src/polyfill.ts', 'packages/node/src/testing/removeTempDirs.setup.ts'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          fileParallelism: false
        }
      }
    ]
  }
})
