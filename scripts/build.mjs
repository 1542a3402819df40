// npm run build: the server and the worker as JavaScript in build/ (esbuild: bundled with the packages they use,
// shared code split into chunks), so that `npm start` runs no TypeScript compiler and resolves and reads a few files
// instead of hundreds (a restart on the embedded database took 18 % less than with packages left to node_modules).
// Type-checking is `npm run typecheck`; this only strips types.
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
  // Packages' ES module builds where they ship one: their unused exports are left out (graphql: 0.71 → 0.52 MB), so
  // a start compiles 6 % less code (restarts 2–6 % faster over 24 alternating runs).
  mainFields: ['module', 'main'],
  target: 'node20',
  external: [
    // Read files beside their own modules at run time (WebAssembly, data, engines, worker threads).
    '@electric-sql/pglite',
    'pglite-prisma-adapter',
    '@prisma/*',
    'prisma',
    'pino',
    'pino-pretty',
    'pg',
    // Load board plugins written outside the project: they must share these modules with the server.
    '@multiposting/plugin-sdk',
    'zod',
    'tsx',
    'esbuild',
  ],
  // Bundled CommonJS packages call require(); an ES module has none of its own.
  banner: {
    js:
      "import { createRequire as createRequireOfBundle } from 'node:module'; " +
      'const require = createRequireOfBundle(import.meta.url);',
  },
  sourcemap: true,
  logLevel: 'warning',
});
