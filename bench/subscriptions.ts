// Subscriptions: 1,000 graphql-ws subscribers (one organisation each) spread over two server processes on one
// PostgreSQL and Redis, and 1,000 posting status changes a second published on the event bus as the API does after
// a commit. Delivered against sent, and publish-to-receive latency against a bare Redis subscriber of the same
// messages, measured in the same run.
import { createClient, type Client } from 'graphql-ws';
import { Redis } from 'ioredis';
import WebSocket from 'ws';
import { generateToken } from '../src/core/auth/tokens.ts';
import { runScript } from '../test/support/process.ts';
import { TEST_REDIS_URL } from '../test/support/services.ts';
import { freePort, ms, ratio, startBenchServer } from './support.ts';
import type { BenchResult } from './index.ts';

const SUBSCRIBERS = Number(process.env.SUBSCRIPTION_BENCH_SUBSCRIBERS ?? 1000);
const PER_SECOND = 1000;
const SECONDS = 5;

const percentile = (values: number[], share: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * share))]!;

export async function subscriptionsBench(): Promise<BenchResult> {
  const server = await startBenchServer('subscriptions', { REDIS_URL: TEST_REDIS_URL });
  const port = await freePort();
  const second = runScript('src/server.ts', { ...server.env, PORT: String(port), LOG_LEVEL: 'info' });
  const publisher = new Redis(TEST_REDIS_URL);
  const baseline = new Redis(TEST_REDIS_URL);
  const clients: Client[] = [];
  try {
    await second.waitFor(/Listening on/, 60_000);
    // One organisation, user and READ token per subscriber.
    const tokens = Array.from({ length: SUBSCRIBERS }, () => generateToken());
    const { rows } = await server.db.query<{ organization_id: string; user_id: string }>(
      `WITH orgs AS (
         INSERT INTO organization (id, slug, name) SELECT gen_random_uuid(), 'bench-' || g, 'Bench ' || g FROM generate_series(1, $1::int) g RETURNING id, slug
       ), users AS (
         INSERT INTO "user" (id, organization_id, email, name, role) SELECT gen_random_uuid(), id, slug || '@bench.example', slug, 'ADMIN' FROM orgs RETURNING id, organization_id
       ) SELECT organization_id, id AS user_id FROM users`,
      [SUBSCRIBERS],
    );
    const organizations = rows.map((row) => row.organization_id);
    const userIds = rows.map((row) => row.user_id);
    await server.db.query(
      `INSERT INTO api_token (id, organization_id, user_id, name, token_hash, prefix, scopes)
       SELECT gen_random_uuid(), o, u, 'bench', h, p, ARRAY['READ']::"TokenScope"[] FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[]) AS t(o, u, h, p)`,
      [organizations, userIds, tokens.map((token) => token.hash), tokens.map((token) => token.prefix)],
    );

    // Each subscriber's receive times, in order; the events of one organisation arrive in the order they were sent.
    const sentAt = new Map<string, number[]>(organizations.map((id) => [id, []]));
    const latencies: number[] = [];
    let received = 0;
    // While warming up, a subscriber only says it is listening.
    const listening = new Set<string>();
    let warming = true;
    const urls = [`${server.base.replace('http', 'ws')}/graphql`, `ws://127.0.0.1:${port}/graphql`];
    await Promise.all(
      organizations.map(async (organization, index) => {
        const client = createClient({
          url: urls[index % 2]!,
          webSocketImpl: WebSocket,
          connectionParams: { authorization: `Bearer ${tokens[index]!.token}` },
          retryAttempts: 0,
        });
        clients.push(client);
        await new Promise<void>((resolve, reject) => {
          client.on('connected', () => resolve());
          client.on('closed', (event) => reject(new Error(`A subscriber was closed: ${(event as CloseEvent).code}`)));
          client.subscribe(
            { query: 'subscription { postingStatusChanged { from to } }' },
            {
              next: () => {
                if (warming) {
                  listening.add(organization);
                  return;
                }
                const sent = sentAt.get(organization)!.shift();
                if (sent !== undefined) {
                  latencies.push(performance.now() - sent);
                  received += 1;
                }
              },
              error: reject,
              complete: () => undefined,
            },
          );
        });
      }),
    );
    const baselineLatencies: number[] = [];
    const baselineSent: number[] = [];
    await baseline.psubscribe('posting.statusChanged:*');
    baseline.on('pmessage', () => {
      const sent = baselineSent.shift();
      if (sent !== undefined) baselineLatencies.push(performance.now() - sent);
    });

    const event = (to: string) =>
      JSON.stringify({
        postingId: '00000000-0000-4000-8000-000000000000',
        jobId: '',
        contractId: '',
        boardId: 'bench',
        from: 'QUEUED',
        to,
      });
    // Warm up: an event to each organisation whose subscriber has not heard one yet (a subscription is registered
    // a moment after its connection), until every one has.
    for (let round = 0; round < 40 && listening.size < organizations.length; round++) {
      for (const organization of organizations)
        if (!listening.has(organization))
          await publisher.publish(`posting.statusChanged:${organization}`, event('SUBMITTED'));
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    if (listening.size < organizations.length)
      throw new Error(`Only ${listening.size} of ${organizations.length} subscribers listen`);
    await new Promise((resolve) => setTimeout(resolve, 500));
    warming = false;
    baselineSent.length = 0;
    baselineLatencies.length = 0;

    // 1,000 events a second in batches of 10 every 10 ms, round robin over the organisations.
    const total = PER_SECOND * SECONDS;
    const started = performance.now();
    for (let sent = 0; sent < total; ) {
      const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * PER_SECOND) + 10);
      for (; sent < due; sent++) {
        const organization = organizations[sent % organizations.length]!;
        const now = performance.now();
        sentAt.get(organization)!.push(now);
        baselineSent.push(now);
        void publisher.publish(`posting.statusChanged:${organization}`, event('PUBLISHED'));
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const sending = performance.now() - started;
    const deadline = performance.now() + 15_000;
    while (received < total && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));

    return {
      title: `Subscriptions: ${SUBSCRIBERS.toLocaleString('en')} graphql-ws subscribers over 2 server processes on Redis, ${PER_SECOND.toLocaleString('en')} status changes/s for ${SECONDS} s`,
      header: ['receiver', 'delivered / sent', 'p50 latency', 'p99 latency', 'p99 vs bare Redis'],
      rows: [
        [
          'graphql-ws subscribers (Redis → server → WebSocket)',
          `${received} / ${total} in ${ms(sending)}`,
          ms(percentile(latencies, 0.5)),
          ms(percentile(latencies, 0.99)),
          ratio(percentile(latencies, 0.99) / percentile(baselineLatencies, 0.99)),
        ],
        [
          'a bare Redis subscriber of the same messages',
          `${baselineLatencies.length} / ${total}`,
          ms(percentile(baselineLatencies, 0.5)),
          ms(percentile(baselineLatencies, 0.99)),
          ratio(1),
        ],
      ],
    };
  } finally {
    await Promise.all(clients.map((client) => client.dispose()));
    publisher.disconnect();
    baseline.disconnect();
    second.child.kill('SIGTERM');
    await second.exited;
    await server.stop();
  }
}
