import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Keyring } from '../../src/core/crypto.ts';
import { rotateCredentialKeys } from '../../src/core/contracts/key-rotation.ts';
import { FRANCE_TRAVAIL_CLIENTS, startFranceTravailSimulator } from '../../src/plugins/france-travail/simulator.ts';
import { WAREHOUSE_FIELDS } from '../../src/plugins/le-forem/sample-posting.ts';
import { LE_FOREM_PARTNERS, startLeForemSimulator } from '../../src/plugins/le-forem/simulator.ts';
import { startTopcvSimulator, topcvDelivery, TOPCV_EMPLOYERS, vietnamTime } from '../../src/plugins/topcv/simulator.ts';
import { sendWebhook } from '@multiposting/plugin-sdk/simulator';
import { eventually, startTestServer, subscribe, type TestServer } from '../support/server.ts';

/**
 * A full lifecycle on every built-in board with secret credentials (connect, verify, publish, review, webhooks,
 * refused credentials, key rotation, disconnect), then every secret value used is looked for in every HTTP answer,
 * every WebSocket message, every log line (at trace level), /metrics and every column of every table.
 */

const NEW_KEY = randomBytes(32);
const OLD_KEY = randomBytes(32);
let topcv: Awaited<ReturnType<typeof startTopcvSimulator>>;
let franceTravail: Awaited<ReturnType<typeof startFranceTravailSimulator>>;
let leForem: Awaited<ReturnType<typeof startLeForemSimulator>>;
let server: TestServer;
let token: string;
const answers: string[] = [];
/** Secret credential values sent to the API, per board (filled from the boards' own descriptors). */
const sent = new Map<string, Set<string>>();
let secretFields: Map<string, string[]>;

beforeAll(async () => {
  [topcv, franceTravail, leForem] = await Promise.all([
    startTopcvSimulator(),
    startFranceTravailSimulator({ environment: 'PRODUCTION', moderationDelayMs: 100 }),
    startLeForemSimulator({ environment: 'ACCEPTANCE', auditDelayMs: 100 }),
  ]);
  server = await startTestServer({
    env: {
      LOG_LEVEL: 'trace',
      ENCRYPTION_KEYS: `new:${NEW_KEY.toString('base64')},old:${OLD_KEY.toString('base64')}`,
      BOARD_BASE_URLS: `topcv=${topcv.url},france-travail:PRODUCTION=${franceTravail.url},le-forem:ACCEPTANCE=${leForem.url}`,
      WORKER_POLL_MS: '50',
      STATUS_POLL_BASE_MS: '200',
    },
  });
  token = await server.tokenFor('secrets');
  const boards = await gql(`{ boards { id credentialFields { key secret } } }`);
  secretFields = new Map(
    boards.boards.map((board: { id: string; credentialFields: { key: string; secret: boolean }[] }) => [
      board.id,
      board.credentialFields.filter((field) => field.secret).map((field) => field.key),
    ]),
  );
});
afterAll(async () => {
  await server?.stop();
  await Promise.all([topcv?.close(), franceTravail?.close(), leForem?.close()]);
});

async function gql<Data = Record<string, any>>(query: string, variables?: Record<string, unknown>) {
  const response = await server.graphql<Data>(query, { token, variables });
  answers.push(JSON.stringify(response.body));
  expect(response.body.errors, query).toBeUndefined();
  return response.body.data!;
}

/** Records the secret values of `credentials` for the board, as its descriptors flag them. */
function remember(board: string, credentials: Record<string, unknown>) {
  const values = sent.get(board) ?? new Set<string>();
  for (const key of secretFields.get(board) ?? [])
    if (typeof credentials[key] === 'string') values.add(credentials[key] as string);
  sent.set(board, values);
  return credentials;
}

const CONTRACT =
  '__typename ... on Contract { id status statusReason credentialFields { key configured hint } history(first: 20) { edges { node { type changes { field from to } } } } } ... on Error { message }';
