import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ACCOUNTS, startFjordJobsSimulator } from '../examples/fjord-jobs/simulator.ts';
import type { Simulator } from '@multiposting/plugin-sdk/simulator';
import { eventually, startTestServer, subscribe, type GraphQLResponse, type TestServer } from './support/server.ts';

// A board plugin written from the guide only, loaded from outside src/ as any third-party plugin would be.
const EXAMPLE_PLUGIN = './examples/fjord-jobs/plugin.ts';
const VALID = { employerNumber: '123456', apiKey: ACCOUNTS['123456']!.apiKey };
const WRONG_KEY = 'fj-live-not-the-right-key';
const SECRETS = [VALID.apiKey, WRONG_KEY, 'fj-live-second-key-rotated'];

let simulator: Simulator;
let server: TestServer;
let admin: string;
let recruiter: string;
let otherAdmin: string;
/** Every answer the API gave in this file, scanned for secrets at the end. */
const answers: string[] = [];

async function call<Data = Record<string, any>>(
  query: string,
  variables?: Record<string, unknown>,
  token = admin,
): Promise<GraphQLResponse<Data>> {
  const response = await server.graphql<Data>(query, { token, variables });
  answers.push(JSON.stringify(response.body));
  return response;
}

const CONTRACT_FIELDS = `
  id boardId environment status statusReason alias expiresAt
  purchasePrice { amount currency }
  credits { total used remaining }
  credentialFields { key label secret required configured hint }
  board { id name }`;

const CONNECT = `mutation ($input: ConnectFjordJobsInput!) {
  connectFjordJobs(input: $input) {
    __typename
    ... on Contract { ${CONTRACT_FIELDS} }
    ... on ValidationError { fieldErrors { path message } }
  }
}`;

const UPDATE = `mutation ($id: ID!, $input: UpdateContractInput!) {
  updateContract(id: $id, input: $input) {
    __typename
    ... on Contract { ${CONTRACT_FIELDS} }
    ... on ValidationError { fieldErrors { path message } }
    ... on Error { message }
  }
}`;

const connectInput = (overrides: Record<string, unknown> = {}) => ({
  environment: 'SANDBOX',
  credentials: VALID,
  termsAccepted: true,
  alias: 'Bergen office',
  credits: 10,
  purchasePrice: { amount: '1250.00', currency: 'nok' },
  ...overrides,
});

async function connect(overrides: Record<string, unknown> = {}, token = admin) {
  const response = await call(CONNECT, { input: connectInput(overrides) }, token);
  expect(response.body.errors).toBeUndefined();
  return response.body.data!.connectFjordJobs;
}

beforeAll(async () => {
  simulator = await startFjordJobsSimulator();
  server = await startTestServer({
    env: { BOARD_PLUGINS: EXAMPLE_PLUGIN, BOARD_BASE_URLS: `fjord-jobs=${simulator.url}`, LOG_LEVEL: 'trace' },
  });
  admin = await server.tokenFor('fjord-customer');
  recruiter = await server.tokenFor('fjord-customer', 'RECRUITER');
  otherAdmin = await server.tokenFor('someone-else');
});
afterAll(async () => {
  await server?.stop();
  await simulator?.close();
});

