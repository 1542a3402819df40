import type { PGlite } from '@electric-sql/pglite';
import type pg from 'pg';

/** One connection, held for the length of a callback: what the migrator and readiness checks need below Prisma. */
export interface SqlSession {
  query<Row = Record<string, unknown>>(text: string, params?: unknown[]): Promise<Row[]>;
  /** Runs a script of several statements (no parameters). */
  exec(text: string): Promise<void>;
}

export interface SqlRunner {
  withSession<T>(fn: (session: SqlSession) => Promise<T>): Promise<T>;
}

export function pgliteRunner(db: PGlite): SqlRunner {
  const session: SqlSession = {
    async query<Row>(text: string, params?: unknown[]) {
      return (await db.query<Row>(text, params)).rows;
    },
    async exec(text) {
      await db.exec(text);
    },
  };
  // PGlite is one connection: sessions take turns, or two callers would share one transaction and lock.
  let queue: Promise<unknown> = Promise.resolve();
  return {
    withSession(fn) {
      const turn = queue.then(() => fn(session));
      queue = turn.catch(() => undefined);
      return turn;
    },
  };
}

export function poolRunner(pool: pg.Pool): SqlRunner {
  return {
    async withSession(fn) {
      const client = await pool.connect();
      let broken: Error | undefined;
      try {
        return await fn({
          async query<Row>(text: string, params?: unknown[]) {
            return (await client.query(text, params)).rows as Row[];
          },
          async exec(text) {
            await client.query(text);
          },
        });
      } catch (error) {
        broken = error as Error;
        throw error;
      } finally {
        // A connection that failed mid-session may still hold a transaction or a session lock: discard it.
        client.release(broken);
      }
    },
  };
}
