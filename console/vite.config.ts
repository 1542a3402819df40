import { defineConfig } from 'vite';

// npm run console:build — the console page the server serves at /console (console/dist).
export default defineConfig({
  root: import.meta.dirname,
  base: '/console/',
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022' },
  logLevel: 'warn',
});
