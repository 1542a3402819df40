// The read path of a frontend page — a contract, its postings (first 20), their applications (first 5) and each
// candidate — through the HTTP server, against the same data read with one Prisma query with includes and with
// one raw SQL query through pg, in the same run; and the SQL statements the server sends per request.
import { IGB_ACCOUNT } from '../src/plugins/ingoedebanen/simulator.ts';
import { openDatabase } from '../src/db/database.ts';
import { ms, ratio, rawId, startBenchServer, timeRuns, type BenchServer } from './support.ts';
import type { BenchResult } from './index.ts';

const RUNS = Number(process.env.READ_BENCH_RUNS ?? 300);

// Page sizes as variables, as a Relay frontend sends them (with literal sizes the default MAX_COST refuses this page).
const PAGE = `query ($id: ID!, $postings: Int!, $applications: Int!) { contract(id: $id) { id alias status
  postings(first: $postings) { edges { node { id status externalUrl job { id title }
    applications(first: $applications) { edges { node { id stage candidate { id name email } } } } } } } } }`;
const SIZES = { postings: 20, applications: 5 };

const RAW = `
  SELECT c.id, c.alias, c.status, p.id AS posting_id, p.status AS posting_status, p.external_url, j.id AS job_id, j.title,
         a.id AS application_id, a.stage, cd.id AS candidate_id, cd.name, cd.email
  FROM contract c
  LEFT JOIN LATERAL (SELECT * FROM posting WHERE contract_id = c.id ORDER BY created_at DESC, id DESC LIMIT 21) p ON true
  LEFT JOIN job j ON j.id = p.job_id
  LEFT JOIN LATERAL (SELECT * FROM application WHERE posting_id = p.id ORDER BY created_at DESC, id DESC LIMIT 6) a ON true
  LEFT JOIN candidate cd ON cd.id = a.candidate_id
  WHERE c.id = $1 AND c.organization_id = $2`;

/** Two contracts with 10 and 100 postings, 5 applications each, seeded with SQL. */
async function seed(server: BenchServer): Promise<Record<'small' | 'large', { globalId: string; id: string }>> {
  const contracts = {} as Record<'small' | 'large', { globalId: string; id: string }>;
  for (const [size, count] of [
    ['small', 10],
    ['large', 100],
  ] as const) {
    const data = await server.graphql(
      `mutation ($input: ConnectIngoedebanenInput!) { connectIngoedebanen(input: $input) { ... on Contract { id } } }`,
      {
        input: {
          environment: 'PRODUCTION',
          alias: size,
          credentials: { ...IGB_ACCOUNT, publicationMode: 'DEDICATED_MEDIUM' },
        },
      },
    );
    const globalId = data.connectIngoedebanen.id as string;
    const id = rawId(globalId);
    contracts[size] = { globalId, id };
    await server.db.query(
      `WITH jobs AS (
         INSERT INTO job (id, organization_id, title, description, country_code, status, stages, created_at, updated_at)
         SELECT gen_random_uuid(), $1, 'Verpleegkundige ' || g, '<p>Zorg op de afdeling.</p>', 'NL', 'OPEN', ARRAY['Applied'], now(), now()
         FROM generate_series(1, $3::int) g RETURNING id
       ), postings AS (
         INSERT INTO posting (id, organization_id, job_id, contract_id, board_id, status, board_fields, external_id, created_at, updated_at)
         SELECT gen_random_uuid(), $1, jobs.id, $2, 'ingoedebanen', 'PUBLISHED', '{}', gen_random_uuid()::text, now(), now() FROM jobs RETURNING id, job_id
       ), candidates AS (
         INSERT INTO candidate (id, organization_id, name, email, created_at, updated_at)
         SELECT gen_random_uuid(), $1, 'Kandidaat ' || postings.id || '-' || n, postings.id || '-' || n || '@example.org', now(), now()
         FROM postings, generate_series(1, 5) n RETURNING id, email
       )
       INSERT INTO application (id, organization_id, candidate_id, job_id, posting_id, contract_id, board_id, status, stage, board_application_id, applied_at, created_at, updated_at)
       SELECT gen_random_uuid(), $1, candidates.id, postings.job_id, postings.id, $2, 'ingoedebanen', 'ACTIVE', 'Applied', candidates.email, now(), now(), now()
       FROM candidates JOIN postings ON candidates.email LIKE postings.id || '-%'`,
      [server.organizationId, id, count],
    );
  }
  await server.db.query('ANALYZE');
  return contracts;
}

export async function readPathBench(): Promise<BenchResult> {
  const server = await startBenchServer('read');
  const url = server.env.DATABASE_URL!;
  // Prisma as it comes (each statement parsed and planned again), and configured as the server is.
  const local = await openDatabase({ database: { kind: 'postgres', url, poolSize: 2, preparedStatements: 0 } });
  const prepared = await openDatabase({ database: { kind: 'postgres', url, poolSize: 2, preparedStatements: 500 } });
  try {
    const contracts = await seed(server);
    const statements = async () =>
      Number(/^db_statements_total (\d+)$/m.exec(await (await fetch(`${server.base}/metrics`)).text())![1]);
    const statementsFor = async (contract: { globalId: string }) => {
      await server.graphql(PAGE, { id: contract.globalId, ...SIZES });
      const before = await statements();
      await server.graphql(PAGE, { id: contract.globalId, ...SIZES });
      return (await statements()) - before;
    };
    const [small, large] = [await statementsFor(contracts.small), await statementsFor(contracts.large)];

    const target = contracts.large;
    const api = await timeRuns(RUNS, () => server.graphql(PAGE, { id: target.globalId, ...SIZES }));
    const page = (db: typeof local) =>
      db.prisma.contract.findFirst({
        where: { id: target.id, organizationId: server.organizationId },
        include: {
          postings: {
            take: 21,
            orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
            include: {
              job: true,
              applications: { take: 6, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], include: { candidate: true } },
            },
          },
        },
      });
    const prisma = await timeRuns(RUNS, () => page(local));
    const preparedPrisma = await timeRuns(RUNS, () => page(prepared));
    const raw = await timeRuns(RUNS, () => server.db.query(RAW, [target.id, server.organizationId]));
    const check = await server.graphql(PAGE, { id: target.globalId, ...SIZES });
    const rows = check.contract.postings.edges.length as number;
    if (rows !== 20) throw new Error(`The page held ${rows} postings, not 20`);
    return {
      title: 'Read path: contract → 20 postings → 5 applications each → candidate (PostgreSQL)',
      header: ['how', 'median', 'p99', 'vs Prisma include', 'vs raw SQL', 'SQL statements (10 / 100 postings)'],
      rows: [
        [
          'GraphQL over HTTP (auth, limits, metrics)',
          ms(api.median),
          ms(api.p99),
          ratio(api.median / prisma.median),
          ratio(api.median / raw.median),
          `${small} / ${large}`,
        ],
        [
          'one Prisma query with includes',
          ms(prisma.median),
          ms(prisma.p99),
          ratio(1),
          ratio(prisma.median / raw.median),
          '—',
        ],
        [
          'the same Prisma query, its statements prepared as the server prepares them',
          ms(preparedPrisma.median),
          ms(preparedPrisma.p99),
          ratio(preparedPrisma.median / prisma.median),
          ratio(preparedPrisma.median / raw.median),
          '—',
        ],
        ['one raw SQL query (pg)', ms(raw.median), ms(raw.p99), ratio(raw.median / prisma.median), ratio(1), '1'],
      ],
    };
  } finally {
    await Promise.all([local.close(), prepared.close()]);
    await server.stop();
  }
}
