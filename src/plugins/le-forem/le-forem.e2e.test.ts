import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { LE_FOREM_PARTNERS, LE_FOREM_PRODUCTION_PARTNERS, startLeForemSimulator } from './simulator.ts';
import { eventually, startTestServer, subscribe, type TestServer } from '../../../test/support/server.ts';

let acceptance: Awaited<ReturnType<typeof startLeForemSimulator>>;
let production: Awaited<ReturnType<typeof startLeForemSimulator>>;
let server: TestServer;
let token: string;

const DESCRIPTION =
  '<p>Réception, contrôle et rangement des marchandises dans notre entrepôt; préparation des commandes, inventaires et chargement des camions.</p>';

beforeAll(async () => {
  [acceptance, production] = await Promise.all([
    startLeForemSimulator({ environment: 'ACCEPTANCE', auditDelayMs: 300 }),
    startLeForemSimulator({ environment: 'PRODUCTION' }),
  ]);
  server = await startTestServer({
    env: {
      BOARD_BASE_URLS: `le-forem:ACCEPTANCE=${acceptance.url},le-forem:PRODUCTION=${production.url}`,
      WORKER_POLL_MS: '50',
      STATUS_POLL_BASE_MS: '200',
    },
  });
  token = await server.tokenFor('forem');
});
afterAll(async () => {
  await server?.stop();
  await Promise.all([acceptance?.close(), production?.close()]);
});

async function gql<Data = Record<string, any>>(query: string, variables?: Record<string, unknown>, as = token) {
  const response = await server.graphql<Data>(query, { token: as, variables });
  expect(response.body.errors).toBeUndefined();
  return response.body.data!;
}

const connect = async (environment: 'ACCEPTANCE' | 'PRODUCTION', apiKey: string, as = token, confirmed = true) =>
  (
    await gql(
      `mutation ($input: ConnectLeForemInput!) { connectLeForem(input: $input) { __typename ... on Contract { id status environment } ... on ValidationError { fieldErrors { path message } } } }`,
      {
        input: {
          environment,
          confidentialityAgreementSigned: confirmed,
          credentials: { partnerCode: 'ACME01', apiKey },
        },
      },
      as,
    )
  ).connectLeForem;

async function job(title: string, description = DESCRIPTION, as = token) {
  const data = await gql(
    `mutation ($input: CreateJobInput!) { createJob(input: $input) { ... on Job { id } } }`,
    {
      input: {
        title,
        description,
        employmentType: 'FULL_TIME',
        location: { city: 'Liège', postalCode: '4000', countryCode: 'BE' },
      },
    },
    as,
  );
  return data.createJob.id as string;
}

const POSTING = 'id status externalId rejectionReason boardFields';
const publish = async (jobId: string, contractId: string, boardFields: Record<string, unknown>, as = token) =>
  (
    await gql(
      `mutation ($input: PublishPostingInput!) { publishPosting(input: $input) { __typename ... on Posting { ${POSTING} } ... on ValidationError { fieldErrors { path message } } } }`,
      {
        input: { jobId, contractId, boardFields },
      },
      as,
    )
  ).publishPosting;
const until = async (id: string, status: string) => {
  const read = async () => (await gql(`query ($id: ID!) { posting(id: $id) { ${POSTING} } }`, { id })).posting;
  await eventually(async () => (await read()).status === status, 15_000, `posting to be ${status}`);
  return read();
};

