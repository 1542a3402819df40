import { createHash, randomUUID } from 'node:crypto';
import { XMLValidator } from 'fast-xml-parser';
import fc from 'fast-check';
import {
  getNullableType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isScalarType,
  type GraphQLInputType,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { topcvDelivery, TOPCV_EMPLOYERS } from '../../src/plugins/topcv/simulator.ts';
import { startTestServer, TEST_DB, type TestServer } from '../support/server.ts';
import { operationFor, rootFields } from './schema-walk.ts';

/**
 * Property tests over every mutation's input (generated from the printed schema), the webhook, feed and
 * application-page routes: random, boundary, unicode, huge and injection values, and wrong types. Never a 5xx or
 * an unexpected (masked) error; a refused mutation changes no row; no stored description keeps active HTML; the
 * feed stays well-formed XML. FUZZ_RUNS sets the runs per property (default 25).
 */

const RUNS = Number(process.env.FUZZ_RUNS ?? 25);
const NASTY = [
  "'; DROP TABLE job; --",
  "' OR '1'='1",
  '"; SELECT pg_sleep(5); --',
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '<a href="javascript:alert(1)">x</a>',
  '<iframe src="https://evil.example"></iframe>',
  '<style>body{display:none}</style><p style="x">y</p>',
  ']]><!ENTITY xxe SYSTEM "file:///etc/passwd"><x>&xxe;</x>',
  '<?xml version="1.0"?><!DOCTYPE a [<!ENTITY b "c">]>&b;',
  '\u0000\u0001\u0007\u001b\u007f\ud800',
  '\u202e\u200b\ufeff𝕏👩‍👩‍👧‍👦',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template-injection probe, sent as plain text.
  '%s%n%x{0}${7*7}{{7*7}}',
  '../../../../etc/passwd',
  'a'.repeat(100_000),
  '',
  ' ',
];

const stringValue = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...NASTY) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 60 }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 20 }) },
  { weight: 1, arbitrary: fc.emailAddress() },
);
const intValue = fc.oneof(fc.constantFrom(0, -1, 1, 2 ** 31 - 1, -(2 ** 31), 100_000_000), fc.integer());
const floatValue = fc.oneof(
  fc.constantFrom(0, -0.5, 1e308, -1e308, 5e-324),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);
/** A value of the wrong kind, which GraphQL's coercion must refuse (or a JSON scalar must carry). */
const wrongType = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.string({ maxLength: 5 }),
  fc.constant({ nested: [1, { deep: true }] }),
  fc.constant([]),
);

let ids: string[] = [];

/** Every byte percent-encoded (lone surrogates included), so any string can go into a path. */
const percentEncoded = (value: string) =>
  [...Buffer.from(value, 'utf8')].map((byte) => `%${byte.toString(16).padStart(2, '0')}`).join('');

function valueFor(type: GraphQLInputType, depth = 0): fc.Arbitrary<unknown> {
  const required = isNonNullType(type);
  const inner = getNullableType(type) as GraphQLInputType;
  let value: fc.Arbitrary<unknown>;
  if (isListType(inner)) value = fc.array(valueFor(inner.ofType, depth + 1), { maxLength: depth > 2 ? 1 : 4 });
  else if (isEnumType(inner)) value = fc.constantFrom(...inner.getValues().map((entry) => entry.name));
  else if (isInputObjectType(inner)) {
    const fields = Object.values(inner.getFields());
    value =
      depth > 3
        ? fc.constant({})
        : fc.record(Object.fromEntries(fields.map((field) => [field.name, valueFor(field.type, depth + 1)])), {
            requiredKeys: fields.filter((field) => isNonNullType(field.type)).map((field) => field.name),
          });
  } else if (isScalarType(inner)) {
    value =
      {
        ID: fc.oneof(fc.constantFrom(...(ids.length ? ids : ['x'])), stringValue),
        String: stringValue,
        Int: intValue,
        Float: floatValue,
        Boolean: fc.boolean(),
        DateTime: fc.oneof(
          fc.date({ noInvalidDate: true }).map((date) => date.toISOString()),
          stringValue,
        ),
        JSON: fc.oneof(
          fc.jsonValue({ maxDepth: 3 }),
          fc.dictionary(
            fc.constantFrom('job_family_category', 'locations', 'romeCode', 'category', 'salary_type', 'deadline', 'x'),
            fc.oneof(stringValue, intValue, fc.array(stringValue, { maxLength: 3 })),
          ),
        ),
      }[inner.name] ?? stringValue;
  } else value = stringValue;
  const withWrong = fc.oneof({ weight: 9, arbitrary: value }, { weight: 1, arbitrary: wrongType });
  return required ? withWrong : fc.option(withWrong, { nil: undefined, freq: 4 });
}

