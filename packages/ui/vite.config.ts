import { defineConfig } from 'vite'
import { svelte } from '@sveltejs/vite-plugin-svelte'

// During `vite dev` the facility node is a separate process; PAGDANDI_NODE names it.
const node = process.env['PAGDANDI_NODE'] ?? 'http://127.0.0.1:7700'

export default defineConfig({
  plugins: [svelte()],
  resolve: { conditions: ['source', 'browser', 'module', 'import', 'default'] },
  // Pre-bundling breaks Automerge's wasm loader under `vite dev` (stack-notes §3); automerge-repo must stay bundled.
  optimizeDeps: { exclude: ['@automerge/automerge'] },
  build: { target: 'es2022', chunkSizeWarningLimit: 4096 },
  server: {
    host: '127.0.0.1',
    proxy: {
      '/api': { target: node },
      '/sync': { target: node.replace(/^http/, 'ws'), ws: true }
    }
  },
  preview: { host: '127.0.0.1', port: 4173, strictPort: true }
})