const VALIDATED = `${CONTRACT} ... on ValidationError { fieldErrors { path message } }`;

async function lifecycle(
  board: string,
  connect: { mutation: string; input: Record<string, unknown> },
  wrong: Record<string, unknown>,
  job: Record<string, unknown>,
  boardFields: Record<string, unknown>,
  afterPublish?: (externalId: string, secret: Record<string, unknown>) => Promise<void>,
) {
  const credentials = remember(board, connect.input.credentials as Record<string, unknown>);
  const inputType = `${connect.mutation.charAt(0).toUpperCase()}${connect.mutation.slice(1)}Input`;
  const contract = (
    await gql(`mutation ($input: ${inputType}!) { ${connect.mutation}(input: $input) { ${VALIDATED} } }`, {
      input: connect.input,
    })
  )[connect.mutation];
  expect(contract.status, board).toBe('ACTIVE');
  expect(
    (await gql(`mutation ($id: ID!) { verifyContract(id: $id) { ${CONTRACT} } }`, { id: contract.id })).verifyContract
      .status,
  ).toBe('ACTIVE');

  const jobId = (
    await gql(`mutation ($input: CreateJobInput!) { createJob(input: $input) { ... on Job { id } } }`, { input: job })
  ).createJob.id;
  const posting = (
    await gql(
      `mutation ($input: PublishPostingInput!) { publishPosting(input: $input) { __typename ... on Posting { id } ... on ValidationError { fieldErrors { path message } } } }`,
      {
        input: { jobId, contractId: contract.id, boardFields },
      },
    )
  ).publishPosting;
  expect(posting.__typename, JSON.stringify(posting)).toBe('Posting');
  const read = async () =>
    (await gql(`query ($id: ID!) { posting(id: $id) { status externalId events { to message } } }`, { id: posting.id }))
      .posting;
  await eventually(
    async () => ['PENDING_REVIEW', 'PUBLISHED'].includes((await read()).status),
    20_000,
    `${board} posting delivered`,
  );
  await afterPublish?.((await read()).externalId, credentials);
  await eventually(async () => (await read()).status === 'PUBLISHED', 20_000, `${board} posting published`).catch(
    async (error) => {
      throw new Error(
        `${(error as Error).message}: ${JSON.stringify(await read())}\n${server.logs.filter((line) => /"level":(40|50)/.test(line)).join('\n')}`,
      );
    },
  );

  // Credentials the board refuses, then the right ones again.
  remember(board, wrong);
  const refused = (
    await gql(
      `mutation ($id: ID!, $input: UpdateContractInput!) { updateContract(id: $id, input: $input) { ${VALIDATED} } }`,
      { id: contract.id, input: { credentials: wrong } },
    )
  ).updateContract;
  expect(refused.status, board).toBe('INVALID_CREDENTIALS');
  const restored = (
    await gql(
      `mutation ($id: ID!, $input: UpdateContractInput!) { updateContract(id: $id, input: $input) { ${VALIDATED} } }`,
      { id: contract.id, input: { credentials } },
    )
  ).updateContract;
  expect(restored.status, board).toBe('ACTIVE');

  await gql(`mutation ($id: ID!) { withdrawPosting(id: $id) { __typename } }`, { id: posting.id });
  await eventually(async () => (await read()).status === 'WITHDRAWN', 20_000, `${board} posting withdrawn`);
  return contract.id as string;
}

