import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { LE_FOREM_PARTNERS, LE_FOREM_PRODUCTION_PARTNERS, startLeForemSimulator } from './simulator.ts';
import { WAREHOUSE_FIELDS } from './sample-posting.ts';
import { eventually, startTestServer, subscribe, type TestServer } from '../../../test/support/server.ts';
import { createJobId, graphqlAs, QUEUED_OR_FURTHER } from '../../../test/support/graphql.ts';

let acceptance: Awaited<ReturnType<typeof startLeForemSimulator>>;
let production: Awaited<ReturnType<typeof startLeForemSimulator>>;
let server: TestServer;
let token: string;

const { employerName, contactName, contactEmail } = WAREHOUSE_FIELDS;
const CONTACT = { employerName, contactName, contactEmail };

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

const gql = graphqlAs(
  () => server,
  () => token,
);

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

const nextActionOf = async (id: string) =>
  (await gql('query ($id: ID!) { contract(id: $id) { nextAction { code message } } }', { id })).contract.nextAction;

async function job(title: string, description = DESCRIPTION, as = token) {
  const location = { city: 'Liège', postalCode: '4000', countryCode: 'BE' };
  return createJobId(gql, { title, description, employmentType: 'FULL_TIME', location }, as);
}

const POSTING =
  'id status externalId externalUrl rejectionReason boardFields boardWarnings fieldErrors { path message }';
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