describe('Le Forem: acceptance, then production', () => {
  test('the confidentiality agreement must be confirmed, and production needs an approved acceptance posting first', async () => {
    expect((await connect('ACCEPTANCE', LE_FOREM_PARTNERS.ACME01!, token, false)).fieldErrors).toEqual([
      {
        path: ['input', 'confidentialityAgreementSigned'],
        message: 'must be confirmed: The confidentiality agreement with Le Forem is signed.',
      },
    ]);
    const refused = await connect('PRODUCTION', LE_FOREM_PRODUCTION_PARTNERS.ACME01!);
    expect(refused.fieldErrors).toEqual([
      {
        path: ['input', 'environment'],
        message:
          'Le Forem opens PRODUCTION once it has approved one of your postings on ACCEPTANCE: connect an ACCEPTANCE contract, publish a test posting and wait for its approval',
      },
    ]);
    const { contracts } = await gql(`{ contracts(first: 10) { edges { node { id } } } }`);
    expect(contracts.edges).toEqual([]);
  });

  test('board fields are pre-filled from the job and validated with their paths; the audit rejects with a reason, then approves', async () => {
    const contract = await connect('ACCEPTANCE', LE_FOREM_PARTNERS.ACME01!);
    expect(contract.status).toBe('ACTIVE');
    const client = server.wsClient({ authorization: `Bearer ${token}` });
    const reviews = subscribe(client, 'subscription { leForemPostingReviewed { approved reason posting { id } } }');
    await reviews.ready;

    const jobId = await job('Magasinier (h/f/x)');
    const wrong = await publish(jobId, contract.id, {
      category: 'ASTROLOGIE',
      postalCode: '0999',
      language: 'de',
      region: 'VLA',
    });
    expect(wrong.fieldErrors.map((error: { path: string[] }) => error.path.join('.')).sort()).toEqual([
      'boardFields.category',
      'boardFields.language',
      'boardFields.postalCode',
    ]);
    const mismatch = await publish(jobId, contract.id, { category: 'LOG', region: 'VLA' });
    expect(mismatch.fieldErrors).toEqual([
      { path: ['boardFields', 'region'], message: 'does not match the postal code 4000 (WAL)' },
    ]);

    const short = await publish(await job('Cariste', '<p>Conduite de chariot élévateur.</p>'), contract.id, {
      category: 'LOG',
    });
    expect(short.boardFields).toMatchObject({
      contractType: 'CDI',
      workingRegime: 'TEMPS_PLEIN',
      postalCode: '4000',
      language: 'fr',
      category: 'LOG',
    });
    const rejected = await until(short.id, 'REJECTED');
    expect(rejected.rejectionReason).toBe('Description trop courte : au moins 100 caractères sont attendus.');

    const good = await publish(jobId, contract.id, { category: 'LOG' });
    const approved = await until(good.id, 'PUBLISHED');
    expect(acceptance.vacancies.get(approved.externalId)).toMatchObject({
      status: 'PUBLIEE',
      body: {
        intitule: 'Magasinier (h/f/x)',
        lieu: { codePostal: '4000', region: 'WAL', localite: 'Liège' },
        typeContrat: 'CDI',
      },
    });
    await reviews.waitFor(2);
    expect(reviews.received.map((event) => event.data!.leForemPostingReviewed)).toEqual([
      {
        approved: false,
        reason: 'Description trop courte : au moins 100 caractères sont attendus.',
        posting: { id: short.id },
      },
      { approved: true, reason: null, posting: { id: good.id } },
    ]);
    await client.dispose();
  });

  test('after an approval, production connects (its own credentials) and publishes at once; another organisation still cannot', async () => {
    const contract = await connect('PRODUCTION', LE_FOREM_PRODUCTION_PARTNERS.ACME01!);
    expect(contract).toMatchObject({ __typename: 'Contract', status: 'ACTIVE', environment: 'PRODUCTION' });
    expect((await connect('PRODUCTION', LE_FOREM_PARTNERS.ACME01!)).status).toBe('INVALID_CREDENTIALS');

    const posting = await publish(await job('Préparateur de commandes'), contract.id, {
      category: 'LOG',
      workingRegime: 'TEMPS_PARTIEL',
    });
    const published = await until(posting.id, 'PUBLISHED');
    expect(production.vacancies.get(published.externalId)).toMatchObject({
      status: 'PUBLIEE',
      body: { regimeTravail: 'TEMPS_PARTIEL' },
    });
    expect(acceptance.vacancies.has(published.externalId)).toBe(false);

    const withdrawn = await gql(`mutation ($id: ID!) { withdrawPosting(id: $id) { ... on Posting { id } } }`, {
      id: posting.id,
    });
    expect(withdrawn.withdrawPosting.id).toBe(posting.id);
    await until(posting.id, 'WITHDRAWN');
    expect(production.vacancies.get(published.externalId)!.status).toBe('RETIREE');

    const other = await server.tokenFor('forem-other');
    expect((await connect('PRODUCTION', LE_FOREM_PRODUCTION_PARTNERS.ACME01!, other)).__typename).toBe(
      'ValidationError',
    );
  });
});

test('the production rule can be switched off by configuration (SKIP_ENVIRONMENT_PREREQUISITES)', async () => {
  const relaxed = await startTestServer({
    env: { BOARD_BASE_URLS: `le-forem:PRODUCTION=${production.url}`, SKIP_ENVIRONMENT_PREREQUISITES: 'le-forem' },
  });
  try {
    const response = await relaxed.graphql(
      `mutation ($input: ConnectLeForemInput!) { connectLeForem(input: $input) { __typename ... on Contract { status } } }`,
      {
        token: await relaxed.tokenFor('forem-relaxed'),
        variables: {
          input: {
            environment: 'PRODUCTION',
            confidentialityAgreementSigned: true,
            credentials: { partnerCode: 'ACME01', apiKey: LE_FOREM_PRODUCTION_PARTNERS.ACME01 },
          },
        },
      },
    );
    expect(response.body.data?.connectLeForem).toEqual({ __typename: 'Contract', status: 'ACTIVE' });
  } finally {
    await relaxed.stop();
  }
});