let server: TestServer;
let token: string;

// Once, on PostgreSQL: the properties are about the API, and PGlite would double the time for the same answers.
describe.runIf(TEST_DB === 'postgres')('fuzzing', () => {
  beforeAll(async () => {
    // No worker: nothing changes the database but the requests themselves. Boards cannot be reached (a closed port).
    const closed = 'http://127.0.0.1:9';
    server = await startTestServer({
      env: {
        WORKER: 'false',
        BOARD_BASE_URLS: ['topcv', 'france-travail', 'le-forem', 'ingoedebanen']
          .map((board) => `${board}=${closed}`)
          .join(','),
        BOARD_TIMEOUT_MS: '500',
        RATE_LIMIT_MUTATIONS_PER_MINUTE: '0',
        RATE_LIMIT_TOKEN_CREATIONS_PER_HOUR: '0',
        RATE_LIMIT_WEBHOOKS_PER_MINUTE: '0',
        RATE_LIMIT_APPLICATIONS_PER_HOUR: '0',
        MAX_REQUEST_BYTES: String(8 * 1024 * 1024),
      },
    });
    token = await server.tokenFor('fuzz');
    const job = await server.graphql(
      `mutation { createJob(input: { title: "Seed", description: "<p>Seed</p>" }) { ... on Job { id } } }`,
      { token },
    );
    const contract = await server.graphql(
      `mutation { connectIngoedebanen(input: { environment: PRODUCTION, credentials: { email: "f@fuzz.example", clientId: "40213", publicationMode: DEDICATED_MEDIUM } }) { ... on Contract { id } } }`,
      { token },
    );
    const user = await server.graphql(`{ viewer { user { id } } }`, { token });
    ids = [
      job.body.data!.createJob.id,
      contract.body.data!.connectIngoedebanen.id,
      user.body.data!.viewer.user.id,
      'Sm9iOm5vdC1hLXV1aWQ=',
      'UG9zdGluZzowMDAwMDAwMC0wMDAwLTAwMDAtMDAwMC0wMDAwMDAwMDAwMDA=',
    ];
  });
  afterAll(async () => {
    await server?.stop();
  });

  /** A digest of every row of every table (the API token's last use aside), to see that a refusal changed nothing. */
  async function databaseDigest(): Promise<string> {
    const dump = await server.app.db.sql.withSession(async (session) => {
      const tables = await session.query<{ tablename: string }>(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename",
      );
      const parts: unknown[] = [];
      for (const { tablename } of tables) {
        const rows = await session.query<Record<string, unknown>>(`SELECT * FROM "${tablename}"`);
        parts.push(tablename, rows.map(({ last_used_at: _lastUsed, ...row }) => JSON.stringify(row)).sort());
      }
      return JSON.stringify(parts);
    });
    return createHash('sha256').update(dump).digest('hex');
  }

  const ACTIVE_HTML = /<\s*(script|iframe|style|object|embed|form|svg|math)\b|\son[a-z]+\s*=|javascript:/i;
  let fuzzed = 0;

  describe('mutations with generated input', () => {
    const operations = rootFields('Mutation').map((field) => ({
      field,
      query: operationFor('mutation', field, 0, '{ __typename }'),
    }));

    test.each(operations.map(({ field, query }) => [field.name, field, query] as const))(
      '%s',
      async (_name, field, query) => {
        const variables = fc.record(
          Object.fromEntries(field.args.map((argument) => [argument.name, valueFor(argument.type)])),
        );
        await fc.assert(
          fc.asyncProperty(variables, async (generated) => {
            const before = await databaseDigest();
            const response = await fetch(`${server.url}/graphql`, {
              method: 'POST',
              headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
              body: JSON.stringify({ query, variables: generated }),
            });
            fuzzed += 1;
            expect(response.status).toBeLessThan(500);
            const body = (await response.json()) as {
              data?: Record<string, { __typename: string } | null>;
              errors?: { message: string }[];
            };
            expect(body.errors?.map((error) => error.message) ?? []).not.toContain('Unexpected error.');
            const typename = body.data?.[field.name]?.__typename;
            const refused =
              !typename ||
              /Error$|^ContractStateError$|^NotEnoughCredits$|^JobInUse$|^NotPending$|^PostingExists$|^UnsupportedOperation$/.test(
                typename,
              );
            if (refused)
              expect(
                await databaseDigest(),
                `${field.name} refused (${typename ?? body.errors?.[0]?.message}) but changed rows`,
              ).toBe(before);
          }),
          { numRuns: RUNS },
        );
      },
    );

    test('no stored job description keeps active HTML, whether created or updated', async () => {
      const html = fc.oneof(
        fc.constantFrom(...NASTY.filter((value) => value.includes('<'))),
        fc
          .array(
            fc.constantFrom(
              '<p>',
              '</p>',
              '<b onclick="x()">',
              '<a href="javascript:x">',
              '<script>',
              '</script>',
              '<svg onload=x>',
              '<ul><li>',
              'text',
              '<style>',
              '<!--',
              '-->',
              '<form>',
              '&lt;script&gt;',
            ),
            { minLength: 1, maxLength: 12 },
          )
          .map((parts) => parts.join('')),
      );
      let stored = 0;
      await fc.assert(
        fc.asyncProperty(html, html, async (created, updated) => {
          const job = await server.graphql(
            `mutation ($input: CreateJobInput!) { createJob(input: $input) { __typename ... on Job { id } } }`,
            { token, variables: { input: { title: 'Fuzzed', description: created } } },
          );
          fuzzed += 1;
          expect(job.status).toBeLessThan(500);
          if (job.body.data?.createJob.__typename !== 'Job') return;
          stored += 1;
          await server.graphql(
            `mutation ($id: ID!, $input: UpdateJobInput!) { updateJob(id: $id, input: $input) { __typename } }`,
            { token, variables: { id: job.body.data.createJob.id, input: { description: updated } } },
          );
          fuzzed += 1;
        }),
        { numRuns: RUNS * 2 },
      );
      expect(stored).toBeGreaterThan(RUNS / 2);
      const descriptions = await server.app.db.prisma.job.findMany({ select: { description: true } });
      for (const { description } of descriptions) expect(description).not.toMatch(ACTIVE_HTML);
    });
  });

  test('a NUL character or half a surrogate pair, which PostgreSQL cannot store, is refused before execution', async () => {
    const variable = await server.graphql(
      `mutation ($name: String!) { createApiToken(input: { name: $name, scopes: [READ] }) { __typename } }`,
      { token, variables: { name: 'ci\u0000' } },
    );
    const literal = await server.graphql(
      `mutation { createJob(input: { title: "a\\u0000b", description: "<p>x</p>" }) { __typename } }`,
      { token },
    );
    for (const response of [variable, literal]) {
      expect(response.status).toBe(400);
      expect(response.body).toEqual({
        errors: [
          expect.objectContaining({
            message: 'Text cannot contain the NUL character (U+0000).',
            extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }),
          }),
        ],
      });
    }
    // Half of a surrogate pair, which a JSON variable can carry and a JSON column (board fields) cannot hold.
    const halfPair = await server.graphql(
      `mutation ($input: CreateJobInput!) { createJob(input: $input) { __typename } }`,
      { token, variables: { input: { title: 'Half\ud800pair', description: '<p>x</p>' } } },
    );
    expect(halfPair.status).toBe(400);
    expect(halfPair.body.errors?.[0]).toMatchObject({
      message: 'Text cannot contain half of a UTF-16 surrogate pair (U+D800 to U+DFFF alone).',
      extensions: { code: 'BAD_USER_INPUT' },
    });
  });

  describe('routes with generated requests', () => {
    test('the feed of jobs with hostile titles and descriptions stays well-formed XML', async () => {
      const contract = await server.graphql(
        `mutation { connectIngoedebanen(input: { environment: PRODUCTION, credentials: { email: "x@fuzz.example", clientId: "40214", publicationMode: DEDICATED_MEDIUM } }) { ... on Contract { id feedUrl } } }`,
        { token },
      );
      const { id: contractId, feedUrl } = contract.body.data!.connectIngoedebanen;
      await fc.assert(
        fc.asyncProperty(stringValue, stringValue, async (title, description) => {
          const job = await server.graphql(
            `mutation ($input: CreateJobInput!) { createJob(input: $input) { __typename ... on Job { id } } }`,
            {
              token,
              variables: {
                input: {
                  title: title.slice(0, 150) || 'x',
                  description: description || 'x',
                  location: { city: 'Utrecht', countryCode: 'NL' },
                },
              },
            },
          );
          fuzzed += 1;
          if (job.body.data?.createJob.__typename !== 'Job') return;
          await server.graphql(
            `mutation ($input: PublishPostingInput!) { publishPosting(input: $input) { __typename } }`,
            { token, variables: { input: { jobId: job.body.data.createJob.id, contractId, boardFields: {} } } },
          );
          const feed = await fetch(feedUrl);
          expect(feed.status).toBe(200);
          const xml = await feed.text();
          expect(XMLValidator.validate(xml)).toBe(true);
          expect(xml).not.toMatch(/<script|<!ENTITY|<!DOCTYPE/i);
        }),
        { numRuns: RUNS },
      );
    });

    test('webhook deliveries: random bytes, random JSON, signed junk, random paths and headers are never a 5xx', async () => {
      const [key, employer] = Object.entries(TOPCV_EMPLOYERS)[0]!;
      const contract = await server.graphql(
        `mutation ($input: ConnectTopcvInput!) { connectTopcv(input: $input) { ... on Contract { webhookUrl } } }`,
        {
          token,
          variables: {
            input: { environment: 'PRODUCTION', credentials: { employerApiKey: key, secretKey: employer.secretKey } },
          },
        },
      );
      const url = contract.body.data!.connectTopcv.webhookUrl as string;
      const body = fc.oneof(
        fc.uint8Array({ maxLength: 2000 }).map((bytes) => Buffer.from(bytes)),
        fc.jsonValue({ maxDepth: 4 }).map((value) => Buffer.from(JSON.stringify(value))),
        fc
          .record({
            event: fc.oneof(
              fc.constantFrom('application.created', 'job.approved', 'job.rejected', 'job.expired'),
              stringValue,
            ),
            data: fc.jsonValue({ maxDepth: 3 }),
          })
          .map((value) => Buffer.from(JSON.stringify(value))),
      );
      const target = fc.oneof(
        { weight: 3, arbitrary: fc.constant(url) },
        {
          weight: 1,
          arbitrary: stringValue.map((tail) => `${server.url}/webhooks/${percentEncoded(tail.slice(0, 200))}`),
        },
      );
      await fc.assert(
        fc.asyncProperty(
          body,
          target,
          fc.boolean(),
          fc.dictionary(
            fc.constantFrom('x-topcv-signature', 'x-topcv-timestamp', 'x-topcv-delivery', 'content-type'),
            stringValue.map((value) => value.replace(/[^\x20-\x7e]/g, '').slice(0, 500)),
          ),
          async (payload, address, sign, headers) => {
            const signed = sign
              ? topcvDelivery(employer.secretKey, {} as never, { rawBody: payload.toString('utf8') }).headers
              : {};
            const response = await fetch(address, {
              method: 'POST',
              headers: { ...headers, ...signed },
              body: sign ? payload.toString('utf8') : payload,
            });
            fuzzed += 1;
            expect(response.status, address).toBeLessThan(500);
            await response.arrayBuffer();
          },
        ),
        { numRuns: RUNS * 4 },
      );
    });

    test('feed and application-page paths, and application forms, are never a 5xx', async () => {
      const path = fc.oneof(
        stringValue.map((value) => percentEncoded(value.slice(0, 300))),
        fc.webPath(),
      );
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom('/feeds/ingoedebanen/', '/feeds/', '/apply/', '/documents/'),
          path,
          fc.constantFrom('GET', 'HEAD', 'POST', 'PUT'),
          async (prefix, tail, method) => {
            const response = await fetch(`${server.url}${prefix}${tail}`, {
              method,
              ...(method === 'POST' || method === 'PUT' ? { body: tail } : {}),
            });
            fuzzed += 1;
            expect(response.status, `${method} ${prefix}${tail}`).toBeLessThan(500);
            await response.arrayBuffer();
          },
        ),
        { numRuns: RUNS * 4 },
      );
      // A real application page, with generated form fields.
      const feed = await (
        await fetch(
          (
            await server.graphql(`{ contracts(first: 5) { edges { node { feedUrl } } } }`, { token })
          ).body.data!.contracts.edges.find((edge: { node: { feedUrl: string | null } }) => edge.node.feedUrl).node
            .feedUrl,
        )
      ).text();
      const applyUrl = /<applyUrl>([^<]+)<\/applyUrl>/.exec(feed)?.[1];
      if (!applyUrl) return;
      await fc.assert(
        fc.asyncProperty(
          fc.dictionary(fc.constantFrom('submissionId', 'name', 'email', 'phone', 'consent', 'cv'), stringValue),
          fc.boolean(),
          async (fields, withId) => {
            const form = new FormData();
            for (const [name, value] of Object.entries(fields)) form.set(name, value);
            if (withId) form.set('submissionId', randomUUID());
            const response = await fetch(applyUrl, { method: 'POST', body: form });
            fuzzed += 1;
            expect(response.status).toBeLessThan(500);
            expect(await response.text()).not.toMatch(/<script>alert/);
          },
        ),
        { numRuns: RUNS * 2 },
      );
    });

    afterAll(() => {
      console.log(`fuzz: ${fuzzed} generated requests`);
    });
  });
});
