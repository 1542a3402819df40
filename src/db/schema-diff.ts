// Developer tool (uses devDependencies): compares prisma/migrations with prisma/schema.prisma offline, using
// Prisma's schema engine compiled to WebAssembly and an in-memory PGlite as the shadow database.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { ROOT } from '../root.ts';
import { PGlite } from '@electric-sql/pglite';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import * as engineBindings from '@prisma/schema-engine-wasm/schema_engine_bg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { MIGRATIONS_DIR, readMigrations } from './migrate.ts';

export const SCHEMA_FILE = path.join(ROOT, 'prisma', 'schema.prisma');

interface WasmBindings {
  __wbg_set_wasm(exports: WebAssembly.Exports): void;
}

let loaded: Promise<typeof engineBindings.SchemaEngine> | undefined;

function loadEngine(): Promise<typeof engineBindings.SchemaEngine> {
  loaded ??= (async () => {
    // Without a panic registry, an engine panic surfaces as an unrelated TypeError.
    (globalThis as Record<string, unknown>).PRISMA_WASM_PANIC_REGISTRY = {
      set_message(message: string) {
        throw new Error(`schema engine panic: ${message}`);
      },
    };
    const require = createRequire(import.meta.url);
    const glue = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg');
    const bytes = await readFile(path.join(path.dirname(glue), 'schema_engine_bg.wasm'));
    const { instance } = await WebAssembly.instantiate(bytes, {
      './schema_engine_bg.js': engineBindings as unknown as WebAssembly.ModuleImports,
    });
    (engineBindings as unknown as WasmBindings).__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as (() => void) | undefined)?.();
    return engineBindings.SchemaEngine;
  })();
  return loaded;
}

/**
 * The SQL that takes a database migrated with every file in prisma/migrations to exactly schema.prisma;
 * an empty string when they agree.
 */
export async function diffMigrationsToSchema(): Promise<string> {
  const SchemaEngine = await loadEngine();
  const schema = await readFile(SCHEMA_FILE, 'utf8');
  const pglite = new PGlite();
  const engine = await SchemaEngine.new(
    { datamodels: [['schema.prisma', schema]] },
    () => undefined,
    bindMigrationAwareSqlAdapterFactory(new PrismaPGlite(pglite)),
  );
  try {
    const migrations = await readMigrations();
    const result = await engine.diff({
      from: {
        tag: 'migrations',
        baseDir: MIGRATIONS_DIR,
        lockfile: { path: 'migration_lock.toml', content: 'provider = "postgresql"\n' },
        shadowDbInitScript: '',
        migrationDirectories: migrations.map((migration) => ({
          path: migration.name,
          migrationFile: { path: 'migration.sql', content: { tag: 'ok', value: migration.sql } },
        })),
      },
      to: { tag: 'schemaDatamodel', files: [{ path: 'schema.prisma', content: schema }] },
      script: true,
      exitCode: true,
      filters: { externalTables: [], externalEnums: [] },
    });
    return result.exitCode === 0 ? '' : (result.stdout ?? '').trim();
  } finally {
    engine.free();
    await pglite.close();
  }
}
