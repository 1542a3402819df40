import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

/**
 * A Redis or PostgreSQL of a test's own, on a free port, which the test may stop and start again without
 * disturbing the machine's shared services that other test files use at the same time.
 */

const run = promisify(execFile);

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitUntil(check: () => Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const answers = (port: number) =>
  new Promise<boolean>((resolve) => {
    const client = connect(port, '127.0.0.1');
    client.once('connect', () => {
      client.destroy();
      resolve(true);
    });
    client.once('error', () => resolve(false));
  });

export interface PrivateRedis {
  url: string;
  /** Kills the server (SIGKILL: clients see their connections drop). */
  stop(): Promise<void>;
  /** Starts it again on the same port, empty. */
  start(): Promise<void>;
  close(): Promise<void>;
}

export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    });
    await waitUntil(() => answers(port), `Redis on port ${port}`);
  };
  const stop = async () => {
    const exited = new Promise((resolve) => child?.once('exit', resolve));
    child?.kill('SIGKILL');
    await exited;
    child = undefined;
  };
  await start();
  return { url: `redis://127.0.0.1:${port}`, start, stop, close: () => (child ? stop() : Promise.resolve()) };
}

export interface PrivatePostgres {
  /** A connection URL for the `postgres` database of this cluster. */
  url(database?: string): string;
  /** `pg_ctl restart -m fast`: every connection is closed, the server comes back on the same port. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

/** A throwaway PostgreSQL cluster (initdb as the postgres user, trust authentication, loopback only). */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const port = await freePort();
  const directory = await mkdtemp(path.join(tmpdir(), 'mp-pg-'));
  await chown(
    directory,
    Number((await run('id', ['-u', 'postgres'])).stdout.trim()),
    Number((await run('id', ['-g', 'postgres'])).stdout.trim()),
  );
  const data = path.join(directory, 'data');
  const asPostgres = (command: string, args: string[]) => run('runuser', ['-u', 'postgres', '--', command, ...args]);
  await asPostgres('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  const options = `-p ${port} -k ${directory} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60`;
  const ctl = (action: 'start' | 'restart' | 'stop', extra: string[] = []) =>
    asPostgres('pg_ctl', [
      action,
      '-D',
      data,
      '-w',
      '-t',
      '30',
      '-l',
      path.join(directory, 'log'),
      '-o',
      options,
      ...extra,
    ]);
  await ctl('start');
  return {
    url: (database = 'postgres') => `postgresql://postgres@127.0.0.1:${port}/${database}`,
    restart: async () => {
      await ctl('restart', ['-m', 'fast']);
    },
    close: async () => {
      await ctl('stop', ['-m', 'immediate']).catch(() => undefined);
      await rm(directory, { recursive: true, force: true });
    },
  };
}
