import { ACCOUNTS } from '../../examples/fjord-jobs/simulator.ts';
import { CreateJob } from './operations.ts';
import { activeContract, type TestServer } from './server.ts';

/** The server environment of a test that publishes through the Fjord Jobs example plugin and its simulator. */
export const fjordEnv = (fjordUrl: string, extra: Record<string, string> = {}): Record<string, string> => ({
  BOARD_PLUGINS: './examples/fjord-jobs/plugin.ts',
  BOARD_BASE_URLS: `fjord-jobs=${fjordUrl}`,
  WORKER_POLL_MS: '50',
  WORKER_CONCURRENCY: '16',
  ...extra,
});

/** A board that must answer fast, and a worker that retries soon and often: faults are recovered within a test. */
export const FAST_RETRIES = {
  BOARD_TIMEOUT_MS: '400',
  DELIVERY_RETRY_BASE_MS: '20',
  DELIVERY_RETRY_MAX_MS: '200',
  DELIVERY_MAX_ATTEMPTS: '40',
};

/**
 * Connects a Fjord Jobs sandbox contract for the token's organisation (`credits` of them; unlimited when null) and
 * waits until it is ACTIVE (a busy machine may leave the first verification pending). Returns its global id.
 */
export async function connectFjord(server: TestServer, token: string, credits: number | null = null): Promise<string> {
  const input = {
    environment: 'SANDBOX',
    termsAccepted: true,
    credentials: { employerNumber: '123456', apiKey: ACCOUNTS['123456']!.apiKey },
    ...(credits === null ? {} : { credits }),
  };
  const { connectFjordJobs } = await server.data(
    'mutation ($input: ConnectFjordJobsInput!) { connectFjordJobs(input: $input) { ... on Contract { id } } }',
    { input },
    token,
  );
  return activeContract(server, token, connectFjordJobs.id);
}

/** Creates a job and publishes it on the Fjord Jobs contract; returns the posting's global id. */
export async function publishOnFjord(server: TestServer, token: string, contractId: string, title = 'Welder') {
  const input = { title, description: '<p>Weld.</p>', location: { city: 'Stavanger' } };
  const { createJob } = await server.data(CreateJob, { input }, token);
  if (createJob.__typename !== 'Job') throw new Error(`createJob was refused: ${JSON.stringify(createJob)}`);
  const { publishPosting } = await server.data(
    `mutation ($input: PublishPostingInput!) {
      publishPosting(input: $input) { __typename ... on Posting { id } ... on Error { message } }
    }`,
    { input: { jobId: createJob.id, contractId, boardFields: { sector: 'ENERGY' } } },
    token,
  );
  if (publishPosting.__typename !== 'Posting') throw new Error(`publishPosting: ${JSON.stringify(publishPosting)}`);
  return publishPosting.id as string;
}
