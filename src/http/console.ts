import { readFile, readdir } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { ROOT } from '../root.ts';

const DIST = `${path.join(ROOT, 'console', 'dist')}${path.sep}`;
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};
const POLICY =
  "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'";

/** The built files of the console, by URL path; read once (they change only with a new build and a restart). */
async function builtFiles(): Promise<Map<string, { body: Buffer; type: string; immutable: boolean }> | null> {
  try {
    const files = new Map<string, { body: Buffer; type: string; immutable: boolean }>();
    for (const entry of await readdir(DIST, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const absolute = path.join(entry.parentPath, entry.name);
      const relative = path.relative(DIST, absolute).split(path.sep).join('/');
      files.set(`/console/${relative}`, {
        body: await readFile(absolute),
        type: TYPES[path.extname(entry.name)] ?? 'application/octet-stream',
        immutable: relative.startsWith('assets/'),
      });
    }
    return files.has('/console/index.html') ? files : null;
  } catch {
    return null;
  }
}

/**
 * `GET /console`: the console page (built by `npm run console:build` into console/dist), which signs in with an
 * API token and uses the public API like any client. Only the files of the build are served.
 */
export function consoleRoute() {
  let files: Promise<Awaited<ReturnType<typeof builtFiles>>> | undefined;
  return async (request: IncomingMessage, response: ServerResponse): Promise<boolean> => {
    const pathname = (request.url ?? '').split('?')[0]!;
    if (pathname !== '/console' && !pathname.startsWith('/console/')) return false;
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' }).end();
      return true;
    }
    files ??= builtFiles();
    const built = await files;
    if (!built) {
      files = undefined;
      response
        .writeHead(503, { 'content-type': 'text/plain; charset=utf-8' })
        .end('The console is not built: run npm run console:build (npm start does it).\n');
      return true;
    }
    const file = built.get(pathname === '/console' || pathname === '/console/' ? '/console/index.html' : pathname);
    if (!file) {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found.\n');
      return true;
    }
    response.writeHead(200, {
      'content-type': file.type,
      'content-security-policy': POLICY,
      'cache-control': file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
    response.end(request.method === 'HEAD' ? undefined : file.body);
    return true;
  };
}
