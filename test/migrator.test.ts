import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, test } from 'vitest';
import { openDatabase, type Database } from '../src/db/database.ts';
import { migrate, MigrationError, pendingMigrations, readMigrations, type Migration } from '../src/db/migrate.ts';
import { diffMigrationsToSchema } from '../src/db/schema-diff.ts';
import { TEST_DB } from './support/server.ts';
import { adminQuery, databaseUrl } from './support/services.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** An empty database (no migrations applied) of this project's kind, plus a second handle on it for PostgreSQL. */
async function emptyDatabase(): Promise<{ db: Database; second: () => Promise<Database> }> {
  if (TEST_DB === 'postgres') {
    const name = `mp_migrate_${randomUUID().replaceAll('-', '')}`;
    await adminQuery(`CREATE DATABASE ${name}`);
    const open = async () => {
      const db = await openDatabase({
        database: { kind: 'postgres', url: databaseUrl(name), poolSize: 2, preparedStatements: 0 },
      });
      cleanups.push(() => db.close());
      return db;
    };
    cleanups.push(() => adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    return { db: await open(), second: open };
  }
  const dataDir = await mkdtemp(path.join(tmpdir(), 'mp-migrate-'));
  cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
  const db = await openDatabase({ database: { kind: 'pglite', dataDir } });
  cleanups.push(() => db.close());
  return { db, second: async () => db };
}

async function tables(db: Database): Promise<string[]> {
  const rows = await db.sql.withSession((session) =>
    session.query<{ tablename: string }>(
      "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename",
    ),
  );
  return rows.map((row) => row.tablename);
}

const recorded = (db: Database) =>
  db.sql.withSession((session) =>
    session.query<{ name: string; checksum: string }>('SELECT name, checksum FROM _migrations ORDER BY name'),
  );

function migration(name: string, sql: string): Migration {
  return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
}

describe('migrator', () => {
  test('applies every migration once; a second run applies nothing', async () => {
    const { db } = await emptyDatabase();
    const files = await readMigrations();
    expect(await pendingMigrations(db.sql, files)).toEqual(files.map((file) => file.name));

    const first = await migrate(db.sql, files);
    expect(first.applied).toEqual(files.map((file) => file.name));
    expect(await tables(db)).toEqual(expect.arrayContaining(['_migrations', 'organization', 'user', 'api_token']));

    const second = await migrate(db.sql, files);
    expect(second.applied).toEqual([]);
    expect((await recorded(db)).map((row) => row.name)).toEqual(files.map((file) => file.name));
    expect(await pendingMigrations(db.sql, files)).toEqual([]);
  });

  test('two runs at once apply each migration exactly once', async () => {
    const { db, second } = await emptyDatabase();
    const other = await second();
    const files = [
      ...(await readMigrations()),
      migration('9001_slow', 'CREATE TABLE slow_probe (id int); SELECT pg_sleep(0.3);'),
    ];
    const results = await Promise.all([migrate(db.sql, files), migrate(other.sql, files), migrate(db.sql, files)]);
    const appliedNames = results.flatMap((result) => result.applied).sort();
    expect(appliedNames).toEqual(files.map((file) => file.name).sort());
    expect((await recorded(db)).length).toBe(files.length);
  });

  test('refuses to run when an applied migration was changed afterwards', async () => {
    const { db } = await emptyDatabase();
    const files = await readMigrations();
    await migrate(db.sql, files);
    const tampered = files.map((file, index) => (index === 0 ? migration(file.name, `${file.sql}\n-- edited`) : file));
    const withNew = [...tampered, migration('9002_new', 'CREATE TABLE never_created (id int);')];
    await expect(migrate(db.sql, withNew)).rejects.toThrow(MigrationError);
    await expect(migrate(db.sql, withNew)).rejects.toThrow(/0001_init was changed after it was applied/);
    expect(await tables(db)).not.toContain('never_created');
  });

  test('a failing migration is rolled back whole and not recorded', async () => {
    const { db } = await emptyDatabase();
    const files = [
      ...(await readMigrations()),
      migration('9003_broken', 'CREATE TABLE half_done (id int); INSERT INTO missing_table VALUES (1);'),
    ];
    await expect(migrate(db.sql, files)).rejects.toThrow(/9003_broken failed and was rolled back/);
    expect(await tables(db)).not.toContain('half_done');
    expect((await recorded(db)).map((row) => row.name)).not.toContain('9003_broken');
    // The migrations before it stay applied, and the lock was released: a fixed run goes on.
    const fixed = [...files.slice(0, -1), migration('9003_broken', 'CREATE TABLE half_done (id int);')];
    expect((await migrate(db.sql, fixed)).applied).toEqual(['9003_broken']);
  });
});

// The diff runs on an in-memory PGlite whatever the project, so once is enough.
describe.runIf(TEST_DB === 'pglite')('migrations and schema.prisma', () => {
  test('the migrations produce exactly the schema in prisma/schema.prisma', async () => {
    expect(await diffMigrationsToSchema()).toBe('');
  });
});