describe('boards', () => {
  test.each(['fjord', 'FJÖRD jobs', 'norway', 'NO', 'nor', 'Jobs FJØRD'])('"%s" finds Fjord Jobs', async (search) => {
    const response = await call('query ($search: String) { boards(search: $search) { id } }', { search });
    expect(response.body.data?.boards).toEqual([{ id: 'fjord-jobs' }]);
  });

  test.each([
    ['forem', 'le-forem'],
    ['FORÊM', 'le-forem'],
    ['belgium', 'le-forem'],
    ['be', 'le-forem'],
    ['france', 'france-travail'],
    ['vietnam', 'topcv'],
    ['VIỆT', 'topcv'],
    ['netherlands', 'ingoedebanen'],
    ['in goede', null],
  ])('"%s" finds the built-in board %s', async (search, id) => {
    const response = await call('query ($search: String) { boards(search: $search) { id } }', { search });
    expect(response.body.data?.boards).toEqual(id ? [{ id }] : []);
  });

  test('without a search every loaded board is listed, by name', async () => {
    const response = await call('{ boards { id } }');
    expect(response.body.data?.boards.map((board: { id: string }) => board.id)).toEqual([
      'fjord-jobs',
      'france-travail',
      'ingoedebanen',
      'le-forem',
      'topcv',
      'xml-job-feed',
    ]);
  });

  test('a search that matches nothing returns an empty list; an unknown id is null', async () => {
    expect((await call('{ boards(search: "atlantis") { id } }')).body.data?.boards).toEqual([]);
    expect((await call('{ board(id: "atlantis") { id } }')).body.data?.board).toBeNull();
  });

  test('a board carries what a frontend needs to render its connect page and posting form', async () => {
    const response = await call(`{ board(id: "fjord-jobs") {
      name country countryName instructions docsUrl environments capabilities connectMutation
      credentialFields { key label help type required secret options pattern patternMessage }
      confirmations { key label }
      postingFieldsSchema
    } }`);
    const board = response.body.data!.board;
    expect(board).toMatchObject({
      name: 'Fjord Jobs',
      country: 'NO',
      countryName: 'Norway',
      environments: ['SANDBOX', 'PRODUCTION'],
      connectMutation: 'connectFjordJobs',
    });
    expect(board.instructions).toContain('Settings → API');
    expect(board.credentialFields).toEqual([
      {
        key: 'employerNumber',
        label: 'Employer number',
        help: 'Six digits, shown in Settings → API.',
        type: 'STRING',
        required: true,
        secret: false,
        options: null,
        pattern: '\\d{6}',
        patternMessage: 'must be six digits',
      },
      {
        key: 'apiKey',
        label: 'API key',
        help: null,
        type: 'STRING',
        required: true,
        secret: true,
        options: null,
        pattern: null,
        patternMessage: null,
      },
    ]);
    expect(board.confirmations).toEqual([
      { key: 'termsAccepted', label: 'The Fjord Jobs publication terms are accepted.' },
    ]);
    expect(board.postingFieldsSchema).toMatchObject({
      type: 'object',
      properties: { sector: { enum: ['FISHERIES', 'ENERGY', 'TOURISM', 'PUBLIC'] }, remote: { type: 'boolean' } },
    });
  });

  test('the generated input types describe every credential', async () => {
    const response = await call(
      '{ __type(name: "FjordJobsCredentialsInput") { inputFields { name type { kind ofType { name } } } } }',
    );
    expect(response.body.data?.__type.inputFields).toEqual([
      { name: 'apiKey', type: { kind: 'NON_NULL', ofType: { name: 'String' } } },
      { name: 'employerNumber', type: { kind: 'NON_NULL', ofType: { name: 'String' } } },
    ]);
  });
});

