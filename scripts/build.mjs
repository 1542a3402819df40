// npm run build: the server and the worker as JavaScript in build/ (esbuild: bundled, packages left to
// node_modules, shared code split into chunks), so that `npm start` runs no TypeScript compiler. Type-checking is
// `npm run typecheck`; this only strips types.
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

// Chunk names change with their content: last build's files must not linger beside this one's.
rmSync('build', { recursive: true, force: true });

await build({
  entryPoints: { server: 'src/server.ts', worker: 'src/worker.ts' },
  outdir: 'build',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});
