import { randomUUID } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ACCOUNTS, startFjordJobsSimulator } from '../examples/fjord-jobs/simulator.ts';
import {
  startTopcvSimulator,
  topcvDelivery,
  TOPCV_EMPLOYERS,
  type TopcvApplication,
  vietnamTime,
} from '../src/plugins/topcv/simulator.ts';
import { sendWebhook, type SignedDelivery } from '@multiposting/plugin-sdk/simulator';
import { eventually, startTestServer, subscribe, type TestServer, stopAll } from './support/server.ts';
import { createJobId, graphqlAs } from './support/graphql.ts';

let fjord: Awaited<ReturnType<typeof startFjordJobsSimulator>>;
let topcv: Awaited<ReturnType<typeof startTopcvSimulator>>;
let server: TestServer;
let token: string;
const [topcvKey, topcvEmployer] = Object.entries(TOPCV_EMPLOYERS)[0]!;
const SECRET = topcvEmployer.secretKey;
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');

beforeAll(async () => {
  [fjord, topcv] = await Promise.all([startFjordJobsSimulator(), startTopcvSimulator()]);
  server = await startTestServer({
    env: {
      BOARD_PLUGINS: './examples/fjord-jobs/plugin.ts',
      BOARD_BASE_URLS: `fjord-jobs=${fjord.url},topcv=${topcv.url}`,
      WORKER_POLL_MS: '50',
      WEBHOOK_MAX_BYTES: String(256 * 1024),
      DOCUMENT_MAX_BYTES: String(64 * 1024),
      DOCUMENT_URL_TTL_SECONDS: '60',
    },
  });
  token = await server.tokenFor('candidates');
});
afterAll(() => stopAll(server, fjord, topcv));

const gql = graphqlAs(
  () => server,
  () => token,
);

async function topcvContract(as = token): Promise<{ id: string; webhookUrl: string }> {
  const data = await gql(
    `mutation ($input: ConnectTopcvInput!) { connectTopcv(input: $input) { ... on Contract { id webhookUrl } ... on Error { message } } }`,
    { input: { environment: 'PRODUCTION', credentials: { employerApiKey: topcvKey, secretKey: SECRET } } },
    as,
  );
  return data.connectTopcv;
}

async function fjordContract(): Promise<{ id: string; webhookUrl: string }> {
  const data = await gql(
    `mutation ($input: ConnectFjordJobsInput!) { connectFjordJobs(input: $input) { ... on Contract { id webhookUrl } } }`,
    {
      input: {
        environment: 'SANDBOX',
        termsAccepted: true,
        credentials: { employerNumber: '123456', apiKey: ACCOUNTS['123456']!.apiKey },
      },
    },
  );
  return data.connectFjordJobs;
}

async function job(title: string, stages?: string[], as = token): Promise<string> {
  const input = { title, description: '<p>Join us.</p>', location: { city: 'Bergen' }, ...(stages ? { stages } : {}) };
  return createJobId(gql, input, as);
}

let applicationNumber = 0;
/** An application in TopCV's shape; its CV, if any, behind a one-time link the simulator serves. */
function application(
  title: string | null,
  person: { name: string; email?: string; phone?: string },
  extra: { cv?: Buffer } = {},
): TopcvApplication {
  applicationNumber += 1;
  return {
    ...(title ? { job_title: title } : {}),
    // A second apart: TopCV's applications carry no id, the same job, time and person are one application.
    apply_at: vietnamTime(new Date(Date.UTC(2026, 0, 1) + applicationNumber * 1000)),
    candidate_name: person.name,
    ...(person.email ? { candidate_email: person.email } : {}),
    ...(person.phone ? { candidate_phone: person.phone } : {}),
    ...(extra.cv ? { download_url: topcv.hostCv(extra.cv) } : {}),
  };
}

const post = (url: string, delivery: SignedDelivery, options: Parameters<typeof sendWebhook>[2] = {}) =>
  sendWebhook(url, delivery, options);

