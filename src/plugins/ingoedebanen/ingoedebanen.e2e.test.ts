import { get } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startIngoedebanenReader } from './simulator.ts';
import { eventually, startTestServer, type TestServer } from '../../../test/support/server.ts';
import { graphqlAs } from '../../../test/support/graphql.ts';

let server: TestServer;
let admin: string;
let recruiter: string;
let outsider: string;
let ids: { admin: string; recruiter: string };

beforeAll(async () => {
  server = await startTestServer({ env: { WORKER_POLL_MS: '50' } });
  admin = await server.tokenFor('igb', 'ADMIN');
  recruiter = await server.tokenFor('igb', 'RECRUITER');
  outsider = await server.tokenFor('igb-other', 'ADMIN');
  ids = { admin: await userId(admin), recruiter: await userId(recruiter) };
});
afterAll(async () => {
  await server?.stop();
});

const gql = graphqlAs(
  () => server,
  () => admin,
);

const userId = async (token: string) => (await gql(`{ viewer { user { id } } }`, {}, token)).viewer.user.id as string;

const SETTINGS = { email: 'vacatures@acme.example', clientId: '40213' };

async function connect(credentials: Record<string, unknown>, token = admin) {
  const data = await gql(
    `mutation ($input: ConnectIngoedebanenInput!) { connectIngoedebanen(input: $input) { __typename ... on Contract { id status feedUrl } ... on ValidationError { fieldErrors { path message } } } }`,
    { input: { environment: 'PRODUCTION', credentials: { ...SETTINGS, ...credentials } } },
    token,
  );
  return data.connectIngoedebanen;
}

async function createJob(input: Record<string, unknown>, token = admin) {
  const data = await gql(
    `mutation ($input: CreateJobInput!) { createJob(input: $input) { __typename ... on Job { id } ... on ValidationError { fieldErrors { path message } } } }`,
    {
      input: {
        description: '<p>Plan and run the <b>warehouse</b> team.</p>',
        location: { city: 'Utrecht', postalCode: '3511 AB', countryCode: 'NL' },
        ...input,
      },
    },
    token,
  );
  return data.createJob;
}

const publish = async (jobId: string, contractId: string, boardFields: Record<string, unknown> = {}) =>
  (
    await gql(
      `mutation ($input: PublishPostingInput!) { publishPosting(input: $input) { __typename ... on Posting { id status } ... on Error { message } ... on ValidationError { fieldErrors { path message } } } }`,
      {
        input: { jobId, contractId, boardFields },
      },
    )
  ).publishPosting;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  isArray: (name) => name === 'publication',
});

/** The schema.org JobPosting a page carries in its JSON-LD script. */
function jobPostingOf(html: string): Record<string, any> {
  const script = /<script type="application\/ld\+json">([\s\S]*?)<\/script>/.exec(html);
  expect(script, 'a JSON-LD script').not.toBeNull();
  return JSON.parse(script![1]!);
}

/**
 * What a JobPosting lacks of schema.org's vocabulary as search engines read it: the required properties (title,
 * description, datePosted, hiringOrganization with a name, jobLocation with an address and its country) and the
 * recommended ones the job gives (validThrough when it ends, employmentType, baseSalary, directApply, identifier).
 */
