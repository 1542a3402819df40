import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { sendWebhook } from '@multiposting/plugin-sdk/simulator';
import { startTopcvSimulator, TOPCV_EMPLOYERS, topcvDelivery, vietnamTime } from './simulator.ts';
import { eventually, startTestServer, subscribe, type TestServer } from '../../../test/support/server.ts';
import { createJobId, graphqlAs } from '../../../test/support/graphql.ts';

const [accessToken, employer] = Object.entries(TOPCV_EMPLOYERS)[0]!;
const [otherToken] = Object.entries(TOPCV_EMPLOYERS)[1]!;
let topcv: Awaited<ReturnType<typeof startTopcvSimulator>>;
let server: TestServer;
let token: string;
let contract: { id: string; webhookUrl: string };

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
const DESCRIPTION = '<p>Tìm kiếm khách hàng doanh nghiệp, tư vấn giải pháp và chăm sóc khách hàng sau bán hàng.</p>';

beforeAll(async () => {
  topcv = await startTopcvSimulator();
  server = await startTestServer({
    env: { BOARD_BASE_URLS: `topcv=${topcv.url}`, WORKER_POLL_MS: '50', STATUS_POLL_BASE_MS: '600000' },
  });
  token = await server.tokenFor('topcv');
  const data = await gql(
    `mutation ($input: ConnectTopcvInput!) { connectTopcv(input: $input) { ... on Contract { id webhookUrl status } } }`,
    {
      input: {
        environment: 'PRODUCTION',
        credits: 20,
        credentials: { employerApiKey: accessToken, secretKey: employer.secretKey },
      },
    },
  );
  contract = data.connectTopcv;
  expect(data.connectTopcv.status).toBe('ACTIVE');
  // What the recruiter does with the webhook URL the contract shows: paste it into TopCV's integration settings.
  const pasted = await fetch(`${topcv.url}/api/v1/employer/webhook`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ url: contract.webhookUrl }),
  });
  expect(pasted.status).toBe(200);
});
afterAll(async () => {
  await server?.stop();
  await topcv?.close();
});

const gql = graphqlAs(
  () => server,
  () => token,
);

async function job(title = 'Nhân viên kinh doanh', extra: Record<string, unknown> = {}) {
  return createJobId(gql, {
    title,
    description: DESCRIPTION,
    location: { city: 'Hà Nội', countryCode: 'VN' },
    salary: { min: '12000000', max: '18000000', currency: 'VND', period: 'MONTH' },
    ...extra,
  });
}

const POSTING = 'id status externalId rejectionReason boardFields events { to message }';
const publish = async (jobId: string, boardFields: Record<string, unknown>) =>
  (
    await gql(
      `mutation ($input: PublishPostingInput!) { publishPosting(input: $input) { __typename ... on Posting { ${POSTING} } ... on ValidationError { fieldErrors { path message } } } }`,
      {
        input: { jobId, contractId: contract.id, boardFields },
      },
    )
  ).publishPosting;
const read = async (id: string) =>
  (await gql(`query ($id: ID!) { posting(id: $id) { ${POSTING} contract { credits { used } } } }`, { id })).posting;
const until = async (id: string, status: string) => {
  await eventually(async () => (await read(id)).status === status, 15_000, `posting to be ${status}`);
  return read(id);
};

