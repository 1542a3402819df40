// The pull feed with 10,000 and 100,000 publications against PostgreSQL: time, bytes and the server's peak memory
// growth while it streams the feed, against a baseline that builds the same document as one string. Figures are
// ratios and sizes measured in the same run; nothing here asserts a time.
import { runScript } from '../test/support/process.ts';
import { ms, rssOf, startBenchServer } from './support.ts';
import type { BenchResult } from './index.ts';

const SIZES = (process.env.FEED_BENCH_SIZES ?? '10000,100000').split(',').map(Number);

export async function feedBench(): Promise<BenchResult> {
  const server = await startBenchServer('feed');
  try {
    const connected = await server.graphql(
      `mutation { connectIngoedebanen(input: { environment: PRODUCTION, credentials: { email: "vacatures@bench.example", clientId: "40213", publicationMode: OWN_WEBSITE } }) { ... on Contract { feedUrl } } }`,
    );
    const feedUrl = connected.connectIngoedebanen.feedUrl as string;
    const { db, organizationId, env } = server;
    const rows: string[][] = [];
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

      const pid = server.process.child.pid!;
      const before = rssOf(pid);
      let peak = before;
      const sampler = setInterval(() => (peak = Math.max(peak, rssOf(pid))), 10);
      const started = performance.now();
      const response = await fetch(feedUrl, { headers: { 'accept-encoding': 'identity' } });
      let bytes = 0;
      let vacancies = 0;
      // A tag may be split between two chunks: each chunk is read after the end of the one before, too short to
      // hold a whole tag (so none is counted twice).
      let carried = '';
      for await (const chunk of response.body! as unknown as AsyncIterable<Uint8Array>) {
        bytes += chunk.length;
        const text = carried + Buffer.from(chunk).toString('latin1');
        vacancies += (text.match(/<publication>/g) ?? []).length;
        carried = text.slice(-('<publication>'.length - 1));
      }
      const streamedMs = performance.now() - started;
      peak = Math.max(peak, rssOf(pid));
      clearInterval(sampler);
      if (vacancies !== size) throw new Error(`The feed held ${vacancies} vacancies, not ${size}`);
      const gzipBytes = await rawGzipSize(feedUrl);

      const baseline = runScript('bench/feed-string-baseline.ts', {
        ...env,
        FEED_TOKEN: feedUrl
          .split('/')
          .pop()!
          .replace(/\.xml$/, ''),
      });
      if ((await baseline.exited).code !== 0) throw new Error(baseline.output());
      const string = JSON.parse(baseline.output().trim().split('\n').pop()!) as {
        bytes: number;
        ms: number;
        rssGrowthMb: number;
      };
      const streamedMb = (peak - before) / 1e6;
      rows.push([
        size.toLocaleString('en'),
        `${(bytes / 1e6).toFixed(1)} MB (gzip ${(gzipBytes / 1e6).toFixed(1)} MB)`,
        ms(streamedMs),
        `${streamedMb.toFixed(1)} MB`,
        `${string.rssGrowthMb.toFixed(1)} MB`,
        `${(streamedMb / string.rssGrowthMb).toFixed(2)}`,
        `${(streamedMs / string.ms).toFixed(2)}`,
      ]);
    }
    return {
      title: 'Pull feed (InGoedeBanen) streamed by the server, against building it as one string (PostgreSQL)',
      header: [
        'publications',
        'feed size',
        'streamed in',
        'server RSS growth (streamed)',
        'RSS growth (one string)',
        'memory ratio',
        'time ratio',
      ],
      rows,
    };
  } finally {
    await server.stop();
  }
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
