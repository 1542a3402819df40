import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { ROOT } from '../root.ts';
import type { SqlRunner } from './sql.ts';

export const MIGRATIONS_DIR = path.join(ROOT, 'prisma', 'migrations');

/** Arbitrary constant shared by every process that migrates this database. */
const ADVISORY_LOCK_KEY = 7_214_501_993;

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export class MigrationError extends Error {
  override name = 'MigrationError';
}

export async function readMigrations(directory = MIGRATIONS_DIR): Promise<Migration[]> {
  const entries = await readdir(directory, { withFileTypes: true });
  const names = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(path.join(directory, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    }),
  );
}

export interface MigrationResult {
  applied: string[];
  alreadyApplied: string[];
}

/**
 * Applies the migrations not yet recorded in `_migrations`, in name order, each in its own transaction.
 * A session advisory lock makes concurrent runs wait for each other; an applied migration whose file has
 * changed since stops everything before any new one runs.
 */
export async function migrate(runner: SqlRunner, migrations?: Migration[]): Promise<MigrationResult> {
  const wanted = migrations ?? (await readMigrations());
  return runner.withSession(async (session) => {
    await session.query('SELECT pg_advisory_lock($1)', [ADVISORY_LOCK_KEY]);
    try {
      await session.exec(`CREATE TABLE IF NOT EXISTS _migrations (
        name text PRIMARY KEY,
        checksum text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`);
      const recorded = await session.query<{ name: string; checksum: string }>(
        'SELECT name, checksum FROM _migrations ORDER BY name',
      );
      const byName = new Map(wanted.map((migration) => [migration.name, migration]));
      for (const row of recorded) {
        const file = byName.get(row.name);
        if (!file)
          throw new MigrationError(
            `Migration ${row.name} is applied to the database but missing from ${MIGRATIONS_DIR}.`,
          );
        if (file.checksum !== row.checksum) {
          throw new MigrationError(
            `Migration ${row.name} was changed after it was applied (checksum ${row.checksum.slice(0, 12)}… in the database, ` +
              `${file.checksum.slice(0, 12)}… on disk). Restore the file and put the change in a new migration.`,
          );
        }
      }
      const done = new Set(recorded.map((row) => row.name));
      const applied: string[] = [];
      for (const migration of wanted) {
        if (done.has(migration.name)) continue;
        await session.exec('BEGIN');
        try {
          await session.exec(migration.sql);
          await session.query('INSERT INTO _migrations (name, checksum) VALUES ($1, $2)', [
            migration.name,
            migration.checksum,
          ]);
          await session.exec('COMMIT');
        } catch (error) {
          await session.exec('ROLLBACK').catch(() => undefined);
          throw new MigrationError(
            `Migration ${migration.name} failed and was rolled back: ${(error as Error).message}`,
          );
        }
        applied.push(migration.name);
      }
      return { applied, alreadyApplied: [...done] };
    } finally {
      await session.query('SELECT pg_advisory_unlock($1)', [ADVISORY_LOCK_KEY]).catch(() => undefined);
    }
  });
}

/** The names of migrations on disk that the database has not recorded; empty when it is up to date. */
export async function pendingMigrations(runner: SqlRunner, migrations?: Migration[]): Promise<string[]> {
  const wanted = migrations ?? (await readMigrations());
  const recorded = await runner.withSession((session) =>
    session.query<{ name: string }>('SELECT name FROM _migrations').catch(() => [] as { name: string }[]),
  );
  const done = new Set(recorded.map((row) => row.name));
  return wanted.filter((migration) => !done.has(migration.name)).map((migration) => migration.name);
}