describe("secrets across every built-in board's lifecycle", () => {
  test('never appear in an answer, a WebSocket message, a log line, /metrics or a database column', async () => {
    const client = server.wsClient({ authorization: `Bearer ${token}` });
    const streams = [
      'subscription { postingStatusChanged { from to posting { id lastError rejectionReason events { message } } } }',
      'subscription { contractStatusChanged { from to reason contract { id statusReason credentialFields { key hint } } } }',
      'subscription { postingReviewed { approved reason } }',
      'subscription { candidateReceived { application { id } } }',
    ].map((query) => subscribe(client, query));
    await Promise.all(streams.map((stream) => stream.ready));

    // An event endpoint whose signing secret is looked for too; the answer that shows it once is not scanned.
    let endpointSecret = '';
    const verified: string[] = [];
    let forged = 0;
    const receiver = createServer(async (request, response) => {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      try {
        verified.push(
          (
            new Webhook(endpointSecret).verify(
              Buffer.concat(chunks).toString('utf8'),
              request.headers as Record<string, string>,
            ) as { data: { to: string } }
          ).data.to,
        );
        response.writeHead(204).end();
      } catch {
        forged += 1;
        response.writeHead(400).end();
      }
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const created = await server.graphql(
      `mutation ($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { ... on CreateWebhookEndpointPayload { secret } } }`,
      {
        token,
        variables: {
          input: {
            url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/`,
            eventTypes: ['CONTRACT_STATUS_CHANGED'],
          },
        },
      },
    );
    endpointSecret = created.body.data!.createWebhookEndpoint.secret;
    sent.set('event endpoint', new Set([endpointSecret]));

    const [topcvKey, employer] = Object.entries(TOPCV_EMPLOYERS)[0]!;
    const topcvContract = await lifecycle(
      'topcv',
      {
        mutation: 'connectTopcv',
        input: { environment: 'PRODUCTION', credentials: { employerApiKey: topcvKey, secretKey: employer.secretKey } },
      },
      { employerApiKey: 'tcv-access-0000000000000000', secretKey: 'tcv-secret-refused-00000000' },
      {
        title: 'Nhân viên kinh doanh',
        description: '<p>Bán hàng cho doanh nghiệp.</p>',
        location: { city: 'Hà Nội', countryCode: 'VN' },
      },
      { job_family_category: 'SALES' },
      async (externalId, credentials) => {
        const webhookUrl = (await gql(`{ contracts(first: 10) { edges { node { id webhookUrl } } } }`)).contracts
          .edges[0].node.webhookUrl;
        const signed = (body: Parameters<typeof topcvDelivery>[1], secret = credentials.secretKey as string) =>
          sendWebhook(webhookUrl, topcvDelivery(secret, body));
        const forged = await fetch(webhookUrl, {
          method: 'POST',
          headers: {
            ...topcvDelivery('tcv-secret-forger-0000000000', { event: 'job.approved', data: { job_id: externalId } })
              .headers,
            'content-type': 'application/json',
          },
          body: '{"event":"job.approved","data":{"job_id":1}}',
        });
        answers.push(await forged.text());
        expect(forged.status).toBe(401);
        // The review as TopCV makes it: its own state changes and its signed webhook comes to the contract's URL.
        const registered = await fetch(`${topcv.url}/api/v1/employer/webhook`, {
          method: 'PUT',
          headers: { authorization: `Bearer ${credentials.employerApiKey}`, 'content-type': 'application/json' },
          body: JSON.stringify({ url: webhookUrl }),
        });
        expect(registered.status).toBe(200);
        expect((await topcv.review(Number(externalId), true))?.status).toBe(202);
        expect(
          (
            await signed({
              job_id: externalId,
              apply_at: vietnamTime(),
              candidate_name: 'Trần Thị B',
              candidate_email: 'b@example.vn',
            })
          ).status,
        ).toBe(202);
      },
    );
    const [clientId, client_] = Object.entries(FRANCE_TRAVAIL_CLIENTS)[0]!;
    await lifecycle(
      'france-travail',
      {
        mutation: 'connectFranceTravail',
        input: { environment: 'PRODUCTION', credentials: { clientId, partyId: client_.partyId, key: client_.key } },
      },
      { clientId, partyId: client_.partyId, key: 'ft-key-refused-0000000000000000' },
      {
        title: 'Développeur web (H/F)',
        description: '<p>Vous développez nos applications web en TypeScript et PostgreSQL.</p>',
        employmentType: 'FULL_TIME',
        location: { city: 'Paris', countryCode: 'FR' },
      },
      { romeCode: 'M1805' },
    );
    const [partnerCode, apiKey] = Object.entries(LE_FOREM_PARTNERS)[0]!;
    await lifecycle(
      'le-forem',
      {
        mutation: 'connectLeForem',
        input: {
          environment: 'ACCEPTANCE',
          confidentialityAgreementSigned: true,
          credentials: { partnerCode, apiKey },
        },
      },
      { partnerCode, apiKey: 'lf-acc-refused00000000000' },
      {
        title: 'Magasinier (h/f/x)',
        description:
          '<p>Réception, contrôle et rangement des marchandises dans notre entrepôt; préparation des commandes, inventaires et chargement des camions.</p>',
        employmentType: 'FULL_TIME',
        location: { city: 'Liège', postalCode: '4000', countryCode: 'BE' },
      },
      WAREHOUSE_FIELDS,
    );

    // Every credential re-encrypted under the other key while the server runs, then used again.
    const rotated = await rotateCredentialKeys(
      server.app.db.prisma,
      new Keyring([
        { id: 'old', key: OLD_KEY },
        { id: 'new', key: NEW_KEY },
      ]),
      10,
    );
    expect(rotated).toBeGreaterThanOrEqual(4);
    expect((await server.app.db.prisma.eventEndpoint.findMany()).map((endpoint) => endpoint.secretKeyId)).toEqual([
      'old',
    ]);
    const heardBefore = verified.length;
    for (const edge of (await gql(`{ contracts(first: 10) { edges { node { id } } } }`)).contracts.edges) {
      expect(
        (await gql(`mutation ($id: ID!) { verifyContract(id: $id) { ${CONTRACT} } }`, { id: edge.node.id }))
          .verifyContract.status,
      ).toBe('ACTIVE');
      expect(
        (await gql(`mutation ($id: ID!) { disconnectContract(id: $id) { ${CONTRACT} } }`, { id: edge.node.id }))
          .disconnectContract.__typename,
      ).toBe('Contract');
    }
    void topcvContract;
    // Events signed after the rotation verify with the same secret.
    await eventually(() => verified.length >= heardBefore + 3, 20_000, 'the disconnections signed after the rotation');
    expect(verified.slice(heardBefore)).toEqual(['NOT_CONFIGURED', 'NOT_CONFIGURED', 'NOT_CONFIGURED']);
    expect(forged).toBe(0);
    receiver.close();

    answers.push(await (await fetch(`${server.url}/metrics`)).text());
    const messages = streams.flatMap((stream) => stream.received.map((message) => JSON.stringify(message)));
    const dump = await server.app.db.sql.withSession(async (session) => {
      const tables = await session.query<{ tablename: string }>(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public'",
      );
      const rows = await Promise.all(tables.map((table) => session.query(`SELECT * FROM "${table.tablename}"`)));
      return JSON.stringify(rows);
    });
    const secrets = [...sent.values()].flatMap((values) => [...values]);
    expect([...sent.keys()].sort()).toEqual(
      ['event endpoint', ...[...secretFields].filter(([, fields]) => fields.length > 0).map(([board]) => board)].sort(),
    );
    expect(secrets.length).toBeGreaterThanOrEqual(8);
    expect(messages.length).toBeGreaterThan(10);
    // The scan saw the answers of every step (how many waits polled for a status varies with the machine's speed).
    expect(answers.length).toBeGreaterThan(40);
    expect(server.logs.length).toBeGreaterThan(100);
    const places = {
      answers: answers.join('\n'),
      messages: messages.join('\n'),
      logs: server.logs.join('\n'),
      database: dump,
    };
    for (const secret of secrets)
      for (const [place, text] of Object.entries(places))
        expect(text.includes(secret), `${place} contain a secret`).toBe(false);
  }, 120_000);
});