const APPLICATION =
  'id status stage jobTitle pendingReason boardApplicationId job { id title } suggestedJobs { id } candidate { id name email phone }';

async function applicationsOf(jobId: string) {
  return (
    await gql(`query ($id: ID!) { job(id: $id) { applications(first: 20) { edges { node { ${APPLICATION} } } } } }`, {
      id: jobId,
    })
  ).job.applications.edges.map((edge: { node: unknown }) => edge.node);
}

async function pendingPool() {
  return (
    await gql(`{ pendingCandidates(first: 20) { edges { node { ${APPLICATION} } } } }`)
  ).pendingCandidates.edges.map((edge: { node: any }) => edge.node);
}

describe('applications from a board that names the posting', () => {
  test("a candidate arrives live in the first stage of the posting's job, with their CV behind an expiring link", async () => {
    const contract = await fjordContract();
    expect(contract.webhookUrl).toMatch(new RegExp(`^${server.url}/webhooks/fjord-jobs/[0-9a-f-]{36}$`));
    const jobId = await job('Deckhand', ['New', 'Call', 'Hired']);
    const published = (
      await gql(`mutation ($input: PublishPostingInput!) { publishPosting(input: $input) { ... on Posting { id } } }`, {
        input: { jobId, contractId: contract.id, boardFields: { sector: 'FISHERIES' } },
      })
    ).publishPosting;
    await eventually(
      async () =>
        (await gql(`query ($id: ID!) { posting(id: $id) { status } }`, { id: published.id })).posting.status ===
        'PUBLISHED',
    );
    const externalId = (await gql(`query ($id: ID!) { posting(id: $id) { externalId } }`, { id: published.id })).posting
      .externalId;

    const client = server.wsClient({ authorization: `Bearer ${token}` });
    const live = subscribe(
      client,
      `subscription ($jobId: ID!) { candidateReceived(filter: { jobId: $jobId }) { pending application { stage candidate { name } posting { id } } } }`,
      { jobId },
    );
    await live.ready;
    const delivery = fjord.apply(externalId, {
      name: 'Ola Nordmann',
      email: 'Ola.Nordmann@Example.no',
      resume: { filename: '../../Ola CV.pdf', mimeType: 'application/octet-stream', data: PDF.toString('base64') },
    });
    expect(await post(contract.webhookUrl, delivery)).toEqual({ status: 202, attempts: 1 });
    const [event] = await live.waitFor(1);
    expect(event!.data!.candidateReceived).toEqual({
      pending: false,
      application: { stage: 'New', candidate: { name: 'Ola Nordmann' }, posting: { id: published.id } },
    });

    const [received] = await applicationsOf(jobId);
    expect(received).toMatchObject({ status: 'ACTIVE', stage: 'New', candidate: { email: 'ola.nordmann@example.no' } });
    const cv = (
      await gql(`query ($id: ID!) { candidate(id: $id) { cv { fileName contentType size link { url expiresAt } } } }`, {
        id: received.candidate.id,
      })
    ).candidate.cv;
    expect(cv).toMatchObject({ fileName: 'Ola CV.pdf', contentType: 'application/pdf', size: PDF.length });
    expect(Date.parse(cv.link.expiresAt) - Date.now()).toBeLessThanOrEqual(60_000);
    const download = await fetch(cv.link.url);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('application/pdf');
    expect(download.headers.get('content-disposition')).toContain("filename*=UTF-8''Ola%20CV.pdf");
    expect(Buffer.from(await download.arrayBuffer())).toEqual(PDF);
    const tampered = new URL(cv.link.url);
    tampered.searchParams.set('expires', String(Number(tampered.searchParams.get('expires')) + 3600));
    expect((await fetch(tampered)).status).toBe(403);
    const expired = new URL(cv.link.url);
    expired.searchParams.set('expires', '1000');
    expect((await fetch(expired)).status).toBe(403);
  });

  test('a review arrives by webhook: the posting goes live without waiting for a poll, once however often it is delivered', async () => {
    const contract = await fjordContract();
    const jobId = await job('Harbour clerk');
    const { id } = (
      await gql(`mutation ($input: PublishPostingInput!) { publishPosting(input: $input) { ... on Posting { id } } }`, {
        input: { jobId, contractId: contract.id, boardFields: { sector: 'PUBLIC' } },
      })
    ).publishPosting;
    const read = async () =>
      (await gql(`query ($id: ID!) { posting(id: $id) { status externalId events { to } } }`, { id })).posting;
    await eventually(async () => (await read()).status === 'PENDING_REVIEW');
    const client = server.wsClient({ authorization: `Bearer ${token}` });
    const reviews = subscribe(client, `subscription { postingReviewed { approved posting { id } } }`);
    await reviews.ready;
    const delivery = fjord.review((await read()).externalId, true);
    // The board sends it three times at once: exactly one is stored (202), the others are duplicates (200).
    const outcomes = await Promise.all([1, 2, 3].map(() => post(contract.webhookUrl, delivery)));
    expect(outcomes.map((outcome) => outcome.status).sort()).toEqual([200, 200, 202]);
    const [review] = await reviews.waitFor(1);
    expect(review!.data!.postingReviewed).toEqual({ approved: true, posting: { id } });
    const posting = await read();
    expect(posting.status).toBe('PUBLISHED');
    expect(posting.events.filter((event: { to: string | null }) => event.to === 'PUBLISHED')).toHaveLength(1);
  });
});