const FIELDS = { romeCode: 'N1103', industryCode: '52100', ...CONTACT };

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

  test("board fields use Le Forem's code lists, pre-filled from the job; Le Forem's dry run refuses before a credit is taken", async () => {
    const contract = await connect('ACCEPTANCE', LE_FOREM_PARTNERS.ACME01!);
    expect(contract.status).toBe('ACTIVE');
    expect(await nextActionOf(contract.id)).toEqual({
      code: 'PASS_ACCEPTANCE',
      message:
        'Le Forem opens PRODUCTION once it has approved one of your postings here: publish a test posting and wait for its approval.',
    });
    const jobId = await job('Magasinier (h/f/x)');
    const wrong = await publish(jobId, contract.id, {
      ...FIELDS,
      romeCode: 'Z9999',
      industryCode: '99999',
      postalCode: '0999',
      contractType: 'CDI',
    });
    expect(wrong.fieldErrors).toEqual([
      { path: ['boardFields', 'contractType'], message: "must be one of Le Forem's contract types (contrattravail)" },
      { path: ['boardFields', 'romeCode'], message: "is not in Le Forem's ROME V3 list" },
      { path: ['boardFields', 'industryCode'], message: "is not in Le Forem's NACE-BEL 2008 list" },
      { path: ['boardFields', 'postalCode'], message: "is not in Le Forem's postal code (codepostal) list" },
    ]);
    expect((await publish(jobId, contract.id, { ...FIELDS, romeCode: undefined })).fieldErrors).toEqual([
      { path: ['boardFields', 'romeCode'], message: 'a job category is required: ROME V3 or DIMECO' },
    ]);

    // N1101 is in our list, but Le Forem no longer takes it: its dry run says so, and nothing is queued or charged.
    const validations = acceptance.calls.filter((call) => call.path === '/OffresEmploi/Validation').length;
    const retired = await publish(jobId, contract.id, { ...FIELDS, romeCode: 'N1101' });
    expect(retired.fieldErrors).toEqual([
      {
        path: ['boardFields', 'romeCode'],
        message: "Le code ROME V3 N1101 n'est plus accepté : choisissez le code qui le remplace.",
      },
    ]);
    expect(acceptance.calls.filter((call) => call.path === '/OffresEmploi/Validation').length).toBe(validations + 1);
    const { contract: after } = await gql(`query ($id: ID!) { contract(id: $id) { credits { used } } }`, {
      id: contract.id,
    });
    expect(after.credits).toEqual({ used: 0 });
    expect((await gql(`{ postings(first: 5) { edges { node { id } } } }`)).postings.edges).toEqual([]);
  });

  test('the vacancy goes as HR-XML; the audit rejects with a reason, then approves; warnings are kept on the posting', async () => {
    const contract = await connect('ACCEPTANCE', LE_FOREM_PARTNERS.ACME01!);
    const client = server.wsClient({ authorization: `Bearer ${token}` });
    const reviews = subscribe(client, 'subscription { leForemPostingReviewed { approved reason posting { id } } }');
    await reviews.ready;

    const short = await publish(await job('Cariste', '<p>Conduite de chariot élévateur.</p>'), contract.id, FIELDS);
    expect(short.boardFields).toMatchObject({
      language: 'FR',
      contractType: 'G',
      schedule: 'Full Time',
      postalCode: '4000',
      experienceMonths: 0,
      numberToFill: 1,
    });
    const rejected = await until(short.id, 'REJECTED');
    expect(rejected.rejectionReason).toBe('Description trop courte : au moins 100 caractères sont attendus.');

    const good = await publish(await job('Magasinier (h/f/x)'), contract.id, {
      ...FIELDS,
      drivingLicences: ['B'],
      languages: [{ code: 'nl', level: 3 }],
    });
    const approved = await until(good.id, 'PUBLISHED');
    expect((await nextActionOf(contract.id)).code).toBe('NOTHING');
    expect(approved.boardWarnings).toEqual([
      'Description courte (moins de 300 caractères) : les offres détaillées reçoivent plus de candidatures.',
    ]);
    const sent = acceptance.vacancy(approved.externalId)!;
    expect(sent.status).toBe('Active');
    expect(approved.externalUrl).toBe(`https://www.leforem.be/recherche-offres/offre-detail/${sent.foremId}`);
    // The wire format: an HR-XML PositionOpening in its namespace, sent as application/xml under the partner code.
    const document = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@' }).parse(sent.xml);
    expect(Object.keys(document)).toEqual(['?xml', 'PositionOpening']);
    const opening = document.PositionOpening;
    expect(opening).toMatchObject({
      '@xmlns': 'http://ns.hr-xml.org/2006-02-28',
      '@xml:lang': 'FR',
      PositionRecordInfo: { Id: { '@idOwner': 'ACME01', IdValue: approved.externalId }, Status: { '#text': 'Active' } },
      PositionSupplier: {
        SupplierId: { '@idOwner': 'PartnerCode', IdValue: 'ACME01' },
        EntityName: CONTACT.employerName,
      },
      PositionProfile: {
        PositionDetail: {
          IndustryCode: { '@classificationName': 'NaceBel2008', '#text': 52100 },
          PhysicalLocation: { PostalAddress: { CountryCode: 'BE', PostalCode: 4000, Municipality: 'Liège' } },
          JobCategory: { TaxonomyName: 'ROMEV3', CategoryCode: 'N1103' },
          PositionTitle: 'Magasinier (h/f/x)',
          PositionClassification: 'G',
          PositionSchedule: 'Full Time',
          Competency: [
            { '@name': 'Drivers License', CompetencyId: { '@id': 'B' } },
            { '@name': 'Language', CompetencyId: { '@id': 'nl' }, CompetencyEvidence: { NumericValue: 3 } },
          ],
        },
        HowToApply: {
          PersonName: { FormattedName: CONTACT.contactName },
          ApplicationMethod: { InternetEmailAddress: CONTACT.contactEmail },
        },
      },
      NumberToFill: 1,
    });
    const post = acceptance.calls.findLast((call) => call.method === 'POST' && call.path === '/OffresEmploi')!;
    expect(post.headers['content-type']).toContain('application/xml');
    expect(post.headers['ocp-apim-subscription-key']).toBe(LE_FOREM_PARTNERS.ACME01);

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

  test('when the dry run gets no answer, the posting is queued as usual and Le Forem checks it at delivery', async () => {
    const contract = await connect('ACCEPTANCE', LE_FOREM_PARTNERS.ACME01!);
    acceptance.inject({ type: 'error', status: 503 }, { pathPrefix: '/OffresEmploi/Validation' });
    const posting = await publish(await job('Réceptionnaire'), contract.id, { ...FIELDS, romeCode: 'N1101' });
    expect(posting.status).toEqual(QUEUED_OR_FURTHER);
    const failed = await until(posting.id, 'FAILED');
    expect(failed.fieldErrors).toEqual([
      {
        path: ['boardFields', 'romeCode'],
        message: "Le code ROME V3 N1101 n'est plus accepté : choisissez le code qui le remplace.",
      },
    ]);
    const corrected = await gql(
      `mutation ($id: ID!) { updatePosting(id: $id, boardFields: { romeCode: "N1103" }) { ... on Posting { status } } }`,
      { id: posting.id },
    );
    expect(corrected.updatePosting.status).toEqual(QUEUED_OR_FURTHER);
    await until(posting.id, 'PUBLISHED');
  });

  test('after an approval, production connects (its own credentials) and publishes at once; withdrawal sends Status Inactive; another organisation still cannot', async () => {
    const contract = await connect('PRODUCTION', LE_FOREM_PRODUCTION_PARTNERS.ACME01!);
    expect(contract).toMatchObject({ __typename: 'Contract', status: 'ACTIVE', environment: 'PRODUCTION' });
    expect((await connect('PRODUCTION', LE_FOREM_PARTNERS.ACME01!)).status).toBe('INVALID_CREDENTIALS');

    const posting = await publish(await job('Préparateur de commandes'), contract.id, {
      ...FIELDS,
      schedule: 'Part Time',
    });
    const published = await until(posting.id, 'PUBLISHED');
    expect(production.vacancy(published.externalId)!.document.PositionProfile.PositionDetail.PositionSchedule).toEqual([
      'Part Time',
    ]);
    expect(acceptance.vacancy(published.externalId)).toBeUndefined();

    const withdrawn = await gql(`mutation ($id: ID!) { withdrawPosting(id: $id) { ... on Posting { id } } }`, {
      id: posting.id,
    });
    expect(withdrawn.withdrawPosting.id).toBe(posting.id);
    await until(posting.id, 'WITHDRAWN');
    expect(production.vacancy(published.externalId)!.status).toBe('Inactive');

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
