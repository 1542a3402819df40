import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { FRANCE_TRAVAIL_CLIENTS, startFranceTravailSimulator } from './simulator.ts';
import { eventually, startTestServer, subscribe, type TestServer } from '../../../test/support/server.ts';
import { createJobId, graphqlAs } from '../../../test/support/graphql.ts';

let sandbox: Awaited<ReturnType<typeof startFranceTravailSimulator>>;
let production: Awaited<ReturnType<typeof startFranceTravailSimulator>>;
let server: TestServer;
let token: string;

const ACME = {
  clientId: 'PAR_acme_5f2c9d01',
  partyId: FRANCE_TRAVAIL_CLIENTS.PAR_acme_5f2c9d01!.partyId,
  key: FRANCE_TRAVAIL_CLIENTS.PAR_acme_5f2c9d01!.key,
};
const GLOBEX = {
  clientId: 'PAR_globex_7a3e1b22',
  partyId: FRANCE_TRAVAIL_CLIENTS.PAR_globex_7a3e1b22!.partyId,
  key: FRANCE_TRAVAIL_CLIENTS.PAR_globex_7a3e1b22!.key,
};
const INITECH = {
  clientId: 'PAR_initech_3c4d5e6f',
  partyId: FRANCE_TRAVAIL_CLIENTS.PAR_initech_3c4d5e6f!.partyId,
  key: FRANCE_TRAVAIL_CLIENTS.PAR_initech_3c4d5e6f!.key,
};
const SIRET = '73282932000074';
const DESCRIPTION =
  '<p>Vous développez nos applications web en TypeScript.</p><ul><li>Revue de code</li><li>PostgreSQL</li></ul>';

beforeAll(async () => {
  [sandbox, production] = await Promise.all([
    startFranceTravailSimulator({ environment: 'SANDBOX', moderationDelayMs: 300, accessDecisionDelayMs: 300 }),
    startFranceTravailSimulator({ environment: 'PRODUCTION', moderationDelayMs: 100 }),
  ]);
  server = await startTestServer({
    env: {
      BOARD_BASE_URLS: `france-travail:SANDBOX=${sandbox.url},france-travail:PRODUCTION=${production.url}`,
      WORKER_POLL_MS: '50',
      STATUS_POLL_BASE_MS: '200',
      CONTRACT_CHECK_INTERVAL_MS: '1000',
      DELIVERY_RETRY_BASE_MS: '100',
    },
  });
  token = await server.tokenFor('travail');
});
afterAll(async () => {
  await server?.stop();
  await Promise.all([sandbox?.close(), production?.close()]);
});

const gql = graphqlAs(
  () => server,
  () => token,
);

const CONTRACT = 'id status statusReason environment qualityRate warnings';
const connect = async (environment: 'SANDBOX' | 'PRODUCTION', credentials: Record<string, string>) =>
  (
    await gql(
      `mutation ($input: ConnectFranceTravailInput!) { connectFranceTravail(input: $input) { __typename ... on Contract { ${CONTRACT} } ... on ValidationError { fieldErrors { path message } } } }`,
      { input: { environment, credentials } },
    )
  ).connectFranceTravail;
const contract = async (id: string) =>
  (
    await gql(`query ($id: ID!) { contract(id: $id) { ${CONTRACT} history(first: 20) { edges { node { type } } } } }`, {
      id,
    })
  ).contract;

const REQUEST = 'id clientId status reason decidedAt';
const requestAccess = async (input: Record<string, unknown>) =>
  (
    await gql(
      `mutation ($input: RequestFranceTravailSandboxAccessInput!) { requestFranceTravailSandboxAccess(input: $input) {
      __typename ... on RequestFranceTravailSandboxAccessResult { request { ${REQUEST} } } ... on ValidationError { fieldErrors { path message } } } }`,
      {
        input: {
          clientId: INITECH.clientId,
          companyName: 'Initech SAS',
          siret: SIRET,
          openPositionsPerYear: 12,
          contactEmail: 'rh@initech.example',
          ...input,
        },
      },
    )
  ).requestFranceTravailSandboxAccess;