describe('matching by job title when the board names no posting', () => {
  test('one open job with that title (ignoring case, accents, punctuation and "(m/f/x)") takes the candidate', async () => {
    const contract = await topcvContract();
    const jobId = await job('Kế toán tổng hợp (m/f/x)');
    await job('Kế toán tổng hợp', undefined, await server.tokenFor('another-org'));
    expect(
      (
        await post(
          contract.webhookUrl,
          topcvDelivery(
            SECRET,
            application('KẾ TOÁN TỔNG HỢP - Nam/Nữ', { name: 'Nguyễn Văn A', email: 'a@example.vn' }),
          ),
        )
      ).status,
    ).toBe(202);
    await eventually(async () => (await applicationsOf(jobId)).length === 1);
    expect((await applicationsOf(jobId))[0]).toMatchObject({
      status: 'ACTIVE',
      stage: 'Applied',
      jobTitle: 'KẾ TOÁN TỔNG HỢP - Nam/Nữ',
    });
  });

  test('no match and several matches go to the pending pool with the reason and suggested jobs; assigning and rejecting take them out', async () => {
    const contract = await topcvContract();
    const [first, second] = [await job('Kỹ sư cầu đường'), await job('Kỹ sư cầu đường (H/F)')];
    const near = await job('Kỹ sư phần mềm Java');
    await job('Closed job title', undefined);
    const before = (await pendingPool()).length;
    await post(
      contract.webhookUrl,
      topcvDelivery(
        SECRET,
        application('Kỹ sư cầu đường', { name: 'Lê Thị Ambiguous', email: 'ambiguous@example.vn' }),
      ),
    );
    await post(
      contract.webhookUrl,
      topcvDelivery(SECRET, application('Kỹ sư phần mềm', { name: 'Phạm Nobody', email: 'nobody@example.vn' })),
    );
    await post(contract.webhookUrl, topcvDelivery(SECRET, application(null, { name: 'Võ Untitled' })));
    await eventually(async () => (await pendingPool()).length === before + 3);
    const pool = await pendingPool();
    const ambiguous = pool.find((entry: any) => entry.candidate.name === 'Lê Thị Ambiguous');
    expect(ambiguous).toMatchObject({
      status: 'PENDING',
      stage: null,
      job: null,
      pendingReason: '2 open jobs are titled "Kỹ sư cầu đường".',
    });
    expect(ambiguous.suggestedJobs.map((suggestion: { id: string }) => suggestion.id).sort()).toEqual(
      [first, second].sort(),
    );
    const nobody = pool.find((entry: any) => entry.candidate.name === 'Phạm Nobody');
    expect(nobody.pendingReason).toBe('No open job is titled "Kỹ sư phần mềm".');
    expect(nobody.suggestedJobs.map((suggestion: { id: string }) => suggestion.id)).toEqual([near]);
    expect(pool.find((entry: any) => entry.candidate.name === 'Võ Untitled').pendingReason).toMatch(
      /neither a posting nor a job title/,
    );

    const assigned = await gql(
      `mutation ($candidateId: ID!, $jobId: ID!) { assignPendingCandidate(candidateId: $candidateId, jobId: $jobId) { __typename ... on Application { status stage job { id } } ... on Error { message } } }`,
      { candidateId: ambiguous.candidate.id, jobId: second },
    );
    expect(assigned.assignPendingCandidate).toEqual({
      __typename: 'Application',
      status: 'ACTIVE',
      stage: 'Applied',
      job: { id: second },
    });
    const again = await gql(
      `mutation ($candidateId: ID!, $jobId: ID!) { assignPendingCandidate(candidateId: $candidateId, jobId: $jobId) { __typename ... on Error { message } } }`,
      { candidateId: ambiguous.candidate.id, jobId: second },
    );
    expect(again.assignPendingCandidate.__typename).toBe('NotPending');
    const rejected = await gql(
      `mutation ($id: ID!) { rejectPendingCandidate(candidateId: $id) { __typename ... on Candidate { applications(first: 5) { edges { node { status } } } } } }`,
      {
        id: nobody.candidate.id,
      },
    );
    expect(rejected.rejectPendingCandidate.applications.edges).toEqual([{ node: { status: 'REJECTED' } }]);
    const left = (await pendingPool()).map((entry: any) => entry.candidate.name);
    expect(left).not.toContain('Lê Thị Ambiguous');
    expect(left).not.toContain('Phạm Nobody');
    expect(left).toContain('Võ Untitled');

    const otherOrg = await server.tokenFor('pool-outsider');
    const foreign = await server.graphql(
      `mutation ($c: ID!, $j: ID!) { assignPendingCandidate(candidateId: $c, jobId: $j) { __typename } }`,
      {
        token: otherOrg,
        variables: { c: pool.find((entry: any) => entry.candidate.name === 'Võ Untitled').candidate.id, j: first },
      },
    );
    expect(foreign.body.data?.assignPendingCandidate).toEqual({ __typename: 'NotFoundError' });
  });

  test('the same application twice is one application; the same e-mail to another job is the same candidate', async () => {
    const contract = await topcvContract();
    const [a, b] = [await job('Nhân viên kho'), await job('Tài xế giao hàng')];
    const first = application('Nhân viên kho', { name: 'Đỗ Minh', email: 'minh@example.vn', phone: '+84 90 000 0001' });
    await post(contract.webhookUrl, topcvDelivery(SECRET, first));
    await post(contract.webhookUrl, topcvDelivery(SECRET, first));
    await post(
      contract.webhookUrl,
      topcvDelivery(SECRET, application('Tài xế giao hàng', { name: 'Đỗ Minh', email: 'MINH@example.vn' })),
    );
    await eventually(async () => (await applicationsOf(a)).length === 1 && (await applicationsOf(b)).length === 1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const [inA, inB] = [(await applicationsOf(a))[0], (await applicationsOf(b))[0]];
    expect((await applicationsOf(a)).length).toBe(1);
    expect(inA.candidate.id).toBe(inB.candidate.id);
    expect(inB.candidate.phone).toBe('+84 90 000 0001');
    const found = await gql(
      `{ candidates(first: 10, filter: { search: "minh@" }) { edges { node { id applications(first: 5) { edges { node { job { title } } } } } } } }`,
    );
    expect(found.candidates.edges).toHaveLength(1);
  });

  test('a CV of a refused type or size is left out; the candidate still arrives', async () => {
    const contract = await topcvContract();
    const jobId = await job('Bảo vệ');
    const exe = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(200, 1)]);
    const big = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(70 * 1024, 32)]);
    await post(contract.webhookUrl, topcvDelivery(SECRET, application('Bảo vệ', { name: 'Exe Sender' }, { cv: exe })));
    await post(contract.webhookUrl, topcvDelivery(SECRET, application('Bảo vệ', { name: 'Big Sender' }, { cv: big })));
    await eventually(async () => (await applicationsOf(jobId)).length === 2);
    const downloads = async () =>
      (
        await gql(
          `query ($id: ID!) { job(id: $id) { applications(first: 5) { edges { node { candidate { name cv { fileName } } cvDownload { status lastError } } } } } }`,
          { id: jobId },
        )
      ).job.applications.edges.map((edge: { node: any }) => edge.node);
    await eventually(async () => (await downloads()).every((entry: any) => entry.cvDownload.status === 'FAILED'));
    const byName = Object.fromEntries((await downloads()).map((entry: any) => [entry.candidate.name, entry]));
    expect(byName['Exe Sender']).toEqual({
      candidate: { name: 'Exe Sender', cv: null },
      cvDownload: {
        status: 'FAILED',
        lastError: 'The document is a EXE file; CVs must be PDF, DOC, DOCX, ODT, RTF or TXT.',
      },
    });
    expect(byName['Big Sender']).toEqual({
      candidate: { name: 'Big Sender', cv: null },
      cvDownload: { status: 'FAILED', lastError: `The CV is larger than ${64 * 1024} bytes.` },
    });
  });
});