function missingJobPostingProperties(posting: Record<string, any>): string[] {
  const checks: [string, boolean][] = [
    ['@context', posting['@context'] === 'https://schema.org/'],
    ['@type', posting['@type'] === 'JobPosting'],
    ['title', typeof posting.title === 'string' && posting.title.length > 0],
    ['description', typeof posting.description === 'string' && posting.description.length > 0],
    ['datePosted', !Number.isNaN(Date.parse(posting.datePosted))],
    [
      'hiringOrganization',
      posting.hiringOrganization?.['@type'] === 'Organization' && !!posting.hiringOrganization.name,
    ],
    [
      'jobLocation',
      posting.jobLocation?.['@type'] === 'Place' && posting.jobLocation.address?.['@type'] === 'PostalAddress',
    ],
    ['jobLocation.address.addressCountry', /^[A-Z]{2}$/.test(posting.jobLocation?.address?.addressCountry ?? '')],
    ['validThrough', posting.validThrough === undefined || !Number.isNaN(Date.parse(posting.validThrough))],
    [
      'employmentType',
      posting.employmentType === undefined ||
        ['FULL_TIME', 'PART_TIME', 'CONTRACTOR', 'TEMPORARY', 'INTERN', 'VOLUNTEER', 'PER_DIEM', 'OTHER'].includes(
          posting.employmentType,
        ),
    ],
    [
      'baseSalary',
      posting.baseSalary?.['@type'] === 'MonetaryAmount' &&
        /^[A-Z]{3}$/.test(posting.baseSalary.currency) &&
        posting.baseSalary.value?.['@type'] === 'QuantitativeValue' &&
        ['HOUR', 'DAY', 'WEEK', 'MONTH', 'YEAR'].includes(posting.baseSalary.value.unitText),
    ],
    ['directApply', typeof posting.directApply === 'boolean'],
    ['identifier', posting.identifier?.['@type'] === 'PropertyValue' && !!posting.identifier.value],
  ];
  return checks.filter(([, ok]) => !ok).map(([name]) => name);
}

async function fetchFeed(url: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, { headers: { 'accept-encoding': 'identity', ...headers } });
  const body = Buffer.from(await response.arrayBuffer());
  return { response, body, text: body.toString('utf8') };
}

function vacancies(xml: string): Record<string, any>[] {
  expect(XMLValidator.validate(xml)).toBe(true);
  return parser.parse(xml).publications.publication ?? [];
}

describe('InGoedeBanen: the per-user IGB e-mail (a mutation the plugin adds through extendSchema)', () => {
  const SET = `mutation ($input: SetIngoedebanenUserEmailInput!) { setIngoedebanenUserEmail(input: $input) {
    __typename ... on SetIngoedebanenUserEmailResult { userId email } ... on ValidationError { fieldErrors { path message } } } }`;

  test("a user sets their own, an admin anyone's; a recruiter cannot set another's; addresses and ids are validated", async () => {
    const own = (await gql(SET, { input: { email: 'Jan@IGB.example' } }, recruiter)).setIngoedebanenUserEmail;
    expect(own).toEqual({
      __typename: 'SetIngoedebanenUserEmailResult',
      userId: ids.recruiter,
      email: 'jan@igb.example',
    });

    const forbidden = (await gql(SET, { input: { userId: ids.admin, email: 'x@igb.example' } }, recruiter))
      .setIngoedebanenUserEmail;
    expect(forbidden.fieldErrors).toEqual([
      { path: ['input', 'userId'], message: "only an admin can set another user's IGB e-mail" },
    ]);

    const byAdmin = (await gql(SET, { input: { userId: ids.recruiter, email: 'jan.jansen@igb.example' } }))
      .setIngoedebanenUserEmail;
    expect(byAdmin.email).toBe('jan.jansen@igb.example');

    const invalid = (await gql(SET, { input: { email: 'not an address' } })).setIngoedebanenUserEmail;
    expect(invalid.fieldErrors).toEqual([{ path: ['input', 'email'], message: 'must be an e-mail address' }]);

    // A user of another organisation is not found, and their organisation's state is untouched.
    const stranger = (await gql(SET, { input: { userId: ids.recruiter, email: 'evil@igb.example' } }, outsider))
      .setIngoedebanenUserEmail;
    expect(stranger.fieldErrors).toEqual([
      { path: ['input', 'userId'], message: 'is not a user of this organisation' },
    ]);
    const wrongType = await server.graphql(SET, {
      token: admin,
      variables: { input: { userId: 'Sm9iOjE=', email: 'a@b.example' } },
    });
    expect(wrongType.body.errors?.[0]?.message).toMatch(/User/);

    const LIST = `{ ingoedebanenUserEmails { ... on IngoedebanenUserEmailsResult { emails { userId email } } } }`;
    expect((await gql(LIST)).ingoedebanenUserEmails.emails).toEqual([
      { userId: ids.recruiter, email: 'jan.jansen@igb.example' },
    ]);
    expect((await gql(LIST, {}, outsider)).ingoedebanenUserEmails.emails).toEqual([]);
    await gql(SET, { input: { email: 'me@igb.example' } });
    expect((await gql(LIST, {}, recruiter)).ingoedebanenUserEmails.emails).toEqual([
      { userId: ids.recruiter, email: 'jan.jansen@igb.example' },
    ]);
  });
});