describe('connecting a contract', () => {
  test('credentials the board accepts make an ACTIVE contract; secrets come back only as a hint', async () => {
    const contract = await connect();
    expect(contract).toMatchObject({
      __typename: 'Contract',
      boardId: 'fjord-jobs',
      environment: 'SANDBOX',
      status: 'ACTIVE',
      statusReason: null,
      alias: 'Bergen office',
      purchasePrice: { amount: '1250.00', currency: 'NOK' },
      credits: { total: 10, used: 0, remaining: 10 },
      board: { id: 'fjord-jobs', name: 'Fjord Jobs' },
    });
    expect(contract.credentialFields).toEqual([
      {
        key: 'employerNumber',
        label: 'Employer number',
        secret: false,
        required: true,
        configured: true,
        hint: '123456',
      },
      { key: 'apiKey', label: 'API key', secret: true, required: true, configured: true, hint: '••••4c55' },
    ]);
    const verification = simulator.calls.at(-1)!;
    expect(verification.path).toBe('/v1/employers/123456');
    expect(verification.headers['x-api-key']).toBe(VALID.apiKey);
  });

  test("credentials the board refuses make an INVALID_CREDENTIALS contract with the board's reason", async () => {
    const contract = await connect({ credentials: { ...VALID, apiKey: WRONG_KEY } });
    expect(contract).toMatchObject({ status: 'INVALID_CREDENTIALS', statusReason: 'Fjord Jobs refused the API key.' });
    const nextAction = async (id: string) =>
      (await call('query ($id: ID!) { contract(id: $id) { nextAction { code message } } }', { id })).body.data!.contract
        .nextAction;
    expect(await nextAction(contract.id)).toEqual({
      code: 'UPDATE_CREDENTIALS',
      message: 'Fjord Jobs refused the credentials (Fjord Jobs refused the API key.): update them.',
    });

    // Trying again, refused or corrected, reuses that contract: refusals do not pile up.
    const again = await connect({ credentials: { ...VALID, apiKey: WRONG_KEY } });
    expect(again).toMatchObject({ id: contract.id, status: 'INVALID_CREDENTIALS' });
    const corrected = await connect();
    expect(corrected).toMatchObject({ id: contract.id, status: 'ACTIVE', statusReason: null });
    expect(await nextAction(contract.id)).toEqual({ code: 'NOTHING', message: 'Ready to publish on Fjord Jobs.' });
    const { contracts } = (await call('{ contracts(first: 50) { edges { node { id status } } } }')).body.data!;
    expect(contracts.edges.filter((edge: any) => edge.node.status === 'INVALID_CREDENTIALS')).toEqual([]);
  });

  test('a board that cannot be reached leaves the contract PENDING_VERIFICATION; verifying later activates it', async () => {
    simulator.inject({ type: 'error', status: 503 });
    const contract = await connect();
    expect(contract.status).toBe('PENDING_VERIFICATION');
    expect(contract.statusReason).toMatch(/server error \(503\).*verifyContract/);
    const verified = await call(
      'mutation ($id: ID!) { verifyContract(id: $id) { ... on Contract { status statusReason } } }',
      { id: contract.id },
    );
    expect(verified.body.data?.verifyContract).toEqual({ status: 'ACTIVE', statusReason: null });
  });

  test.each([
    ['the confirmation not given', { termsAccepted: false }, ['input', 'termsAccepted']],
    [
      'a credential of the wrong shape',
      { credentials: { ...VALID, employerNumber: '12ab' } },
      ['input', 'credentials', 'employerNumber'],
    ],
    ['an empty secret', { credentials: { ...VALID, apiKey: '  ' } }, ['input', 'credentials', 'apiKey']],
    ['an expiry date in the past', { expiresAt: '2020-01-01T00:00:00Z' }, ['input', 'expiresAt']],
    ['negative credits', { credits: -1 }, ['input', 'credits']],
    ['a negative price', { purchasePrice: { amount: '-5', currency: 'EUR' } }, ['input', 'purchasePrice', 'amount']],
    [
      'an unknown currency',
      { purchasePrice: { amount: '5', currency: 'XYZ' } },
      ['input', 'purchasePrice', 'currency'],
    ],
  ])('%s is a ValidationError naming the field, and nothing is stored', async (_case, overrides, path) => {
    const before = await server.app.db.prisma.contract.count();
    const calls = simulator.calls.length;
    const result = await connect(overrides);
    expect(result.__typename).toBe('ValidationError');
    expect(result.fieldErrors.map((error: { path: string[] }) => error.path)).toContainEqual(path);
    expect(await server.app.db.prisma.contract.count()).toBe(before);
    expect(simulator.calls.length).toBe(calls);
  });

  test('every invalid field is reported at once', async () => {
    const result = await connect({
      termsAccepted: false,
      credits: -1,
      credentials: { ...VALID, employerNumber: 'x' },
      purchasePrice: { amount: '1', currency: 'ABC' },
    });
    expect(result.fieldErrors.map((error: { path: string[] }) => error.path.join('.')).sort()).toEqual([
      'input.credentials.employerNumber',
      'input.credits',
      'input.purchasePrice.currency',
      'input.termsAccepted',
    ]);
  });

  test('a missing required credential or an unknown board is refused by GraphQL validation, naming it', async () => {
    const missing = await call(CONNECT, { input: connectInput({ credentials: { employerNumber: '123456' } }) });
    expect(missing.status).toBe(400);
    expect(missing.body.errors?.[0]?.message).toMatch(/apiKey/);
    const unknown = await call('mutation { connectAtlantis(input: {}) { __typename } }');
    expect(unknown.body.errors?.[0]?.message).toMatch(/connectAtlantis/);
    const wrongEnvironment = await call(CONNECT, { input: connectInput({ environment: 'MOON' }) });
    expect(wrongEnvironment.body.errors?.[0]?.message).toMatch(/FjordJobsEnvironment/);
  });
});

