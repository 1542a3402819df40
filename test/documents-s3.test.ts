import { afterAll, beforeAll, expect, test } from 'vitest';
import { startTopcvSimulator, topcvDelivery, TOPCV_EMPLOYERS, vietnamTime } from '../src/plugins/topcv/simulator.ts';
import { S3DocumentStorage } from '../src/core/documents/s3-storage.ts';
import { startS3Simulator } from '../src/sandbox/s3.ts';
import { sendWebhook } from '@multiposting/plugin-sdk/simulator';
import { eventually, startTestServer, type TestServer } from './support/server.ts';

const S3 = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  region: 'eu-west-1',
  bucket: 'cvs',
};
const [topcvKey, topcvEmployer] = Object.entries(TOPCV_EMPLOYERS)[0]!;
let topcv: Awaited<ReturnType<typeof startTopcvSimulator>>;
let bucket: Awaited<ReturnType<typeof startS3Simulator>>;
let server: TestServer;

beforeAll(async () => {
  [topcv, bucket] = await Promise.all([startTopcvSimulator(), startS3Simulator(S3)]);
  server = await startTestServer({
    env: {
      BOARD_BASE_URLS: `topcv=${topcv.url}`,
      WORKER_POLL_MS: '50',
      S3_BUCKET_URL: bucket.bucketUrl,
      S3_REGION: S3.region,
      S3_ACCESS_KEY_ID: S3.accessKeyId,
      S3_SECRET_ACCESS_KEY: S3.secretAccessKey,
    },
  });
});
afterAll(async () => {
  await server?.stop();
  await Promise.all([topcv?.close(), bucket?.close()]);
});

test('with S3_BUCKET_URL, CVs are stored in the bucket (signed requests), served through the link and erased with the candidate', async () => {
  const token = await server.tokenFor('s3');
  const gql = (query: string, variables?: Record<string, unknown>) => server.data(query, variables, token);
  const { connectTopcv } = await gql(
    `mutation ($input: ConnectTopcvInput!) { connectTopcv(input: $input) { ... on Contract { webhookUrl } } }`,
    {
      input: {
        environment: 'PRODUCTION',
        credentials: { employerApiKey: topcvKey, secretKey: topcvEmployer.secretKey },
      },
    },
  );
  const { createJob } = await gql(
    `mutation { createJob(input: { title: "Thủ kho", description: "<p>Kho.</p>" }) { ... on Job { id } } }`,
  );
  const cv = Buffer.from('%PDF-1.7\n% a CV kept in a bucket\n%%EOF\n');
  const delivery = topcvDelivery(topcvEmployer.secretKey, {
    job_title: 'Thủ kho',
    apply_at: vietnamTime(),
    candidate_name: 'Bùi Văn Kho',
    candidate_email: 'kho@example.vn',
    download_url: topcv.hostCv(cv),
  });
  expect((await sendWebhook(connectTopcv.webhookUrl, delivery)).status).toBe(202);

  const read = async () =>
    (
      await gql(
        `query ($id: ID!) { job(id: $id) { applications(first: 1) { edges { node { candidate { id cv { link { url } } } } } } } }`,
        { id: createJob.id },
      )
    ).job.applications.edges;
  // The candidate arrives at once; the worker then fetches the CV from TopCV's one-time link.
  await eventually(async () => Boolean((await read())[0]?.node.candidate.cv));
  const { candidate } = (await read())[0].node;
  expect(bucket.objects.size).toBe(1);
  expect([...bucket.objects.values()][0]).toEqual({ body: cv, contentType: 'application/pdf' });
  const download = await fetch(candidate.cv.link.url);
  expect(download.status).toBe(200);
  expect(Buffer.from(await download.arrayBuffer())).toEqual(cv);

  const { deleteCandidate } = await gql(
    `mutation ($id: ID!) { deleteCandidate(id: $id) { ... on DeletedCandidate { documents } } }`,
    { id: candidate.id },
  );
  expect(deleteCandidate.documents).toBe(1);
  expect(bucket.objects.size).toBe(0);
  expect(bucket.refused).toBe(0);
});

test('the bucket refuses a request signed with the wrong secret, and the storage reports it', async () => {
  const wrong = new S3DocumentStorage({
    bucketUrl: bucket.bucketUrl,
    region: S3.region,
    accessKeyId: S3.accessKeyId,
    secretAccessKey: 'not-the-secret',
  });
  const refusedBefore = bucket.refused;
  await expect(wrong.put('org/doc', Buffer.from('x'), 'text/plain')).rejects.toThrow(/HTTP 403/);
  expect(bucket.refused).toBe(refusedBefore + 1);
  expect(bucket.objects.has('org/doc')).toBe(false);
});