describe('InGoedeBanen: the dedicated medium feed', () => {
  let contract: { id: string; feedUrl: string };
  let jobIds: string[];

  beforeAll(async () => {
    contract = await connect({
      publicationMode: 'DEDICATED_MEDIUM',
      defaultPhase: 'Extern',
      defaultSource: 'Website ACME',
    });
    expect(contract).toMatchObject({ __typename: 'Contract', status: 'ACTIVE' });
    expect(contract.feedUrl).toMatch(new RegExp(`^${server.url}/feeds/ingoedebanen/[A-Za-z0-9_-]{43}\\.xml$`));
    jobIds = [];
    for (const [title, recruiterId] of [
      ['Teamleider magazijn (m/v/x)', ids.recruiter],
      ['Chauffeur C/E & "nachtdienst" <Utrecht>', null],
    ] as const) {
      const job = await createJob({
        title,
        recruiterId,
        salary: { min: '3200', max: '4100', currency: 'EUR', period: 'MONTH' },
      });
      jobIds.push(job.id);
    }
  });

  test('published vacancies are in the feed at once, with their dates, phase, source, recruiter IGB e-mail and apply link', async () => {
    const refused = await publish(jobIds[0]!, contract.id, { startDate: '2026-12-01', endDate: '2026-11-01' });
    expect(refused.fieldErrors).toEqual([
      { path: ['boardFields', 'endDate'], message: 'must not be before startDate' },
    ]);
    expect(vacancies((await fetchFeed(contract.feedUrl)).text)).toEqual([]);

    const first = await publish(jobIds[0]!, contract.id, {
      startDate: '2026-12-01',
      endDate: '2099-01-31',
      phase: 'Intern',
    });
    const second = await publish(jobIds[1]!, contract.id);
    expect([first.status, second.status]).toEqual(['PUBLISHED', 'PUBLISHED']);

    const { response, text } = await fetchFeed(contract.feedUrl);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/xml; charset=utf-8');
    const items = vacancies(text);
    expect(items).toHaveLength(2);
    const byJob = Object.fromEntries(items.map((item) => [item.vacancyNo, item]));
    // The wire format: Carerix's publication vocabulary, element by element.
    expect(Object.keys(byJob[rowIdOf(jobIds[0]!)])).toEqual([
      'publicationID',
      'vacancyNo',
      'toMedium',
      'status',
      'source',
      'publicationStart',
      'publicationEnd',
      'titleInformation',
      'introInformation',
      'vacancyInformation',
      'offerInformation',
      'workLocation',
      'salary',
      'applicationContactInformation',
      'applyUrl',
      'modificationDate',
    ]);
    expect(byJob[rowIdOf(jobIds[0]!)]).toMatchObject({
      publicationID: rowIdOf(first.id),
      titleInformation: 'Teamleider magazijn (m/v/x)',
      introInformation: 'Plan and run the warehouse team.',
      toMedium: { '@code': 'IGB' },
      status: 'Intern',
      source: 'Website ACME',
      publicationStart: '2026-12-01',
      publicationEnd: '2099-01-31',
      offerInformation: 'EUR 3200 – 4100 per maand',
      applicationContactInformation: { email: 'jan.jansen@igb.example' },
      workLocation: { city: 'Utrecht', postalCode: '3511 AB', countryCode: 'NL' },
      salary: { '@currency': 'EUR', '@period': 'MONTH', '@min': '3200', '@max': '4100' },
    });
    // Markup in a title is text in the feed, never elements; the recruiter-less job shows the account's address.
    expect(byJob[rowIdOf(jobIds[1]!)]).toMatchObject({
      titleInformation: 'Chauffeur C/E & "nachtdienst" <Utrecht>',
      status: 'Extern',
      applicationContactInformation: { email: SETTINGS.email },
    });
    expect(text).toContain('&lt;Utrecht&gt;');
    // Carerix apply links name their publication (pub_id).
    expect(byJob[rowIdOf(jobIds[0]!)].applyUrl).toBe(
      `${server.url}/apply/${rowIdOf(contract.id)}/${rowIdOf(jobIds[0]!)}?pub_id=${rowIdOf(first.id)}`,
    );
  });

  test('conditional GET answers 304 until something changes; gzip on request; HEAD has no body', async () => {
    const first = await fetchFeed(contract.feedUrl);
    const etag = first.response.headers.get('etag')!;
    const lastModified = first.response.headers.get('last-modified')!;
    expect(etag).toMatch(/^W\/"/);
    expect((await fetchFeed(contract.feedUrl, { 'if-none-match': etag })).response.status).toBe(304);
    expect((await fetchFeed(contract.feedUrl, { 'if-modified-since': lastModified })).response.status).toBe(304);

    const zipped = await fetch(contract.feedUrl, { headers: { 'accept-encoding': 'gzip' } });
    expect(zipped.headers.get('content-encoding')).toBe('gzip');
    expect(zipped.headers.get('vary')).toBe('Accept-Encoding');
    const compressed = await rawBody(contract.feedUrl, { 'accept-encoding': 'gzip' });
    expect(vacancies(gunzipSync(compressed).toString('utf8'))).toHaveLength(2);
    const head = await fetch(contract.feedUrl, { method: 'HEAD' });
    expect([head.status, head.headers.get('etag'), await head.text()]).toEqual([200, etag, '']);

    // Withdrawing a vacancy removes it: the tag and Last-Modified move, the old tag no longer matches.
    const postings = await gql(`query ($id: ID!) { job(id: $id) { postings(first: 5) { edges { node { id } } } } }`, {
      id: jobIds[1],
    });
    const withdrawn = await gql(`mutation ($id: ID!) { withdrawPosting(id: $id) { ... on Posting { status } } }`, {
      id: postings.job.postings.edges[0].node.id,
    });
    expect(withdrawn.withdrawPosting.status).toBe('WITHDRAWN');
    const after = await fetchFeed(contract.feedUrl, { 'if-none-match': etag });
    expect(after.response.status).toBe(200);
    expect(after.response.headers.get('etag')).not.toBe(etag);
    expect(vacancies(after.text).map((item) => item.vacancyNo)).toEqual([rowIdOf(jobIds[0]!)]);

    // The recruiter changing their IGB e-mail changes the feed too.
    const current = after.response.headers.get('etag')!;
    await gql(
      `mutation { setIngoedebanenUserEmail(input: { email: "jan@igb.example" }) { __typename } }`,
      {},
      recruiter,
    );
    const changed = await fetchFeed(contract.feedUrl, { 'if-none-match': current });
    expect(changed.response.status).toBe(200);
    expect(vacancies(changed.text)[0]!.applicationContactInformation.email).toBe('jan@igb.example');
  });

  test("the board's reader pulls with gzip and its entity tag: unchanged reads cost a 304, a new vacancy shows up", async () => {
    const board = startIngoedebanenReader(contract.feedUrl);
    expect(await board.read()).toEqual({ status: 200, changed: true });
    const before = board.vacancies.map((vacancy) => vacancy.title);
    expect(await board.read()).toEqual({ status: 304, changed: false });
    const job = await createJob({ title: 'Heftruckchauffeur', recruiterId: ids.recruiter });
    expect((await publish(job.id, contract.id, { source: 'Campagne' })).status).toBe('PUBLISHED');
    expect(await board.read()).toEqual({ status: 200, changed: true });
    expect(board.vacancies.map((vacancy) => vacancy.title).sort()).toEqual([...before, 'Heftruckchauffeur'].sort());
    expect(board.vacancies.find((vacancy) => vacancy.title === 'Heftruckchauffeur')).toMatchObject({
      recruiterEmail: 'jan@igb.example',
      medium: 'IGB',
      source: 'Campagne',
      status: 'Extern',
    });
  });

  test('the feed URL is for admins, rotating it stops the old one, another organisation sees nothing', async () => {
    const CONTRACT = `query ($id: ID!) { contract(id: $id) { feedUrl } }`;
    expect((await gql(CONTRACT, { id: contract.id }, recruiter)).contract.feedUrl).toBeNull();
    expect((await gql(CONTRACT, { id: contract.id }, outsider)).contract).toBeNull();

    const rotated = await gql(`mutation ($id: ID!) { rotateFeedToken(id: $id) { ... on Contract { feedUrl } } }`, {
      id: contract.id,
    });
    const newUrl = rotated.rotateFeedToken.feedUrl as string;
    expect(newUrl).not.toBe(contract.feedUrl);
    expect((await fetchFeed(contract.feedUrl)).response.status).toBe(404);
    expect((await fetchFeed(newUrl)).response.status).toBe(200);
    const refused = await server.graphql(`mutation ($id: ID!) { rotateFeedToken(id: $id) { __typename } }`, {
      token: recruiter,
      variables: { id: contract.id },
    });
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    for (const forged of [
      '/feeds/ingoedebanen/x.xml',
      `/feeds/topcv/${newUrl.split('/').pop()}`,
      '/feeds/ingoedebanen/../../etc/passwd.xml',
    ]) {
      expect((await fetch(`${server.url}${forged}`)).status).toBe(404);
    }
    contract.feedUrl = newUrl;
  });

  test('disconnecting erases the feed URL; the feed is gone', async () => {
    const other = await connect({ publicationMode: 'DEDICATED_MEDIUM' });
    const data = await gql(
      `mutation ($id: ID!) { disconnectContract(id: $id) { ... on Contract { status feedUrl } } }`,
      { id: other.id },
    );
    expect(data.disconnectContract).toEqual({ status: 'NOT_CONFIGURED', feedUrl: null });
    expect((await fetchFeed(other.feedUrl)).response.status).toBe(404);
  });

  test("the hosted application page takes an application into the job's first stage; sending it twice is one", async () => {
    const page = `${server.url}/apply/${rowIdOf(contract.id)}/${rowIdOf(jobIds[0]!)}`;
    const html = await (await fetch(page)).text();
    expect(html).toContain('Teamleider magazijn (m/v/x)');
    // InGoedeBanen is Dutch: so is its application page.
    expect(html).toContain('<html lang="nl">');
    expect(html).toContain('Verstuur mijn sollicitatie');
    // Structured data for search engines: schema.org JobPosting, its required and recommended properties.
    const posting = jobPostingOf(html);
    expect(missingJobPostingProperties(posting)).toEqual([]);
    expect(posting).toMatchObject({
      title: 'Teamleider magazijn (m/v/x)',
      hiringOrganization: { '@type': 'Organization' },
      jobLocation: { address: { addressLocality: 'Utrecht', postalCode: '3511 AB', addressCountry: 'NL' } },
      baseSalary: { currency: 'EUR', value: { minValue: 3200, maxValue: 4100, unitText: 'MONTH' } },
      directApply: true,
      url: page,
    });
    const submissionId = /name="submissionId" value="([0-9a-f-]{36})"/.exec(html)![1]!;

    const form = () => {
      const data = new FormData();
      data.set('submissionId', submissionId);
      data.set('name', 'Sanne de Vries');
      data.set('email', 'Sanne@Example.nl');
      data.set('consent', 'yes');
      data.set('cv', new Blob(['Sanne de Vries\nTeamleider, 8 jaar ervaring.\n'], { type: 'text/plain' }), 'cv.txt');
      return data;
    };
    const invalid = new FormData();
    invalid.set('submissionId', submissionId);
    invalid.set('name', '<script>x</script>');
    invalid.set('email', 'nope');
    const refused = await fetch(page, { method: 'POST', body: invalid });
    expect(refused.status).toBe(400);
    const refusedHtml = await refused.text();
    expect(refusedHtml).toContain('Vul een geldig e-mailadres in.');
    expect(refusedHtml).toContain('Geef toestemming om uw sollicitatie door te geven.');
    // A malformed submission (no form id) says what was wrong, and the form it answers can be sent again.
    const malformed = new FormData();
    malformed.set('name', 'Sanne de Vries');
    malformed.set('email', 'sanne@example.nl');
    malformed.set('consent', 'yes');
    const outdated = await fetch(page, { method: 'POST', body: malformed });
    expect(outdated.status).toBe(400);
    const outdatedHtml = await outdated.text();
    expect(outdatedHtml).toContain('Het formulier was verouderd en is vernieuwd: verstuur het opnieuw.');
    expect(outdatedHtml).toMatch(/name="submissionId" value="[0-9a-f-]{36}"/);
    expect(refusedHtml).toContain('&#60;script&#62;');
    expect(refusedHtml).not.toContain('<script>x');

    expect((await fetch(page, { method: 'POST', body: form() })).status).toBe(200);
    expect((await fetch(page, { method: 'POST', body: form() })).status).toBe(200);
    const APPLICATIONS = `query ($id: ID!) { job(id: $id) { applications(first: 5) { edges { node { stage candidate { name email cv { fileName } } } } } } }`;
    await eventually(
      async () => (await gql(APPLICATIONS, { id: jobIds[0] })).job.applications.edges.length > 0,
      10_000,
      'the application',
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    const { edges } = (await gql(APPLICATIONS, { id: jobIds[0] })).job.applications;
    expect(edges).toEqual([
      {
        node: {
          stage: 'Applied',
          candidate: { name: 'Sanne de Vries', email: 'sanne@example.nl', cv: { fileName: 'cv.txt' } },
        },
      },
    ]);

    // A job that is not in the feed has no page; in this mode, neither has a job shown on the website but not posted.
    expect((await fetch(`${server.url}/apply/${rowIdOf(contract.id)}/${rowIdOf(jobIds[1]!)}`)).status).toBe(404);
    const onWebsite = await createJob({ title: 'Alleen op de website', onWebsite: true });
    expect((await fetch(`${server.url}/apply/${rowIdOf(contract.id)}/${rowIdOf(onWebsite.id)}`)).status).toBe(404);
  });
});

describe('InGoedeBanen: own-website mode and the apply link template', () => {
  test('the feed holds exactly the open jobs shown on the website; publishing one by one is refused', async () => {
    const contract = await connect(
      {
        publicationMode: 'OWN_WEBSITE',
        applyUrlTemplate: 'https://werken.acme.example/vacatures/{jobId}/solliciteren',
      },
      outsider,
    );
    const shown = await createJob({ title: 'Monteur', onWebsite: true }, outsider);
    const hidden = await createJob({ title: 'Intern project', onWebsite: false }, outsider);
    const closed = await createJob({ title: 'Oude vacature', onWebsite: true, status: 'CLOSED' }, outsider);
    const items = vacancies((await fetchFeed(contract.feedUrl)).text);
    expect(items.map((item) => item.titleInformation)).toEqual(['Monteur']);
    expect(items[0]).toMatchObject({
      toMedium: { '@code': 'WEBSITE' },
      applyUrl: `https://werken.acme.example/vacatures/${rowIdOf(shown.id)}/solliciteren?pub_id=${rowIdOf(shown.id)}`,
    });
    // The hosted page exists for what the feed holds: the shown job, not the hidden or closed ones.
    const page = (jobId: string) => fetch(`${server.url}/apply/${rowIdOf(contract.id)}/${rowIdOf(jobId)}`);
    expect([(await page(shown.id)).status, (await page(hidden.id)).status, (await page(closed.id)).status]).toEqual([
      200, 404, 404,
    ]);

    const refused = (
      await gql(
        `mutation ($input: PublishPostingInput!) { publishPosting(input: $input) { __typename ... on Error { message } } }`,
        {
          input: { jobId: hidden.id, contractId: contract.id, boardFields: {} },
        },
        outsider,
      )
    ).publishPosting;
    expect(refused.__typename).toBe('UnsupportedOperation');
    expect(refused.message).toMatch(/mirrors your website/);

    // Switching modes is a contract update: the same feed URL now holds the contract's postings (none yet).
    const switched = await gql(
      `mutation ($id: ID!, $credentials: JSON!) { updateContract(id: $id, input: { credentials: $credentials }) { __typename ... on Contract { status } ... on ValidationError { fieldErrors { path message } } } }`,
      { id: contract.id, credentials: { publicationMode: 'DEDICATED_MEDIUM' } },
      outsider,
    );
    expect(switched.updateContract).toEqual({ __typename: 'Contract', status: 'ACTIVE' });
    expect(vacancies((await fetchFeed(contract.feedUrl)).text)).toEqual([]);

    // Optional settings are cleared with null (or empty text): the hosted page and the default phase come back.
    const cleared = await gql(
      `mutation ($id: ID!, $credentials: JSON!) { updateContract(id: $id, input: { credentials: $credentials }) { __typename ... on Contract { status credentialFields { key configured } } ... on ValidationError { fieldErrors { path message } } } }`,
      {
        id: contract.id,
        credentials: { publicationMode: 'OWN_WEBSITE', applyUrlTemplate: null, defaultPhase: '', defaultSource: null },
      },
      outsider,
    );
    expect(cleared.updateContract.__typename).toBe('Contract');
    const configured = Object.fromEntries(
      cleared.updateContract.credentialFields.map((field: { key: string; configured: boolean }) => [
        field.key,
        field.configured,
      ]),
    );
    expect(configured).toMatchObject({ applyUrlTemplate: false, defaultPhase: false, defaultSource: false });
    const [item] = vacancies((await fetchFeed(contract.feedUrl)).text);
    expect(item?.applyUrl).toBe(
      `${server.url}/apply/${rowIdOf(contract.id)}/${rowIdOf(shown.id)}?pub_id=${rowIdOf(shown.id)}`,
    );
    // A required setting cannot be cleared.
    const required = await gql(
      `mutation ($id: ID!, $credentials: JSON!) { updateContract(id: $id, input: { credentials: $credentials }) { __typename ... on ValidationError { fieldErrors { path message } } } }`,
      { id: contract.id, credentials: { email: null } },
      outsider,
    );
    expect(required.updateContract.fieldErrors.map((error: { path: string[] }) => error.path)).toEqual([
      ['input', 'credentials', 'email'],
    ]);
  });

  test('an apply link template without {jobId} is refused with its field path', async () => {
    const refused = await connect({
      publicationMode: 'OWN_WEBSITE',
      applyUrlTemplate: 'https://werken.acme.example/solliciteren',
    });
    expect(refused.fieldErrors).toEqual([
      {
        path: ['input', 'credentials', 'applyUrlTemplate'],
        message: 'must be an http(s) URL containing {jobId}, e.g. https://example.org/jobs/{jobId}/apply',
      },
    ]);
  });
});

/** The row id inside a global id (the feed and its links use row ids). */
function rowIdOf(globalId: string): string {
  return Buffer.from(globalId, 'base64').toString('utf8').split(':')[1]!;
}

/** The response body as sent (fetch would decompress it). */
function rawBody(url: string, headers: Record<string, string>): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    get(url, { headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve(Buffer.concat(chunks)));
    }).on('error', reject);
  });
}