describe('managing a contract', () => {
  test('update, verify and disconnect, each recorded in the history without a secret', async () => {
    const contract = await connect();
    const renamed = await call(UPDATE, { id: contract.id, input: { alias: 'Tromsø office', credits: 20 } });
    expect(renamed.body.data?.updateContract).toMatchObject({
      alias: 'Tromsø office',
      credits: { total: 20, used: 0, remaining: 20 },
      status: 'ACTIVE',
    });

    const wrong = await call(UPDATE, { id: contract.id, input: { credentials: { apiKey: WRONG_KEY } } });
    expect(wrong.body.data?.updateContract).toMatchObject({
      status: 'INVALID_CREDENTIALS',
      statusReason: 'Fjord Jobs refused the API key.',
    });
    // Only the API key changed: the employer number was kept.
    expect(wrong.body.data?.updateContract.credentialFields[0]).toMatchObject({
      key: 'employerNumber',
      hint: '123456',
    });

    const fixed = await call(UPDATE, { id: contract.id, input: { credentials: { apiKey: VALID.apiKey } } });
    expect(fixed.body.data?.updateContract.status).toBe('ACTIVE');

    const badKey = await call(UPDATE, { id: contract.id, input: { credentials: { token: 'x' } } });
    expect(badKey.body.data?.updateContract.fieldErrors).toEqual([
      { path: ['input', 'credentials', 'token'], message: 'is not a credential of this board' },
    ]);

    const disconnect =
      'mutation ($id: ID!) { disconnectContract(id: $id) { __typename ... on Contract { status credentialFields { configured hint } } ... on ContractStateError { message contractStatus } } }';
    const disconnected = await call(disconnect, { id: contract.id });
    expect(disconnected.body.data?.disconnectContract).toEqual({
      __typename: 'Contract',
      status: 'NOT_CONFIGURED',
      credentialFields: [
        { configured: false, hint: null },
        { configured: false, hint: null },
      ],
    });
    expect(
      await server.app.db.prisma.contractCredential.count({ where: { contractId: await rawId(contract.id) } }),
    ).toBe(0);

    const twice = await call(disconnect, { id: contract.id });
    expect(twice.body.data?.disconnectContract).toEqual({
      __typename: 'ContractStateError',
      message: 'The contract is already disconnected.',
      contractStatus: 'NOT_CONFIGURED',
    });
    const verify = await call('mutation ($id: ID!) { verifyContract(id: $id) { __typename } }', { id: contract.id });
    expect(verify.body.data?.verifyContract.__typename).toBe('ContractStateError');

    const history = await call(
      `query ($id: ID!) { contract(id: $id) { history { edges { node { type actor { email } changes { field from to } } } } } }`,
      { id: contract.id },
    );
    const events = history.body.data!.contract.history.edges.map((edge: any) => edge.node);
    expect(events.map((event: { type: string }) => event.type)).toEqual([
      'DISCONNECTED',
      'VERIFIED',
      'UPDATED',
      'VERIFIED',
      'UPDATED',
      'UPDATED',
      'VERIFIED',
      'CONNECTED',
    ]);
    expect(events[0].actor).toEqual({ email: 'admin@fjord-customer.invalid' });
    expect(
      events.find(
        (event: any) => event.type === 'UPDATED' && event.changes.some((change: any) => change.field === 'alias'),
      ).changes,
    ).toEqual([
      { field: 'alias', from: 'Bergen office', to: 'Tromsø office' },
      { field: 'credits', from: '10', to: '20' },
    ]);
    expect(
      events.filter((event: any) => event.changes.some((change: any) => change.field === 'credentials.apiKey')),
    ).toHaveLength(3);
    // Each verification after new credentials records the status the contract really had before them.
    const statusChanges = events
      .filter((event: any) => event.type === 'VERIFIED')
      .map((event: any) => event.changes.find((change: any) => change.field === 'status'));
    expect(statusChanges).toEqual([
      { field: 'status', from: 'INVALID_CREDENTIALS', to: 'ACTIVE' },
      { field: 'status', from: 'ACTIVE', to: 'INVALID_CREDENTIALS' },
      { field: 'status', from: 'PENDING_VERIFICATION', to: 'ACTIVE' },
    ]);
  });

  test('a contract past its expiry date is EXPIRED', async () => {
    const contract = await connect({ expiresAt: new Date(Date.now() + 60_000).toISOString() });
    await server.app.db.prisma.contract.update({
      where: { id: await rawId(contract.id) },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    const read = await call('query ($id: ID!) { contract(id: $id) { status statusReason } }', { id: contract.id });
    expect(read.body.data?.contract).toEqual({ status: 'EXPIRED', statusReason: 'The contract expired.' });
    const expired = await call('{ contracts(filter: { status: EXPIRED }) { edges { node { id } } } }');
    expect(expired.body.data?.contracts.edges.map((edge: any) => edge.node.id)).toContain(contract.id);
    const active = await call('{ contracts(filter: { status: ACTIVE }) { edges { node { id } } } }');
    expect(active.body.data?.contracts.edges.map((edge: any) => edge.node.id)).not.toContain(contract.id);
  });

  test('when the expiry date passes, EXPIRED is in the history and on contractStatusChanged, once; a later date brings it back', async () => {
    const contract = await connect({ expiresAt: new Date(Date.now() + 60_000).toISOString() });
    const client = server.wsClient({ authorization: `Bearer ${admin}` });
    const changes = subscribe(
      client,
      'subscription ($id: ID) { contractStatusChanged(filter: { contractId: $id }) { from to reason } }',
      { id: contract.id },
    );
    await changes.ready;
    await server.app.db.prisma.contract.update({
      where: { id: await rawId(contract.id) },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    await changes.waitFor(1);
    expect(changes.received[0]!.data!.contractStatusChanged).toEqual({
      from: 'ACTIVE',
      to: 'EXPIRED',
      reason: 'The contract reached its expiry date.',
    });
    const history = async () =>
      (
        await call('query ($id: ID!) { contract(id: $id) { history(first: 20) { edges { node { type } } } } }', {
          id: contract.id,
        })
      ).body.data?.contract.history.edges.map((edge: any) => edge.node.type);
    await eventually(async () => (await history()).includes('EXPIRED'), 10_000, 'the history entry');

    const renewed = await call(
      'mutation ($id: ID!, $at: DateTime) { updateContract(id: $id, input: { expiresAt: $at }) { ... on Contract { status } } }',
      { id: contract.id, at: new Date(Date.now() + 86_400_000).toISOString() },
    );
    expect(renewed.body.data?.updateContract.status).toBe('ACTIVE');
    await changes.waitFor(2);
    expect(changes.received[1]!.data!.contractStatusChanged).toMatchObject({ from: 'EXPIRED', to: 'ACTIVE' });
    const types = await history();
    expect(types.filter((type: string) => type === 'EXPIRED')).toHaveLength(1);
    expect(types).toContain('RENEWED');
    await client.dispose();
  });

  test('raising credits below what was used is refused', async () => {
    const contract = await connect({ credits: 2 });
    const { reserveCredit } = await import('../src/core/credits.ts');
    await reserveCredit(server.app.db.prisma, await rawId(contract.id), 'posting-1');
    await reserveCredit(server.app.db.prisma, await rawId(contract.id), 'posting-2');
    const lowered = await call(UPDATE, { id: contract.id, input: { credits: 1 } });
    expect(lowered.body.data?.updateContract.fieldErrors).toEqual([
      { path: ['input', 'credits'], message: 'must be at least the 2 credits already used' },
    ]);
  });
});

describe('roles and tenancy', () => {
  test('a recruiter reads contracts but not their credentials, and cannot manage them', async () => {
    const contract = await connect();
    const list = await call('{ contracts { edges { node { id status } } } }', undefined, recruiter);
    expect(list.body.data?.contracts.edges.map((edge: any) => edge.node.id)).toContain(contract.id);
    const fields = await call(
      'query ($id: ID!) { contract(id: $id) { credentialFields { key } } }',
      { id: contract.id },
      recruiter,
    );
    expect(fields.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    // Selected over the list, only the field is refused: the recruiter still gets every contract.
    const listed = await call(
      '{ contracts { edges { node { id status credentialFields { key } } } } }',
      undefined,
      recruiter,
    );
    expect(listed.body.errors?.[0]).toMatchObject({
      extensions: { code: 'FORBIDDEN' },
      path: ['contracts', 'edges', 0, 'node', 'credentialFields'],
    });
    const nodes = listed.body.data?.contracts.edges.map((edge: any) => edge.node);
    expect(nodes.map((node: any) => node.id)).toContain(contract.id);
    expect(nodes.every((node: any) => node.credentialFields === null)).toBe(true);
    const connectAttempt = await call(CONNECT, { input: connectInput() }, recruiter);
    expect(connectAttempt.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const disconnectAttempt = await call(
      'mutation ($id: ID!) { disconnectContract(id: $id) { __typename } }',
      { id: contract.id },
      recruiter,
    );
    expect(disconnectAttempt.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  test('another organisation neither sees nor changes a contract', async () => {
    const contract = await connect();
    expect(
      (await call('query ($id: ID!) { node(id: $id) { id } }', { id: contract.id }, otherAdmin)).body.data?.node,
    ).toBeNull();
    expect(
      (await call('query ($id: ID!) { contract(id: $id) { id } }', { id: contract.id }, otherAdmin)).body.data
        ?.contract,
    ).toBeNull();
    expect(
      (await call('{ contracts { edges { node { id } } } }', undefined, otherAdmin)).body.data?.contracts.edges,
    ).toEqual([]);
    for (const mutation of ['disconnectContract', 'verifyContract']) {
      const attempt = await call(
        `mutation ($id: ID!) { ${mutation}(id: $id) { __typename } }`,
        { id: contract.id },
        otherAdmin,
      );
      expect(attempt.body.data?.[mutation].__typename).toBe('NotFoundError');
    }
    const update = await call(UPDATE, { id: contract.id, input: { alias: 'stolen' } }, otherAdmin);
    expect(update.body.data?.updateContract.__typename).toBe('NotFoundError');
    const read = await call('query ($id: ID!) { contract(id: $id) { alias status } }', { id: contract.id });
    expect(read.body.data?.contract).toEqual({ alias: 'Bergen office', status: 'ACTIVE' });
  });
});

describe('secrets', () => {
  test('never appear in an answer, a log line, /metrics or a plaintext database column', async () => {
    // A last cycle with a second key, so that every secret has been sent at least once.
    const contract = await connect({ credentials: { ...VALID, apiKey: SECRETS[2] } });
    expect(contract.status).toBe('INVALID_CREDENTIALS');
    answers.push(await (await fetch(`${server.url}/metrics`)).text());
    const dump = await server.app.db.sql.withSession(async (session) => {
      const tables = await session.query<{ tablename: string }>(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public'",
      );
      const rows = await Promise.all(tables.map((table) => session.query(`SELECT * FROM "${table.tablename}"`)));
      return JSON.stringify(rows);
    });
    expect(answers.length).toBeGreaterThan(40);
    expect(server.logs.length).toBeGreaterThan(0);
    for (const secret of SECRETS) {
      expect(answers.join('\n')).not.toContain(secret);
      expect(server.logs.join('\n')).not.toContain(secret);
      expect(dump).not.toContain(secret);
    }
  });
});

async function rawId(globalId: string): Promise<string> {
  return Buffer.from(globalId, 'base64').toString('utf8').split(':')[1]!;
}