describe('refused deliveries', () => {
  const count = () => server.app.db.prisma.webhookInbox.count();
  const metric = async (outcome: string) => {
    const text = await (await fetch(`${server.url}/metrics`)).text();
    const line = text
      .split('\n')
      .find((entry) => entry.startsWith('webhook_inbox_received_total{') && entry.includes(`outcome="${outcome}"`));
    return Number(line?.split(' ').pop() ?? 0);
  };

  test('bad signature 401, replay 401, unknown board or contract 404, too large 413, malformed 400: nothing stored, each counted', async () => {
    const contract = await topcvContract();
    const stored = await count();
    const body = application('Anything', { name: 'Forged' });
    const forged = topcvDelivery('not-the-secret', body);
    const replay = topcvDelivery(SECRET, body, { timestamp: Math.floor(Date.now() / 1000) - 3600 });
    const otherContract = contract.webhookUrl.replace(/[0-9a-f-]{36}$/, '00000000-0000-4000-8000-000000000000');
    const badSignatures = await metric('bad_signature');
    const cases: [string, SignedDelivery, number][] = [
      [contract.webhookUrl, forged, 401],
      [contract.webhookUrl, replay, 401],
      [contract.webhookUrl.replace('/topcv/', '/no-such-board/'), topcvDelivery(SECRET, body), 404],
      [contract.webhookUrl.replace('/topcv/', '/fjord-jobs/'), topcvDelivery(SECRET, body), 404],
      [otherContract, topcvDelivery(SECRET, body), 404],
      [`${server.url}/webhooks/topcv/not-a-uuid`, topcvDelivery(SECRET, body), 404],
      [
        contract.webhookUrl,
        topcvDelivery(SECRET, body, { rawBody: JSON.stringify({ ...body, padding: 'x'.repeat(300 * 1024) }) }),
        413,
      ],
      [
        contract.webhookUrl,
        topcvDelivery(SECRET, body, { rawBody: '{"event": "application.created", "data": {}}' }),
        400,
      ],
      [contract.webhookUrl, topcvDelivery(SECRET, body, { rawBody: 'not json' }), 400],
    ];
    for (const [url, delivery, status] of cases) {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...delivery.headers },
        body: delivery.body,
      });
      const text = await response.text();
      expect({ url, status: response.status }).toEqual({ url, status });
      expect(text).not.toContain(SECRET);
      expect(JSON.parse(text).error).toBeTruthy();
    }
    expect(await count()).toBe(stored);
    expect(await metric('bad_signature')).toBe(badSignatures + 1);
    expect(await metric('stale')).toBeGreaterThanOrEqual(1);
    expect(await metric('too_large')).toBeGreaterThanOrEqual(1);
    expect(server.logs.some((line) => line.includes('"outcome":"bad_signature"'))).toBe(true);
    expect(server.logs.join('\n')).not.toContain(SECRET);
    expect((await fetch(contract.webhookUrl)).status).toBe(405);
  });

  test('new credentials and a disconnection count from the next delivery, although a process keeps what it checked', async () => {
    const contract = await topcvContract();
    const status = async (secret: string) =>
      (
        await post(
          contract.webhookUrl,
          topcvDelivery(secret, application('Tài xế', { name: `Driver ${randomUUID()}` })),
        )
      ).status;
    expect(await status(SECRET)).toBe(202);
    const rotated = 'topcv-webhook-secret-rotated-2026';
    const updated = await gql(
      `mutation ($id: ID!, $input: UpdateContractInput!) { updateContract(id: $id, input: $input) {
        __typename ... on Contract { status } } }`,
      { id: contract.id, input: { credentials: { secretKey: rotated } } },
    );
    expect(updated.updateContract).toEqual({ __typename: 'Contract', status: 'ACTIVE' });
    expect([await status(SECRET), await status(rotated)]).toEqual([401, 202]);
    const disconnected = await gql(
      `mutation ($id: ID!) { disconnectContract(id: $id) { __typename ... on Contract { status } } }`,
      { id: contract.id },
    );
    expect(disconnected.disconnectContract.status).toBe('NOT_CONFIGURED');
    expect(await status(rotated)).toBe(404);
  });
});

