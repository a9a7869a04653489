/** Serving the built UI (`packages/ui/dist`) with a single-page-app fallback to index.html. */
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { extname, join, normalize, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { ServerResponse } from 'node:http'

/** packages/ui/dist, found relative to this file from both src/http and dist/http. */
export const DEFAULT_UI_DIR = fileURLToPath(new URL('../../../ui/dist/', import.meta.url))

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.webmanifest': 'application/manifest+json'
}

/** Streams one file of the UI, or index.html for app routes; a plain page if the UI is not built. */
export async function serveStatic(res: ServerResponse, pathname: string, uiDir = DEFAULT_UI_DIR): Promise<void> {
  const root = normalize(uiDir.endsWith(sep) ? uiDir : uiDir + sep)
  let rel: string
  try {
    rel = decodeURIComponent(pathname)
  } catch {
    rel = '/'
  }
  let file = normalize(join(root, rel))
  if (!file.startsWith(root)) file = join(root, 'index.html')
  let info = await stat(file).catch(() => undefined)
  if (info?.isDirectory() === true) {
    file = join(file, 'index.html')
    info = await stat(file).catch(() => undefined)
  }
  if (info === undefined && extname(rel) === '') {
    file = join(root, 'index.html')
    info = await stat(file).catch(() => undefined)
  }
  if (info === undefined || !info.isFile()) {
    const missingUi = extname(rel) === ''
    const body = missingUi
      ? 'Pagdandi node is running. The UI is not built: run `pnpm -C packages/ui run build`. The API is under /api/.\n'
      : 'not found\n'
    res.writeHead(missingUi ? 200 : 404, { 'content-type': 'text/plain; charset=utf-8' })
    res.end(body)
    return
  }
  res.writeHead(200, {
    'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
    'content-length': info.size,
    'cache-control': file.includes(`${sep}assets${sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache'
  })
  createReadStream(file).pipe(res)
}
