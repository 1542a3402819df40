import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import type { Config } from '../config.ts';
import { lockDirectory } from './directory-lock.ts';
import { PrismaClient } from './generated/prisma/client.ts';
import { pgliteRunner, poolRunner, type SqlRunner } from './sql.ts';
import { countStatements, type StatementCounter } from './statement-counter.ts';

export { PrismaClient };

/** Whether a Prisma error is a unique-constraint violation (P2002). */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'P2002';
}
export type { Prisma } from './generated/prisma/client.ts';

export interface Database {
  kind: 'pglite' | 'postgres';
  prisma: PrismaClient;
  sql: SqlRunner;
  /** True when the embedded database was created by this open (first start). */
  created: boolean;
  /** SQL statements Prisma has sent so far. */
  statements: StatementCounter;
  close(): Promise<void>;
}

/**
 * Names the first `limit` distinct statements Prisma sends, so that each connection prepares them once and
 * PostgreSQL stops parsing and planning them again: that was half of its time applying webhook deliveries. Later
 * texts (a list of a new length) go unnamed, so a connection holds `limit` prepared statements at most.
 */
export function statementNames(limit: number): (query: { sql: string }) => string {
  const names = new Map<string, string>();
  return ({ sql }) => {
    let name = names.get(sql);
    if (name === undefined && names.size < limit) {
      name = `s${names.size}`;
      names.set(sql, name);
    }
    // The adapter's type asks for a name; pg sends a statement without one (undefined) unprepared.
    return name as string;
  };
}

/** Opens the database the configuration names: embedded PGlite under DATA_DIR, or PostgreSQL at DATABASE_URL. */
export async function openDatabase(config: Pick<Config, 'database'>): Promise<Database> {
  const target = config.database;
  if (target.kind === 'postgres') {
    // Loaded only for PostgreSQL: the embedded default starts without them.
    const [{ PrismaPg }, { default: pg }] = await Promise.all([import('@prisma/adapter-pg'), import('pg')]);
    const pool = new pg.Pool({ connectionString: target.url, max: target.poolSize, connectionTimeoutMillis: 10_000 });
    // A client that loses its server (restart, network) emits an error: the pool relays it for idle clients, and a
    // checked-out client between two statements (in a transaction) emits it on itself. Without a listener either
    // would crash the process; the statement in flight, if any, fails on its own and is answered as unavailable.
    pool.on('error', () => undefined);
    pool.on('connect', (client) => client.on('error', () => undefined));
    const statements = { count: 0 };
    const adapter = new PrismaPg(pool, { statementNameGenerator: statementNames(target.preparedStatements) });
    const prisma = new PrismaClient({ adapter: countStatements(adapter, statements) });
    return {
      kind: 'postgres',
      prisma,
      sql: poolRunner(pool),
      created: false,
      statements,
      async close() {
        await prisma.$disconnect();
        await pool.end();
      },
    };
  }

  const release = lockDirectory(target.dataDir);
  try {
    mkdirSync(target.dataDir, { recursive: true });
    const pglite = await PGlite.create({ dataDir: target.dataDir });
    const existing = await pglite.query<{ exists: boolean }>("SELECT to_regclass('_migrations') IS NOT NULL AS exists");
    const statements = { count: 0 };
    const prisma = new PrismaClient({ adapter: countStatements(new PrismaPGlite(pglite), statements) });
    return {
      kind: 'pglite',
      prisma,
      sql: pgliteRunner(pglite),
      created: !existing.rows[0]?.exists,
      statements,
      async close() {
        try {
          await prisma.$disconnect();
          await pglite.close();
        } finally {
          release();
        }
      },
    };
  } catch (error) {
    release();
    throw error;
  }
}