describe('deliveries whose content cannot be stored', () => {
  test('a signed delivery with a NUL character, half a surrogate pair or an oversized name is taken (202) and set aside with its reason, for admins', async () => {
    const contract = await topcvContract();
    const stored = await server.app.db.prisma.candidate.count();
    const nul = await post(
      contract.webhookUrl,
      topcvDelivery(SECRET, application('Bảo vệ', { name: 'Nul\u0000Name' })),
    );
    const huge = await post(
      contract.webhookUrl,
      topcvDelivery(SECRET, application('Bảo vệ', { name: 'x'.repeat(200 * 1024) })),
    );
    // JSON can escape half of a surrogate pair ("\ud800"); PostgreSQL's JSON cannot hold it.
    const halfPair = await post(
      contract.webhookUrl,
      topcvDelivery(SECRET, application('Bảo vệ', { name: 'Half\ud800Pair' })),
    );
    // Answered once each: the board has no reason to send them again.
    expect([nul, huge, halfPair]).toEqual([
      { status: 202, attempts: 1 },
      { status: 202, attempts: 1 },
      { status: 202, attempts: 1 },
    ]);
    const read = async () =>
      (
        await gql(`query ($id: ID!) { contract(id: $id) { setAsideBoardEvents { deliveryId reason receivedAt } } }`, {
          id: contract.id,
        })
      ).contract.setAsideBoardEvents;
    expect((await read()).map((entry: { reason: string }) => entry.reason).sort()).toEqual([
      'a text holds half of a UTF-16 surrogate pair, which cannot be stored',
      'a text holds the NUL character (U+0000), which cannot be stored',
      'candidate.name: Too big: expected string to have <=300 characters',
    ]);
    await eventually(
      async () => (await server.app.db.prisma.webhookInbox.count({ where: { status: { not: 'DONE' } } })) === 0,
    );
    expect(await server.app.db.prisma.candidate.count()).toBe(stored);
    const recruiter = await server.tokenFor('candidates', 'RECRUITER');
    const refused = await server.graphql(`query ($id: ID!) { contract(id: $id) { setAsideBoardEvents { reason } } }`, {
      token: recruiter,
      variables: { id: contract.id },
    });
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('an inbox row that cannot be applied', () => {
  test('does not hold back the deliveries claimed with it: they are applied, it waits for its retry with the reason', async () => {
    const contract = await topcvContract();
    const contractId = contract.webhookUrl.split('/').pop()!;
    const { organizationId } = await server.app.db.prisma.contract.findUniqueOrThrow({ where: { id: contractId } });
    const emails = [1, 2, 3, 4].map((index) => `batch-${index}-${randomUUID().slice(0, 8)}@example.vn`);
    const applied = (email: string, index: number) => ({
      type: 'candidate.applied',
      applicationId: `batch-${email}`,
      jobTitle: `Batch job ${index}`,
      candidate: { name: `Batch ${index}`, email },
    });
    // One statement, so one claim takes them together: a row an older version wrote in a shape this one cannot read
    // among four it can.
    const rows = [
      ...emails.map((email, index) => [applied(email, index)]),
      [{ type: 'candidate.applied', candidate: { name: 'No application id' } }],
    ].map((events, index) => ({
      organizationId,
      contractId,
      boardId: 'topcv',
      deliveryId: `batch-${index}-${randomUUID()}`,
      events,
    }));
    await server.app.db.prisma.webhookInbox.createMany({ data: rows });
    await eventually(async () => {
      const pool = await pendingPool();
      return emails.every((email) => pool.some((entry: any) => entry.candidate.email === email));
    });
    const unreadable = () =>
      server.app.db.prisma.webhookInbox.findFirstOrThrow({ where: { deliveryId: rows[4]!.deliveryId } });
    await eventually(async () => (await unreadable()).lastError !== null);
    const row = await unreadable();
    expect(row.status).not.toBe('DONE');
    expect(row.lastError).toMatch(/applicationId/);
    const done = await server.app.db.prisma.webhookInbox.count({
      where: { deliveryId: { in: rows.slice(0, 4).map((entry) => entry.deliveryId) }, status: 'DONE' },
    });
    expect(done).toBe(4);
  });

  test('the same application in two deliveries claimed together is one application, with or without an e-mail', async () => {
    const contract = await topcvContract();
    const contractId = contract.webhookUrl.split('/').pop()!;
    const { organizationId } = await server.app.db.prisma.contract.findUniqueOrThrow({ where: { id: contractId } });
    const tag = randomUUID().slice(0, 8);
    const withEmail = {
      type: 'candidate.applied',
      applicationId: `twice-${tag}-a`,
      candidate: { name: `Twice ${tag}`, email: `twice-${tag}@example.vn` },
    };
    const withoutEmail = {
      type: 'candidate.applied',
      applicationId: `twice-${tag}-b`,
      candidate: { name: `Nameless ${tag}` },
    };
    const rows = [withEmail, withEmail, withoutEmail, withoutEmail].map((event, index) => ({
      organizationId,
      contractId,
      boardId: 'topcv',
      deliveryId: `twice-${tag}-${index}`,
      events: [event],
    }));
    await server.app.db.prisma.webhookInbox.createMany({ data: rows });
    const done = () =>
      server.app.db.prisma.webhookInbox.count({
        where: { deliveryId: { startsWith: `twice-${tag}` }, status: 'DONE' },
      });
    await eventually(async () => (await done()) === 4);
    const applications = await server.app.db.prisma.application.findMany({
      where: { contractId, boardApplicationId: { startsWith: `twice-${tag}` } },
      select: { boardApplicationId: true, candidateId: true },
    });
    expect(applications.map((application) => application.boardApplicationId).sort()).toEqual([
      `twice-${tag}-a`,
      `twice-${tag}-b`,
    ]);
    const candidates = await server.app.db.prisma.candidate.findMany({
      where: { name: { in: [`Twice ${tag}`, `Nameless ${tag}`] } },
      select: { id: true },
    });
    expect(candidates.map((candidate) => candidate.id).sort()).toEqual(
      applications.map((application) => application.candidateId).sort(),
    );
  });
});

describe('erasure', () => {
  test('deleteCandidate leaves no personal field in any table, and no document bytes', async () => {
    const contract = await topcvContract();
    const jobId = await job('Đầu bếp');
    const person = { name: 'Hoàng Erasable', email: 'erasable.person@example.vn', phone: '+84 91 777 6655' };
    const cv = Buffer.from(`%PDF-1.4\n% CV of ${person.name}\n%%EOF\n`);
    await post(contract.webhookUrl, topcvDelivery(SECRET, application('Đầu bếp', person, { cv })));
    await post(contract.webhookUrl, topcvDelivery(SECRET, application('Something unmatched', person)));
    await eventually(async () => (await applicationsOf(jobId)).length === 1);
    const candidateId = (await applicationsOf(jobId))[0].candidate.id;
    await eventually(
      async () =>
        (
          await gql(`query ($id: ID!) { candidate(id: $id) { applications(first: 5) { edges { node { id } } } } }`, {
            id: candidateId,
          })
        ).candidate.applications.edges.length === 2,
    );
    await eventually(
      async () =>
        (await gql(`query ($id: ID!) { candidate(id: $id) { cv { fileName } } }`, { id: candidateId })).candidate.cv !==
        null,
    );
    const documentsDir = path.join(server.dataDir, 'documents');
    const filesBefore = await listFiles(documentsDir);

    const needles = [person.name, person.email, person.phone, 'Erasable'];
    expect(await tablesContaining(needles)).not.toEqual([]);
    const deleted = await gql(
      `mutation ($id: ID!) { deleteCandidate(id: $id) { __typename ... on DeletedCandidate { id applications documents } } }`,
      { id: candidateId },
    );
    expect(deleted.deleteCandidate).toEqual({
      __typename: 'DeletedCandidate',
      id: candidateId,
      applications: 2,
      documents: 1,
    });
    expect(await tablesContaining(needles)).toEqual([]);
    expect((await listFiles(documentsDir)).length).toBe(filesBefore.length - 1);
    const inbox = await server.app.db.prisma.webhookInbox.findMany({
      where: { contractId: contract.webhookUrl.split('/').pop()! },
    });
    expect(inbox.map((row) => row.status)).toEqual(['DONE', 'DONE']);
    expect((await gql(`query ($id: ID!) { candidate(id: $id) { id } }`, { id: candidateId })).candidate).toBeNull();
  });
});

async function listFiles(directory: string): Promise<string[]> {
  try {
    return (await readdir(directory, { recursive: true, withFileTypes: true }))
      .filter((entry) => entry.isFile())
      .map((entry) => entry.name);
  } catch {
    return [];
  }
}

/** Every table.column whose text contains one of the needles (case-insensitive). */
async function tablesContaining(needles: string[]): Promise<string[]> {
  const prisma = server.app.db.prisma;
  const columns = await prisma.$queryRawUnsafe<{ table_name: string; column_name: string }[]>(
    `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public' AND data_type IN ('text', 'character varying', 'character', 'jsonb', 'json', 'ARRAY')`,
  );
  const found: string[] = [];
  for (const { table_name, column_name } of columns) {
    for (const needle of needles) {
      const [row] = await prisma.$queryRawUnsafe<{ n: bigint }[]>(
        `SELECT count(*) AS n FROM "${table_name}" WHERE "${column_name}"::text ILIKE $1`,
        `%${needle}%`,
      );
      if (Number(row!.n) > 0) found.push(`${table_name}.${column_name} ∋ ${needle}`);
    }
  }
  return found;
}
