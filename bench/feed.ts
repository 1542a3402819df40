// npm run bench:feed — the pull feed with 10,000 and 100,000 publications against PostgreSQL: time, bytes and the
// server's peak memory growth while it streams the feed, against a baseline that builds the same document as one
// string. Figures are ratios and sizes measured in the same run; nothing here asserts a time.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { runScript, type RunningProcess } from '../test/support/process.ts';
import { TEST_DATABASE_URL } from '../test/support/services.ts';

const SIZES = (process.env.FEED_BENCH_SIZES ?? '10000,100000').split(',').map(Number);

const freePort = () =>
  new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });

/** Resident memory of a process, from /proc (bytes). */
const rssOf = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024;

const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
await admin.connect();
const name = `mp_bench_feed_${randomUUID().replaceAll('-', '')}`;
await admin.query(`CREATE DATABASE ${name}`);
const url = new URL(TEST_DATABASE_URL);
url.pathname = `/${name}`;
const dataDir = await mkdtemp(path.join(tmpdir(), 'mp-bench-'));
const port = await freePort();
const env = { DATABASE_URL: url.toString(), DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info', WORKER: 'false' };
let server: RunningProcess | undefined;
const db = new pg.Client({ connectionString: url.toString() });

try {
  const tokenCli = runScript('scripts/token-create.ts', env, ['--org', 'bench', '--role', 'ADMIN']);
  if ((await tokenCli.exited).code !== 0) throw new Error(tokenCli.output());
  const token = tokenCli.output().trim().split('\n').pop()!;
  server = runScript('src/server.ts', env);
  await server.waitFor(/Listening on/, 60_000);
  const base = `http://127.0.0.1:${port}`;
  const connected = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      query: `mutation { connectIngoedebanen(input: { environment: PRODUCTION, credentials: { email: "vacatures@bench.example", clientId: "40213", publicationMode: OWN_WEBSITE } }) { ... on Contract { feedUrl } } }`,
    }),
  }).then((response) => response.json() as Promise<{ data: { connectIngoedebanen: { feedUrl: string } } }>);
  const feedUrl = connected.data.connectIngoedebanen.feedUrl;
  await db.connect();
  const { rows } = await db.query<{ organization_id: string }>('SELECT organization_id FROM contract LIMIT 1');
  const organizationId = rows[0]!.organization_id;

  const table: string[][] = [];
  let seeded = 0;
  for (const size of SIZES) {
    await db.query(
      `INSERT INTO job (id, organization_id, title, description, city, postal_code, country_code, employment_type, hours_per_week, status, stages, on_website, created_at, updated_at)
       SELECT gen_random_uuid(), $1, 'Medewerker logistiek ' || g, '<p>' || repeat('Wij zoeken een collega voor ons magazijn. ', 20) || g || '</p>', 'Utrecht', '3511 AB', 'NL', 'FULL_TIME', 38, 'OPEN', ARRAY['Applied'], true, now(), now()
       FROM generate_series($2::int + 1, $3::int) g`,
      [organizationId, seeded, size],
    );
    seeded = size;
    await db.query('ANALYZE job');

    const pid = server.child.pid!;
    const before = rssOf(pid);
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, rssOf(pid))), 10);
    const started = performance.now();
    const response = await fetch(feedUrl, { headers: { 'accept-encoding': 'identity' } });
    let bytes = 0;
    let vacancies = 0;
    for await (const chunk of response.body! as unknown as AsyncIterable<Uint8Array>) {
      bytes += chunk.length;
      vacancies += (Buffer.from(chunk).toString('latin1').match(/<vacancy /g) ?? []).length;
    }
    const streamedMs = performance.now() - started;
    peak = Math.max(peak, rssOf(pid));
    clearInterval(sampler);
    if (vacancies !== size) throw new Error(`The feed held ${vacancies} vacancies, not ${size}`);
    const gzipBytes = await rawGzipSize(feedUrl);

    const baseline = runScript('bench/feed-string-baseline.ts', { ...env, FEED_TOKEN: feedUrl.split('/').pop()!.replace(/\.xml$/, '') });
    if ((await baseline.exited).code !== 0) throw new Error(baseline.output());
    const string = JSON.parse(baseline.output().trim().split('\n').pop()!) as { bytes: number; ms: number; rssGrowthMb: number };
    const streamedMb = (peak - before) / 1e6;
    table.push([
      size.toLocaleString('en'),
      `${(bytes / 1e6).toFixed(1)} MB (gzip ${(gzipBytes / 1e6).toFixed(1)} MB)`,
      `${Math.round(streamedMs)} ms`,
      `${streamedMb.toFixed(1)} MB`,
      `${string.rssGrowthMb.toFixed(1)} MB`,
      `${(streamedMb / string.rssGrowthMb).toFixed(2)}`,
      `${(streamedMs / string.ms).toFixed(2)}`,
    ]);
  }
  const header = ['publications', 'feed size', 'streamed in', 'server RSS growth (streamed)', 'RSS growth (one string)', 'memory ratio', 'time ratio'];
  console.log(`\n| ${header.join(' | ')} |\n|${header.map(() => '---').join('|')}|`);
  for (const row of table) console.log(`| ${row.join(' | ')} |`);
} finally {
  server?.child.kill('SIGTERM');
  await server?.exited;
  await db.end().catch(() => {});
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
  await rm(dataDir, { recursive: true, force: true });
}

/** Bytes on the wire of the gzip answer (fetch would decompress it). */
async function rawGzipSize(target: string): Promise<number> {
  const { get } = await import('node:http');
  return new Promise((resolve, reject) => {
    get(target, { headers: { 'accept-encoding': 'gzip' } }, (response) => {
      let size = 0;
      response.on('data', (chunk: Buffer) => (size += chunk.length));
      response.on('end', () => resolve(size));
    }).on('error', reject);
  });
}
