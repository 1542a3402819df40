import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import http from 'node:http';
import { runScript, type RunningProcess } from './support/process.ts';
import { createTestDatabase, TEST_DB } from './support/server.ts';
import { adminQuery, databaseUrl } from './support/services.ts';

async function query(url: string, token: string, body: string, variables?: Record<string, unknown>) {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: body, variables }),
  });
  return { status: response.status, body: await response.json() };
}

async function startServer(dataDir: string): Promise<{ process: RunningProcess; url: string }> {
  const server = runScript('src/server.ts', { DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1' });
  const [, url] = await server.waitFor(/Listening on (http:\/\/\S+) /);
  return { process: server, url: url! };
}

// These tests are about the embedded database: one process per data directory, demo set-up, crash safety.
describe.runIf(TEST_DB === 'pglite')('the server process on the embedded database', () => {
  let dataDir: string;
  let server: { process: RunningProcess; url: string } | undefined;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'mp-process-'));
  });
  afterAll(async () => {
    server?.process.child.kill('SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  });

  test('first start creates the demo organisation and prints its admin token once', async () => {
    server = await startServer(dataDir);
    const [, token] = await server.process.waitFor(/admin token, shown this once, is (mpa_\S+)/);
    const file = path.join(dataDir, 'demo-admin-token.txt');
    expect((await readFile(file, 'utf8')).trim()).toBe(token);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const answer = await query(server.url, token!, '{ viewer { organization { name } } }');
    expect(answer.body).toEqual({ data: { viewer: { organization: { name: 'Demo organisation' } } } });
  });

  test('token:create refuses with a clear message while the server holds the database', async () => {
    const cli = runScript('scripts/token-create.ts', { DATA_DIR: dataDir }, ['--org', 'acme', '--role', 'ADMIN']);
    const { code } = await cli.exited;
    expect(code).toBe(1);
    expect(cli.output()).toMatch(/in use by process \d+/);
    expect(cli.output()).not.toMatch(/mpa_/);
  });

  test('after SIGKILL, a restart keeps every committed row and starts cleanly', async () => {
    const token = (await readFile(path.join(dataDir, 'demo-admin-token.txt'), 'utf8')).trim();
    const created = await query(
      server!.url,
      token,
      'mutation { createUser(input: { email: "kept@demo.example", name: "Kept", role: RECRUITER }) { __typename } }',
    );
    expect(created.body.data.createUser.__typename).toBe('User');

    server!.process.child.kill('SIGKILL');
    await server!.process.exited;
    server = await startServer(dataDir);
    expect(server.process.output()).not.toMatch(/shown this once/);
    const users = await query(server.url, token, '{ users { edges { node { email } } } }');
    expect(users.body.data.users.edges.map((edge: { node: { email: string } }) => edge.node.email)).toContain(
      'kept@demo.example',
    );
  });

  test('SIGTERM stops within the shutdown timeout and releases the database to other processes', async () => {
    const started = Date.now();
    server!.process.child.kill('SIGTERM');
    const { code } = await server!.process.exited;
    expect(code).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(server!.process.output()).toMatch(/Stopped cleanly/);
    server = undefined;

    const cli = runScript('scripts/token-create.ts', { DATA_DIR: dataDir }, ['--org', 'acme', '--role', 'RECRUITER']);
    expect((await cli.exited).code).toBe(0);
    expect(cli.output().trim().split('\n').at(-1)).toMatch(/^mpa_[A-Za-z0-9_-]{43}$/);
  });
});

describe.runIf(TEST_DB === 'pglite')('npm start as a supervisor runs it', () => {
  test('SIGTERM to npm stops the server cleanly: no process is left serving', async () => {
    const { spawn } = await import('node:child_process');
    const dataDir = await mkdtemp(path.join(tmpdir(), 'mp-npm-start-'));
    const npm = spawn('npm', ['start'], {
      cwd: path.resolve(import.meta.dirname, '..'),
      env: { ...process.env, DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_PRETTY: 'false' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    npm.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    npm.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    // 'close': npm has exited and its output pipes are shut, which the server (holding them too) does as it exits.
    const exited = new Promise<number | null>((resolve) => npm.once('close', (code) => resolve(code)));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setInterval(() => {
          const match = /Listening on (http:\/\/\S+) /.exec(output);
          if (match) {
            clearInterval(timer);
            resolve(match[1]!);
          }
        }, 100);
        void exited.then(() => {
          clearInterval(timer);
          reject(new Error(`npm start exited: ${output}`));
        });
      });
      expect((await fetch(`${url}/health`)).status).toBe(200);
      npm.kill('SIGTERM');
      await exited;
      // The server itself received the signal (not only npm), stopped cleanly, and no longer answers.
      expect(output).toMatch(/SIGTERM received/);
      const stopped = await new Promise<boolean>((resolve) => {
        const timer = setInterval(
          () =>
            fetch(`${url}/health`).then(
              () => undefined,
              () => {
                clearInterval(timer);
                resolve(true);
              },
            ),
          100,
        );
      });
      expect(stopped).toBe(true);
    } finally {
      npm.kill('SIGKILL');
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});

// Two OS processes racing to migrate one PostgreSQL database: the advisory lock makes one wait for the other.
describe.runIf(TEST_DB === 'postgres')('npm run db:migrate from two processes at once', () => {
  test('applies each migration exactly once', async () => {
    const name = `mp_race_${process.pid}_${Date.now()}`;
    await adminQuery(`CREATE DATABASE ${name}`);
    try {
      const env = { DATABASE_URL: databaseUrl(name), DATA_DIR: tmpdir() };
      const runs = [runScript('src/db/migrate-cli.ts', env), runScript('src/db/migrate-cli.ts', env)];
      const exits = await Promise.all(runs.map((run) => run.exited));
      expect(exits.map((exit) => exit.code)).toEqual([0, 0]);
      const outputs = runs.map((run) => run.output());
      expect(outputs.filter((output) => /Applied 0001_init, /.test(output))).toHaveLength(1);
      expect(outputs.filter((output) => /The database is up to date/.test(output))).toHaveLength(1);
    } finally {
      await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    }
  });
});

describe('start-up failures', () => {
  test('a bad configuration value stops the process with one line naming it', async () => {
    const bad = runScript('src/server.ts', { PORT: 'eighty', DATA_DIR: tmpdir() });
    const { code } = await bad.exited;
    expect(code).toBe(1);
    expect(bad.output()).toContain('PORT: expected a port number (got "eighty")');
    expect(bad.output()).not.toMatch(/\n\s+at /);
  });

  test('a request in flight when SIGTERM arrives is answered before the process exits', async () => {
    const database = await createTestDatabase();
    try {
      const running = runScript('src/server.ts', { ...database.env, PORT: '0', HOST: '127.0.0.1' });
      const [, url] = await running.waitFor(/Listening on (http:\/\/\S+) /);
      const body = JSON.stringify({ query: '{ __typename }' });
      const { hostname, port } = new URL(url!);
      const request = http.request({
        hostname,
        port,
        path: '/graphql',
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      });
      const answered = new Promise<{ status: number; text: string }>((resolve, reject) => {
        request.on('response', (response) => {
          let text = '';
          response.on('data', (chunk) => (text += chunk));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
        });
        request.on('error', reject);
      });
      // Half the body now, SIGTERM, the other half after: the server must wait for it and answer.
      request.write(body.slice(0, 10));
      await new Promise((resolve) => request.once('socket', (socket) => socket.once('connect', resolve)));
      await new Promise((resolve) => setTimeout(resolve, 200));
      running.child.kill('SIGTERM');
      await running.waitFor(/SIGTERM received/);
      request.end(body.slice(10));
      expect(await answered).toEqual({ status: 200, text: '{"data":{"__typename":"Query"}}' });
      expect((await running.exited).code).toBe(0);
    } finally {
      await database.drop();
    }
  });
});