const accessRequests = async () =>
  (
    await gql(
      `{ franceTravailSandboxAccessRequests { ... on FranceTravailSandboxAccessRequestsResult { requests { ${REQUEST} } } } }`,
    )
  ).franceTravailSandboxAccessRequests.requests as {
    id: string;
    status: string;
    reason: string | null;
  }[];

async function job(title: string, description = DESCRIPTION, extra: Record<string, unknown> = {}) {
  return createJobId(gql, {
    title,
    description,
    employmentType: 'FULL_TIME',
    hoursPerWeek: 35,
    location: { city: 'Lyon', postalCode: '69002', countryCode: 'FR' },
    ...extra,
  });
}

const POSTING = 'id status externalId rejectionReason boardFields';
const publish = async (jobId: string, contractId: string, boardFields: Record<string, unknown>) =>
  (
    await gql(
      `mutation ($input: PublishPostingInput!) { publishPosting(input: $input) { __typename ... on Posting { ${POSTING} } ... on Error { message } ... on ValidationError { fieldErrors { path message } } ... on ContractStateError { contractStatus } } }`,
      { input: { jobId, contractId, boardFields } },
    )
  ).publishPosting;
const posting = async (id: string) =>
  (await gql(`query ($id: ID!) { posting(id: $id) { ${POSTING} events { type message } } }`, { id })).posting;
const until = async (id: string, status: string, timeoutMs = 15_000) => {
  await eventually(async () => (await posting(id)).status === status, timeoutMs, `posting to be ${status}`);
  return posting(id);
};
const paths = (result: { fieldErrors: { path: string[] }[] }) =>
  result.fieldErrors.map((error) => error.path.join('.')).sort();

