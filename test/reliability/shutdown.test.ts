import http from 'node:http';
import { expect, test } from 'vitest';
import { runScript } from '../support/process.ts';
import { createTestDatabase, startTestServer } from '../support/server.ts';

interface Outcome {
  title: string;
  status?: number;
  jobId?: string;
  error?: string;
}

/** One request on its own connection, so that "accepted" means the server took the connection. */
function createJob(base: string, token: string, title: string): Promise<Outcome> {
  const body = JSON.stringify({
    query: `mutation ($title: String!) { createJob(input: { title: $title, description: "<p>x</p>" }) { ... on Job { id } } }`,
    variables: { title },
  });
  const { hostname, port } = new URL(base);
  return new Promise((resolve) => {
    const request = http.request({
      hostname,
      port,
      path: '/graphql',
      method: 'POST',
      agent: false,
      headers: {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
        authorization: `Bearer ${token}`,
      },
    });
    request.on('response', (response) => {
      let text = '';
      response.on('data', (chunk) => (text += chunk));
      response.on('end', () =>
        resolve({ title, status: response.statusCode, jobId: JSON.parse(text).data?.createJob?.id }),
      );
      response.on('error', (error) => resolve({ title, status: response.statusCode, error: error.message }));
    });
    request.on('error', (error) => resolve({ title, error: (error as NodeJS.ErrnoException).code ?? error.message }));
    request.end(body);
  });
}

test('SIGTERM under load: every request the server took is answered, and every answer matches what was stored', async () => {
  const database = await createTestDatabase();
  try {
    const setup = await startTestServer({ database });
    const token = await setup.tokenFor('shutdown');
    await setup.stop();

    const server = runScript('src/server.ts', {
      ...database.env,
      PORT: '0',
      HOST: '127.0.0.1',
      DEMO_ORGANIZATION: 'false',
      SHUTDOWN_TIMEOUT_MS: '10000',
    });
    const [, url] = await server.waitFor(/Listening on (http:\/\/\S+) /);
    const outcomes: Outcome[] = [];
    let sent = 0;
    let refused = false;
    // Twenty clients sending one request after another until the server stops taking connections.
    const clients = Array.from({ length: 20 }, async () => {
      while (!refused) {
        const outcome = await createJob(url!, token, `Job ${sent++}`);
        outcomes.push(outcome);
        if (outcome.error === 'ECONNREFUSED') refused = true;
      }
    });
    while (outcomes.filter((outcome) => outcome.status === 200).length < 100)
      await new Promise((resolve) => setTimeout(resolve, 10));
    server.child.kill('SIGTERM');
    await Promise.all(clients);
    const { code } = await server.exited;
    expect(code).toBe(0);

    const answered = outcomes.filter((outcome) => outcome.status !== undefined);
    const notTaken = outcomes.filter((outcome) => outcome.status === undefined);
    expect(answered.every((outcome) => outcome.status === 200 && outcome.jobId)).toBe(true);
    // A connection the server never took is refused (or reset by the kernel before Node saw it).
    for (const outcome of notTaken) expect(['ECONNREFUSED', 'ECONNRESET']).toContain(outcome.error);

    const after = await startTestServer({ database });
    try {
      const stored = await after.app.db.prisma.job.findMany({ select: { title: true } });
      const storedTitles = new Set(stored.map((job) => job.title));
      // Nothing stored without its answer, nothing answered without being stored.
      expect([...storedTitles].sort()).toEqual(answered.map((outcome) => outcome.title).sort());
      console.log(
        `shutdown under load: ${outcomes.length} requests, ${answered.length} answered (all stored), ${notTaken.length} not taken (${[...new Set(notTaken.map((outcome) => outcome.error))].join(', ')})`,
      );
    } finally {
      await after.stop();
    }
  } finally {
    await database.drop();
  }
}, 90_000);