describe('posting to TopCV', () => {
  test("fields are pre-filled from the job, the board's own are validated with their paths, nothing is stored on refusal", async () => {
    const jobId = await job();
    const missing = await publish(jobId, {});
    expect(missing.__typename).toBe('ValidationError');
    expect(missing.fieldErrors.map((error: { path: string[] }) => error.path.join('.'))).toEqual([
      'boardFields.job_family_category',
    ]);
    const wrong = await publish(jobId, {
      job_family_category: 'ASTROLOGY',
      locations: [{ province_id: 'VN-99' }, { province_id: 'VN-HN' }],
      salary_type: 1,
      salary_from: 20_000_000,
      salary_to: 10_000_000,
      deadline: inDays(-1),
    });
    expect(wrong.fieldErrors.map((error: { path: string[] }) => error.path.join('.')).sort()).toEqual(
      ['boardFields.deadline', 'boardFields.job_family_category', 'boardFields.locations.0.province_id'].sort(),
    );
    // The salary range is checked once the fields themselves are valid.
    const range = await publish(jobId, {
      job_family_category: 'SALES',
      salary_type: 1,
      salary_from: 20_000_000,
      salary_to: 10_000_000,
    });
    expect(range.fieldErrors).toEqual([
      { path: ['boardFields', 'salary_to'], message: 'must not be below salary_from' },
    ]);
    const { job: stored } = await gql(
      `query ($id: ID!) { job(id: $id) { postings(first: 5) { edges { node { id } } } } }`,
      { id: jobId },
    );
    expect(stored.postings.edges).toEqual([]);

    const posting = await publish(jobId, { job_family_category: 'SALES', job_benefit: '<p>Thưởng quý.</p>' });
    expect(posting.boardFields).toMatchObject({
      job_family_category: 'SALES',
      employee_level: 'STAFF',
      experience: 'none',
      locations: [{ province_id: 'VN-HN' }],
      salary_type: 1,
      salary_from: 12_000_000,
      salary_to: 18_000_000,
      quantity: 1,
    });
    const pending = await until(posting.id, 'PENDING_REVIEW');
    // The wire format: the job under TopCV's own field names.
    expect(topcv.jobs.get(Number(pending.externalId))).toEqual({
      id: Number(pending.externalId),
      employerId: employer.id,
      title: 'Nhân viên kinh doanh',
      status: 'reviewing',
      body: {
        title: 'Nhân viên kinh doanh',
        job_description: DESCRIPTION,
        job_benefit: '<p>Thưởng quý.</p>',
        job_family_category: ['SALES'],
        employee_level: 'STAFF',
        experience: 'none',
        salary_type: 1,
        salary_from: 12_000_000,
        salary_to: 18_000_000,
        salary_currency: 'VND',
        quantity: 1,
        locations: [{ province_id: 'VN-HN' }],
        deadline: inDays(30),
      },
    });
  });

  test('approval and rejection arrive by webhook, live on TopcvPostingReviewed and postingReviewed', async () => {
    const client = server.wsClient({ authorization: `Bearer ${token}` });
    const board = subscribe(client, 'subscription { topcvPostingReviewed { approved reason posting { id } } }');
    const all = subscribe(
      client,
      'subscription { postingReviewed(boardId: "topcv") { approved reason posting { id status } } }',
    );
    await Promise.all([board.ready, all.ready]);
    const [approvedOne, rejectedOne] = [
      await publish(await job('Kế toán trưởng'), { job_family_category: 'ACCOUNTING' }),
      await publish(await job('Chuyên viên tuyển dụng'), { job_family_category: 'HUMAN_RESOURCES' }),
    ];
    const [a, r] = [await until(approvedOne.id, 'PENDING_REVIEW'), await until(rejectedOne.id, 'PENDING_REVIEW')];
    // Deliveries for different postings may be applied in any order; the second review waits for the first event.
    expect((await topcv.review(Number(a.externalId), true))?.status).toBe(202);
    await Promise.all([board.waitFor(1), all.waitFor(1)]);
    expect((await topcv.review(Number(r.externalId), false, 'Thiếu thông tin phúc lợi.'))?.status).toBe(202);
    await board.waitFor(2);
    await all.waitFor(2);
    expect(board.received.map((event) => event.data!.topcvPostingReviewed)).toEqual([
      { approved: true, reason: null, posting: { id: approvedOne.id } },
      { approved: false, reason: 'Thiếu thông tin phúc lợi.', posting: { id: rejectedOne.id } },
    ]);
    expect(all.received.map((event) => event.data!.postingReviewed.posting.status)).toEqual(['PUBLISHED', 'REJECTED']);
    expect((await read(rejectedOne.id)).rejectionReason).toBe('Thiếu thông tin phúc lợi.');
    expect((await read(approvedOne.id)).contract.credits.used).toBeGreaterThanOrEqual(2);
  });

  test('an update goes back to review without visiting TopCV; a withdrawal closes it there; an expiry comes by webhook', async () => {
    const posting = await publish(await job('Lập trình viên Java'), {
      job_family_category: 'IT_SOFTWARE',
      employee_level: 'TEAM_LEAD',
      locations: [{ province_id: 'VN-SG' }, { province_id: 'VN-HN' }],
    });
    const externalId = Number((await until(posting.id, 'PENDING_REVIEW')).externalId);
    await topcv.review(externalId, true);
    await until(posting.id, 'PUBLISHED');

    const updated = (
      await gql(
        `mutation ($id: ID!, $fields: JSON) { updatePosting(id: $id, boardFields: $fields) { ... on Posting { status } } }`,
        {
          id: posting.id,
          fields: { locations: [{ province_id: 'VN-DN' }] },
        },
      )
    ).updatePosting;
    expect(updated.status).toBe('UPDATE_QUEUED');
    await until(posting.id, 'PENDING_REVIEW');
    expect(topcv.jobs.get(externalId)).toMatchObject({
      status: 'reviewing',
      body: { locations: [{ province_id: 'VN-DN' }], employee_level: 'TEAM_LEAD' },
    });
    await topcv.review(externalId, true);
    await until(posting.id, 'PUBLISHED');

    await gql(`mutation ($id: ID!) { withdrawPosting(id: $id) { ... on Posting { id } } }`, { id: posting.id });
    await until(posting.id, 'WITHDRAWN');
    expect(topcv.jobs.get(externalId)!.status).toBe('stopped');

    const expiring = await publish(await job('Tài xế xe tải'), { job_family_category: 'TRANSPORT' });
    const expiringId = Number((await until(expiring.id, 'PENDING_REVIEW')).externalId);
    await topcv.review(expiringId, true);
    await until(expiring.id, 'PUBLISHED');
    expect((await topcv.expire(expiringId))?.status).toBe(202);
    const expired = await until(expiring.id, 'EXPIRED');
    expect(expired.events.at(-1)).toEqual({ to: 'EXPIRED', message: 'Expired on TopCV.' });
  });

  test("a job posted directly on TopCV is linked by its id after checking it is the employer's; another employer's is not found", async () => {
    const direct = topcv.createDirectly(accessToken, 'Nhân viên kho');
    const foreign = topcv.createDirectly(otherToken, 'Nhân viên kho');
    const jobId = await job('Nhân viên kho');
    const link = async (externalId: string) =>
      (
        await gql(
          `mutation ($jobId: ID!, $contractId: ID!, $externalId: String!) { linkExistingPosting(jobId: $jobId, contractId: $contractId, externalId: $externalId) { __typename ... on Posting { ${POSTING} contract { credits { used } } } ... on Error { message } } }`,
          {
            jobId,
            contractId: contract.id,
            externalId,
          },
        )
      ).linkExistingPosting;
    const before = (await gql(`query ($id: ID!) { contract(id: $id) { credits { used } } }`, { id: contract.id }))
      .contract.credits.used;
    expect((await link(String(foreign.id))).__typename).toBe('NotFoundError');
    expect((await link('not-a-topcv-id')).__typename).toBe('NotFoundError');
    const linked = await link(String(direct.id));
    expect(linked).toMatchObject({ __typename: 'Posting', status: 'PUBLISHED', externalId: String(direct.id) });
    expect(linked.contract.credits.used).toBe(before);

    // An application to the linked posting lands in the first stage of its job.
    expect(
      (await topcv.apply(accessToken, direct.id, { name: 'Trịnh Văn Kho', email: 'kho.linked@example.vn' }))?.status,
    ).toBe(202);
    await eventually(
      async () =>
        (
          await gql(`query ($id: ID!) { job(id: $id) { applications(first: 5) { edges { node { stage } } } } }`, {
            id: jobId,
          })
        ).job.applications.edges.length === 1,
    );
  });

  test("the simulator's HTTP controls drive it without code: a moderator's refusal, an application with its CV", async () => {
    const post = (path: string, body: unknown) =>
      fetch(`${topcv.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const jobId = await job('Thủ quỹ');
    const posting = await publish(jobId, { job_family_category: 'ACCOUNTING' });
    const pending = await until(posting.id, 'PENDING_REVIEW');
    const review = await post(`/_simulator/jobs/${pending.externalId}/review`, {
      approved: false,
      reason: 'Thiếu mô tả phúc lợi.',
    });
    expect(await review.json()).toEqual({ status: 'rejected', webhook: 202 });
    expect((await until(posting.id, 'REJECTED')).rejectionReason).toBe('Thiếu mô tả phúc lợi.');

    const applied = await post('/_simulator/applications', {
      employerApiKey: accessToken,
      title: 'Thủ quỹ',
      name: 'Đinh Thị Quỹ',
      email: 'quy@example.vn',
      cv: 'Đinh Thị Quỹ\nThủ quỹ, 5 năm kinh nghiệm.\n',
    });
    expect((await applied.json()).webhook).toBe(202);
    const cvOf = async () =>
      (
        await gql(
          `query ($id: ID!) { job(id: $id) { applications(first: 5) { edges { node { candidate { name cv { contentType } } } } } } }`,
          { id: jobId },
        )
      ).job.applications.edges[0]?.node.candidate;
    await eventually(
      async () => {
        const application = await cvOf();
        return application !== undefined && application.cv !== null;
      },
      15_000,
      'the CV',
    );
    expect(await cvOf()).toEqual({ name: 'Đinh Thị Quỹ', cv: { contentType: 'text/plain; charset=utf-8' } });
    expect((await post('/_simulator/applications', {})).status).toBe(422);
  });

  test("the contract's log lists each posted job with its state and events", async () => {
    const { contract: log } = await gql(
      `query ($id: ID!) { contract(id: $id) { postings(first: 20) { edges { node { status job { title } events { to } } } } } }`,
      { id: contract.id },
    );
    const byTitle = new Map<string, string[]>(
      log.postings.edges.map((edge: any) => [edge.node.job.title, [edge.node.status]]),
    );
    expect(byTitle.get('Kế toán trưởng')).toEqual(['PUBLISHED']);
    expect(byTitle.get('Chuyên viên tuyển dụng')).toEqual(['REJECTED']);
    expect(byTitle.get('Lập trình viên Java')).toEqual(['WITHDRAWN']);
    expect(byTitle.get('Tài xế xe tải')).toEqual(['EXPIRED']);
  });

  test("disconnecting returns the contract to NOT_CONFIGURED, erases the keys, and TopCV's webhooks are then refused", async () => {
    const connected = await gql(
      `mutation ($input: ConnectTopcvInput!) { connectTopcv(input: $input) { ... on Contract { id webhookUrl } } }`,
      {
        input: {
          environment: 'PRODUCTION',
          credentials: { employerApiKey: otherToken, secretKey: TOPCV_EMPLOYERS[otherToken]!.secretKey },
        },
      },
    );
    const other = connected.connectTopcv;
    topcv.setWebhookUrl(otherToken, other.webhookUrl);
    const direct = topcv.createDirectly(otherToken, 'Bảo vệ');
    const { disconnectContract } = await gql(
      `mutation ($id: ID!) { disconnectContract(id: $id) { ... on Contract { status credentialFields { key hint } } } }`,
      { id: other.id },
    );
    expect(disconnectContract.status).toBe('NOT_CONFIGURED');
    expect(disconnectContract.credentialFields.every((field: { hint: string | null }) => field.hint === null)).toBe(
      true,
    );
    expect((await topcv.apply(otherToken, direct.id, { name: 'Không Ai' }))?.status).toBe(404);
  });
});

describe("applications in TopCV's shape, the CV behind a one-time link", () => {
  const APPLICATIONS = `query ($id: ID!) { job(id: $id) { applications(first: 5) { edges { node {
    boardApplicationId appliedAt candidate { name email phone cv { fileName contentType size } }
    cvDownload { status attempts lastError } } } } } }`;
  const applications = async (jobId: string) =>
    (await gql(APPLICATIONS, { id: jobId })).job.applications.edges.map((edge: { node: any }) => edge.node);
  const PDF = Buffer.from('%PDF-1.4\n% CV of Lê Thị Hồng\n%%EOF\n');

  test('the candidate arrives at once; the worker fetches the CV once, retrying while TopCV fails; a repeated delivery adds nothing', async () => {
    const direct = topcv.createDirectly(accessToken, 'Nhân viên bán hàng');
    const jobId = await job('Nhân viên bán hàng');
    const linked = await gql(
      `mutation ($jobId: ID!, $contractId: ID!, $externalId: String!) { linkExistingPosting(jobId: $jobId, contractId: $contractId, externalId: $externalId) { __typename } }`,
      { jobId, contractId: contract.id, externalId: String(direct.id) },
    );
    expect(linked.linkExistingPosting.__typename).toBe('Posting');

    // TopCV's CV host fails twice before it serves the CV.
    topcv.inject({ type: 'error', status: 503 }, { times: 2, pathPrefix: '/api/v1/cv-management/' });
    const served = topcv.downloads.served;
    const delivery = await topcv.apply(
      accessToken,
      direct.id,
      { name: 'Lê Thị Hồng', email: 'hong@example.vn', phone: '0912 345 678' },
      { cv: PDF },
    );
    expect(delivery.status).toBe(202);
    // The wire format: TopCV's application body, as public integrations show it.
    const posted = topcv.applications.at(-1)!;
    expect(Object.keys(posted).sort()).toEqual(
      [
        'apply_at',
        'candidate_email',
        'candidate_name',
        'candidate_phone',
        'download_url',
        'job_id',
        'job_title',
      ].sort(),
    );
    expect(posted.apply_at).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    expect(posted.download_url).toMatch(/\/api\/v1\/cv-management\/onetime-download\?token=[0-9a-f]{32}$/);

    await eventually(async () => (await applications(jobId))[0]?.cvDownload?.status === 'DONE', 15_000, 'the CV');
    const [application] = await applications(jobId);
    expect(application).toMatchObject({
      candidate: {
        name: 'Lê Thị Hồng',
        email: 'hong@example.vn',
        phone: '0912 345 678',
        cv: { fileName: 'CV Lê Thị Hồng', contentType: 'application/pdf', size: PDF.length },
      },
      cvDownload: { status: 'DONE', attempts: 3, lastError: null },
    });
    expect(new Date(application.appliedAt).getTime()).toBe(
      new Date(`${posted.apply_at.replace(' ', 'T')}+07:00`).getTime(),
    );
    expect(topcv.downloads.served).toBe(served + 1);

    // TopCV delivers the same application again (another delivery id): still one application, no second download.
    const again = await sendWebhook(
      contract.webhookUrl,
      topcvDelivery(employer.secretKey, { ...posted, download_url: topcv.hostCv(PDF) }),
    );
    expect(again.status).toBe(202);
    await eventually(
      async () => (await server.app.db.prisma.webhookInbox.count({ where: { status: { not: 'DONE' } } })) === 0,
      10_000,
      'the repeated delivery to be applied',
    );
    expect(await applications(jobId)).toHaveLength(1);
    expect(topcv.downloads.served).toBe(served + 1);
  });

  test('a link that has expired (410) is given up at once: the candidate stays, and the application says why', async () => {
    const jobId = await job('Thu ngân');
    const link = topcv.hostCv(PDF);
    await fetch(link); // Someone used the one-time link first.
    const delivery = await sendWebhook(
      contract.webhookUrl,
      topcvDelivery(employer.secretKey, {
        job_title: 'Thu ngân',
        apply_at: vietnamTime(),
        candidate_name: 'Phan Văn Muộn',
        candidate_email: 'muon@example.vn',
        download_url: link,
      }),
    );
    expect(delivery.status).toBe(202);
    await eventually(
      async () => (await applications(jobId))[0]?.cvDownload?.status === 'FAILED',
      15_000,
      'the give-up',
    );
    expect((await applications(jobId))[0]).toMatchObject({
      candidate: { name: 'Phan Văn Muộn', cv: null },
      cvDownload: {
        status: 'FAILED',
        attempts: 1,
        lastError: "The board's CV link has expired or was already used (HTTP 410).",
      },
    });
    // The link is not kept anywhere once used.
    const rows = await server.app.db.prisma.documentDownload.findMany({ select: { url: true, status: true } });
    expect(rows.filter((row) => row.status !== 'PENDING').every((row) => row.url === '')).toBe(true);
  });
});