describe('France Travail: sandbox access, then contracts', () => {
  test('the SIRET is checked (14 digits, Luhn), France Travail decides by its rule, and a contract connected before the grant becomes ACTIVE by itself', async () => {
    expect((await requestAccess({ siret: '73282932000075' })).fieldErrors).toEqual([
      { path: ['input', 'siret'], message: 'is not a valid SIRET: its check digit is wrong (Luhn)' },
    ]);
    expect((await requestAccess({ siret: '7328 2932 0000' })).fieldErrors).toEqual([
      { path: ['input', 'siret'], message: 'must be 14 digits, without spaces' },
    ]);
    expect((await requestAccess({ siret: '35600000000049' })).fieldErrors).toEqual([
      {
        path: ['input', 'siret'],
        message: "is not a valid SIRET of La Poste: neither the Luhn check nor La Poste's digit-sum rule holds",
      },
    ]);
    expect(paths(await requestAccess({ openPositionsPerYear: 0, contactEmail: 'not-an-address' }))).toEqual([
      'input.contactEmail',
      'input.openPositionsPerYear',
    ]);
    expect((await requestAccess({ clientId: 'PAR_nobody_0000' })).fieldErrors).toEqual([
      { path: ['input', 'clientId'], message: 'France Travail does not know this client ID' },
    ]);
    expect(await accessRequests()).toEqual([]);

    // France Travail opens its API to employers who recruit: two positions a year is not enough.
    const few = (await requestAccess({ openPositionsPerYear: 2 })).request;
    expect(few).toMatchObject({ clientId: INITECH.clientId, status: 'PENDING', decidedAt: null });
    await eventually(async () => (await accessRequests())[0]?.status === 'REFUSED', 5000, 'the refusal');
    expect((await accessRequests())[0]).toMatchObject({
      id: few.id,
      reason: "L'accès est réservé aux employeurs qui recrutent au moins 5 postes par an.",
    });

    const pending = await connect('SANDBOX', INITECH);
    expect(pending.status).toBe('PENDING_VERIFICATION');
    expect(pending.statusReason).toContain('request access with requestFranceTravailSandboxAccess');
    const client = server.wsClient({ authorization: `Bearer ${token}` });
    const changes = subscribe(
      client,
      'subscription ($id: ID) { contractStatusChanged(filter: { contractId: $id }) { from to contract { id status } } }',
      { id: pending.id },
    );
    await changes.ready;

    const granted = (await requestAccess({})).request;
    expect(granted.status).toBe('PENDING');
    await eventually(
      async () => (await accessRequests()).find((request) => request.id === granted.id)?.status === 'GRANTED',
      5000,
      'the grant',
    );
    await eventually(
      async () => (await contract(pending.id)).status === 'ACTIVE',
      10_000,
      'the contract to become active',
    );
    await changes.waitFor(1);
    expect(changes.received[0]!.data!.contractStatusChanged).toEqual({
      from: 'PENDING_VERIFICATION',
      to: 'ACTIVE',
      contract: { id: pending.id, status: 'ACTIVE' },
    });
    expect((await contract(pending.id)).statusReason).toBeNull();
    await client.dispose();
  });

  test('credentials France Travail refuses are INVALID_CREDENTIALS, with nothing secret in the answer', async () => {
    const refused = await connect('SANDBOX', { ...ACME, key: 'ft-key-not-the-right-one' });
    expect(refused).toMatchObject({
      status: 'INVALID_CREDENTIALS',
      statusReason: 'France Travail refused the client ID or the key.',
    });
    const otherParty = await connect('SANDBOX', { ...ACME, partyId: INITECH.partyId });
    expect(otherParty).toMatchObject({
      status: 'INVALID_CREDENTIALS',
      statusReason: 'This party ID does not belong to the client ID.',
    });
  });

  test('board fields are pre-filled from the job and validated with their paths; nothing is stored for a refused posting', async () => {
    const { id } = await connect('SANDBOX', ACME);
    const jobId = await job('Développeur web (H/F)');
    expect(
      paths(
        await publish(jobId, id, {
          romeCode: 'Z9999',
          hoursPerWeek: 50,
          lieuTravail: { commune: '20123' },
          typeContrat: 'CDX',
          natureContrat: 'Z9',
        }),
      ),
    ).toEqual([
      'boardFields.hoursPerWeek',
      'boardFields.lieuTravail.commune',
      'boardFields.natureContrat',
      'boardFields.romeCode',
      'boardFields.typeContrat',
    ]);
    expect(
      (await publish(jobId, id, { romeCode: 'M1805', typeContrat: 'CDD', experienceExige: 'E' })).fieldErrors,
    ).toEqual([
      { path: ['boardFields', 'contractDuration'], message: 'is required for a CDD contract' },
      { path: ['boardFields', 'experienceMonths'], message: 'is required when experienceExige is E' },
    ]);
    expect(
      (
        await publish(jobId, id, {
          romeCode: 'M1805',
          typeContrat: 'CDI',
          contractDuration: { value: 6, unit: 'MONTHS' },
        })
      ).fieldErrors,
    ).toEqual([{ path: ['boardFields', 'contractDuration'], message: 'is only for fixed-term contracts, not CDI' }]);
    expect(
      (
        await publish(jobId, id, {
          romeCode: 'M1805',
          typeContrat: 'MIS',
          contractDuration: { value: 24, unit: 'MONTHS' },
        })
      ).fieldErrors,
    ).toEqual([{ path: ['boardFields', 'contractDuration', 'value'], message: 'a MIS lasts at most 18 months' }]);
    // What France Travail would refuse in the job itself is said before anything is queued.
    const long = await job(
      'Rédacteur technique',
      `<p>${'Documentation produit et guides utilisateur. '.repeat(100)}</p>`,
    );
    expect((await publish(long, id, { romeCode: 'E1102' })).fieldErrors).toEqual([
      {
        path: ['jobId'],
        message: "the job's description has 4499 characters of text; France Travail takes at most 4000",
      },
    ]);
    const { postings } = await gql(`{ postings(first: 10) { edges { node { id } } } }`);
    expect(postings.edges).toEqual([]);

    const ok = await publish(jobId, id, {
      romeCode: 'M1805',
      appellationCode: '38971',
      typeContrat: 'CDD',
      contractDuration: { value: 9, unit: 'MONTHS' },
      qualificationCode: '7',
    });
    expect(ok.boardFields).toEqual({
      romeCode: 'M1805',
      appellationCode: '38971',
      typeContrat: 'CDD',
      natureContrat: 'E1',
      contractDuration: { value: 9, unit: 'MONTHS' },
      hoursPerWeek: 35,
      lieuTravail: { commune: '69123' },
      experienceExige: 'D',
      qualificationCode: '7',
      nombrePostes: 1,
    });
    const published = await until(ok.id, 'PUBLISHED');
    expect(sandbox.offers.get(published.externalId)!.body).toMatchObject({
      intitule: 'Développeur web (H/F)',
      description: 'Vous développez nos applications web en TypeScript.\n- Revue de code\n- PostgreSQL',
      romeCode: 'M1805',
      appellationCode: '38971',
      typeContrat: 'CDD',
      natureContrat: 'E1',
      alternance: false,
      dureeContrat: { valeur: 9, unite: 'MOIS' },
      dureeTravailHebdo: 35,
      dureeTravailLibelleConverti: 'Temps plein',
      experienceExige: 'D',
      experienceLibelle: 'Débutant accepté',
      lieuTravail: { commune: '69123', libelle: 'Lyon' },
      qualificationCode: '7',
      nombrePostes: 1,
    });
  });

  test('moderation: approvals and refusals arrive on franceTravailPostingReviewed and postingReviewed; update and withdraw reach France Travail', async () => {
    const { id } = await connect('SANDBOX', ACME);
    const client = server.wsClient({ authorization: `Bearer ${token}` });
    const reviews = subscribe(
      client,
      'subscription { franceTravailPostingReviewed { approved reason posting { id } } }',
    );
    const shared = subscribe(client, 'subscription { postingReviewed(boardId: "france-travail") { approved } }');
    await Promise.all([reviews.ready, shared.ready]);

    const refused = await publish(
      await job('Vendeur', '<p>Nous cherchons un jeune vendeur dynamique pour notre boutique.</p>'),
      id,
      { romeCode: 'D1214' },
    );
    const rejected = await until(refused.id, 'REJECTED');
    expect(rejected.rejectionReason).toBe('Mention discriminatoire : « jeune ».');
    await reviews.waitFor(1);

    const good = await publish(await job('Comptable'), id, {
      romeCode: 'M1203',
      experienceExige: 'S',
      experienceMonths: 24,
    });
    const approved = await until(good.id, 'PUBLISHED');
    await reviews.waitFor(2);
    expect(reviews.received.map((event) => event.data!.franceTravailPostingReviewed)).toEqual([
      { approved: false, reason: 'Mention discriminatoire : « jeune ».', posting: { id: refused.id } },
      { approved: true, reason: null, posting: { id: good.id } },
    ]);
    await shared.waitFor(2);

    const updated = await gql(
      `mutation ($id: ID!, $fields: JSON) { updatePosting(id: $id, boardFields: $fields) { ... on Posting { status } } }`,
      { id: good.id, fields: { hoursPerWeek: 28 } },
    );
    expect(updated.updatePosting.status).toBe('UPDATE_QUEUED');
    await until(good.id, 'PUBLISHED');
    await eventually(
      () => sandbox.offers.get(approved.externalId)!.body.dureeTravailHebdo === 28,
      5000,
      'the update on France Travail',
    );
    expect(sandbox.offers.get(approved.externalId)!.body).toMatchObject({
      dureeTravailLibelleConverti: 'Temps partiel',
      experienceExige: 'S',
      experienceLibelle: '24 mois',
    });

    // A job edited past France Travail's limit cannot be sent as an update; the posting stays as it is.
    const jobOf = (await gql(`query ($id: ID!) { posting(id: $id) { job { id } } }`, { id: good.id })).posting.job.id;
    await gql(`mutation ($id: ID!, $input: UpdateJobInput!) { updateJob(id: $id, input: $input) { __typename } }`, {
      id: jobOf,
      input: { description: `<p>${'Tenue de la comptabilité générale. '.repeat(130)}</p>` },
    });
    const tooLong = await gql(
      `mutation ($id: ID!) { updatePosting(id: $id) { __typename ... on ValidationError { fieldErrors { path message } } } }`,
      { id: good.id },
    );
    expect(tooLong.updatePosting.fieldErrors).toEqual([
      { path: ['id'], message: "the job's description has 4549 characters of text; France Travail takes at most 4000" },
    ]);
    expect((await posting(good.id)).status).toBe('PUBLISHED');

    await gql(`mutation ($id: ID!) { withdrawPosting(id: $id) { ... on Posting { id } } }`, { id: good.id });
    await until(good.id, 'WITHDRAWN');
    expect(sandbox.offers.get(approved.externalId)!.status).toBe('ANNULEE');
    await client.dispose();
  });

  test('one OAuth token serves every call until France Travail revokes it; then it is fetched again once, and the key never shows', async () => {
    const { id } = await connect('SANDBOX', ACME);
    const first = await publish(await job('Technicien support'), id, { romeCode: 'I1401' });
    await until(first.id, 'PUBLISHED');
    const tokenRequests = () =>
      sandbox.calls.filter(
        (call) =>
          call.path === '/connexion/oauth2/access_token' &&
          (call.body as { client_id?: string }).client_id === ACME.clientId,
      ).length;
    const before = tokenRequests();
    // The wire format: the partner realm's token request, form-encoded client credentials with the API's scope.
    const request = sandbox.calls.findLast(
      (call) =>
        call.path === '/connexion/oauth2/access_token' &&
        (call.body as { client_id?: string }).client_id === ACME.clientId,
    )!;
    expect(request.method).toBe('POST');
    expect(request.query.get('realm')).toBe('/partenaire');
    expect(request.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(request.body).toEqual({
      grant_type: 'client_credentials',
      client_id: ACME.clientId,
      client_secret: ACME.key,
      scope: 'api_offresdemploiv2 o2dsoffre',
    });
    const more = await Promise.all(
      [job('Technicien réseau'), job('Technicien systèmes')].map(async (jobId) =>
        publish(await jobId, id, { romeCode: 'I1401' }),
      ),
    );
    await Promise.all(more.map((created) => until(created.id, 'PUBLISHED')));
    expect(tokenRequests()).toBe(before);

    sandbox.revokeTokens();
    const after = await publish(await job('Technicien helpdesk'), id, { romeCode: 'I1401' });
    await until(after.id, 'PUBLISHED');
    expect(tokenRequests()).toBe(before + 1);
    expect((await posting(after.id)).events.map((event: { type: string }) => event.type)).not.toContain(
      'DELIVERY_RETRY',
    );
    expect(server.logs.join('\n')).not.toContain(ACME.key);
  });

  test("France Travail's rate limit: deliveries wait for Retry-After and every offer is made exactly once", async () => {
    // A client of its own: the limit counts per client, and the other tests' contracts also call as Acme.
    const { id } = await connect('SANDBOX', GLOBEX);
    sandbox.setRateLimit({ requests: 3, perMs: 1000 });
    try {
      const jobs = await Promise.all(
        Array.from({ length: 5 }, (_, index) => job(`Préparateur de commandes ${index + 1}`)),
      );
      const created = await Promise.all(jobs.map((jobId) => publish(jobId, id, { romeCode: 'N1103' })));
      const done = await Promise.all(created.map((one) => until(one.id, 'PUBLISHED', 30_000)));
      expect(sandbox.counters.rateLimited).toBeGreaterThan(0);
      const offers = [...sandbox.offers.values()].filter((offer) =>
        String(offer.body.intitule).startsWith('Préparateur de commandes'),
      );
      expect(offers.map((offer) => offer.id).sort()).toEqual(done.map((one) => one.externalId).sort());
    } finally {
      sandbox.setRateLimit(undefined);
    }
  });
});

describe('France Travail: quality rate and suspension (production)', () => {
  test('the quality rate shows on the contract, with a warning under 90 %; a suspension makes it SUSPENDED and refuses postings until access is restored', async () => {
    const connected = await connect('PRODUCTION', ACME);
    expect(connected.status).toBe('ACTIVE');
    await eventually(async () => (await contract(connected.id)).qualityRate === 96.5, 5000, 'the quality rate');
    expect((await contract(connected.id)).warnings).toEqual([]);
    const client = server.wsClient({ authorization: `Bearer ${token}` });
    const changes = subscribe(
      client,
      'subscription { contractStatusChanged(filter: { boardId: "france-travail" }) { from to reason contract { id } } }',
    );
    await changes.ready;

    production.setQuality(ACME.partyId, { rate: 84 });
    await eventually(async () => (await contract(connected.id)).qualityRate === 84, 5000, 'the lower rate');
    expect(await contract(connected.id)).toMatchObject({
      status: 'ACTIVE',
      warnings: [
        "The quality rate of your offers (84 %) is under France Travail's 90 %: it may suspend production access. Complete your offers and answer candidates.",
      ],
    });

    // Through the simulator's HTTP control, as the demo's user would.
    const control = await fetch(`${production.url}/_simulator/quality`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ partyId: ACME.partyId, rate: 71.5, suspendedReason: 'taux de qualité insuffisant' }),
    });
    expect(control.status).toBe(200);
    await eventually(async () => (await contract(connected.id)).status === 'SUSPENDED', 5000, 'the suspension');
    const reason = 'France Travail suspended production access: taux de qualité insuffisant';
    expect(await contract(connected.id)).toMatchObject({ statusReason: reason, qualityRate: 71.5 });
    await changes.waitFor(1);
    expect(changes.received[0]!.data!.contractStatusChanged).toEqual({
      from: 'ACTIVE',
      to: 'SUSPENDED',
      reason,
      contract: { id: connected.id },
    });
    const jobId = await job('Chargé de clientèle');
    expect(await publish(jobId, connected.id, { romeCode: 'D1408' })).toMatchObject({
      __typename: 'ContractStateError',
      contractStatus: 'SUSPENDED',
    });

    production.setQuality(ACME.partyId, { rate: 91 });
    await eventually(async () => (await contract(connected.id)).status === 'ACTIVE', 5000, 'the reinstatement');
    expect(await contract(connected.id)).toMatchObject({ statusReason: null, warnings: [], qualityRate: 91 });
    await changes.waitFor(2);
    expect(changes.received[1]!.data!.contractStatusChanged).toMatchObject({
      from: 'SUSPENDED',
      to: 'ACTIVE',
      reason: null,
    });
    const types = (await contract(connected.id)).history.edges.map(
      (edge: { node: { type: string } }) => edge.node.type,
    );
    expect(types).toEqual(expect.arrayContaining(['SUSPENDED', 'REINSTATED']));

    const posted = await publish(jobId, connected.id, { romeCode: 'D1408' });
    expect(posted.__typename).toBe('Posting');
    await until(posted.id, 'PUBLISHED');
    await client.dispose();
  });

  test('credentials France Travail stops taking (a revoked key) make the contract INVALID_CREDENTIALS at the next check', async () => {
    const connected = await connect('PRODUCTION', GLOBEX);
    await eventually(async () => (await contract(connected.id)).qualityRate !== null, 5000, 'a first check');
    production.clients.PAR_globex_7a3e1b22!.key = 'ft-key-revoked-by-france-travail';
    production.revokeTokens();
    await eventually(async () => (await contract(connected.id)).status === 'INVALID_CREDENTIALS', 5000, 'the refusal');
    expect((await contract(connected.id)).statusReason).toBe('France Travail refused the client ID or the key.');
  });
});
