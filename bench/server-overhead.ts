// What our server adds to a trivial query (authentication against the database, operation limits, logging,
// metrics): requests per second and latency under load from autocannon, against a bare graphql-yoga server with
// the same field, measured in the same run.
import autocannon from 'autocannon';
import { runScript } from '../test/support/process.ts';
import { freePort, ms, ratio, startBenchServer } from './support.ts';
import type { BenchResult } from './index.ts';

const SECONDS = Number(process.env.OVERHEAD_BENCH_SECONDS ?? 8);
const QUERY = JSON.stringify({ query: '{ viewer { scopes } }' });

async function load(url: string, token?: string, duration = SECONDS) {
  const result = await autocannon({
    url: `${url}/graphql`,
    method: 'POST',
    connections: 10,
    duration,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: QUERY,
  });
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(`${url}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99 };
}

/** Our server under load, on a database of its own, with the given environment. */
async function ours(label: string, env: Record<string, string>) {
  const server = await startBenchServer(label, { LOG_LEVEL: 'warn', ...env });
  try {
    await load(server.base, server.token, 2);
    return await load(server.base, server.token);
  } finally {
    await server.stop();
  }
}

export async function serverOverheadBench(): Promise<BenchResult> {
  const port = await freePort();
  const bare = runScript('bench/bare-yoga.ts', { PORT: String(port) });
  try {
    await bare.waitFor(/Listening on/, 30_000);
    // One after the other, never at once: they share two cores.
    const cached = await ours('overhead', {});
    const uncached = await ours('overhead-nocache', { AUTH_CACHE_TTL_MS: '0' });
    await load(`http://127.0.0.1:${port}`, undefined, 2);
    const baseline = await load(`http://127.0.0.1:${port}`);
    const row = (name: string, result: { rps: number; p50: number; p99: number }) => [
      name,
      result.rps.toFixed(0),
      ms(result.p50),
      ms(result.p99),
      ratio(result.rps / baseline.rps),
    ];
    return {
      title: `Server overhead: { viewer { scopes } }, 10 connections for ${SECONDS} s (PostgreSQL)`,
      header: ['server', 'requests/s', 'p50', 'p99', 'throughput vs bare Yoga'],
      rows: [
        row('ours: token cached (AUTH_CACHE_TTL_MS=5000), limits, logging, metrics', cached),
        row('ours: token read from the database on every request (AUTH_CACHE_TTL_MS=0)', uncached),
        row('bare graphql-yoga, same field', baseline),
      ],
    };
  } finally {
    bare.child.kill('SIGTERM');
    await bare.exited;
  }
}
