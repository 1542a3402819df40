import { startSimulator } from 'multiposting-api/sandbox';

/** The part of the Fjord Jobs API the plugin uses, with these accounts: employer → API key. */
export const ACCOUNTS: Record<string, { apiKey: string; active: boolean }> = {
  '123456': { apiKey: 'fj-live-7d1f0c2a9b8e4c55', active: true },
  '654321': { apiKey: 'fj-live-closed-account-01', active: false },
};

export interface FjordJob {
  id: string;
  employer: string;
  title: string;
  sector: string;
  municipality: string;
}

/** The simulator's state, to assert on in tests: jobs by id, and how many were created per idempotency key. */
export interface FjordJobsState {
  jobs: Map<string, FjordJob>;
  createdPerKey: Map<string, number>;
}

const SECTORS = ['FISHERIES', 'ENERGY', 'TOURISM', 'PUBLIC'];

export async function startFjordJobsSimulator() {
  const state: FjordJobsState = { jobs: new Map(), createdPerKey: new Map() };
  const byKey = new Map<string, FjordJob>();
  const simulator = await startSimulator({
    'GET /v1/employers/:number': ({ params, headers }) => {
      const account = ACCOUNTS[params.number!];
      if (!account) return { status: 404, json: { error: 'unknown employer' } };
      if (headers['x-api-key'] !== account.apiKey) return { status: 401, json: { error: 'invalid api key' } };
      return { json: { number: params.number, active: account.active } };
    },
    'POST /v1/employers/:number/jobs': ({ params, headers, body }) => {
      const account = ACCOUNTS[params.number!];
      if (!account || headers['x-api-key'] !== account.apiKey) return { status: 401, json: { error: 'invalid api key' } };
      const key = String(headers['idempotency-key'] ?? '');
      if (!key) return { status: 400, json: { error: 'Idempotency-Key header is required' } };
      const existing = byKey.get(key);
      if (existing) return { status: 200, json: { id: existing.id, url: `https://fjordjobs.example/jobs/${existing.id}` } };
      const input = body as Record<string, unknown>;
      const problems = [
        ...(typeof input.title === 'string' && input.title.length > 0 ? [] : ['title']),
        ...(SECTORS.includes(String(input.sector)) ? [] : ['sector']),
        ...(typeof input.municipality === 'string' ? [] : ['municipality']),
      ];
      if (problems.length > 0) return { status: 422, json: { error: 'invalid fields', fields: problems } };
      const job: FjordJob = { id: `fj-${state.jobs.size + 1}`, employer: params.number!, title: String(input.title), sector: String(input.sector), municipality: String(input.municipality) };
      state.jobs.set(job.id, job);
      byKey.set(key, job);
      state.createdPerKey.set(key, (state.createdPerKey.get(key) ?? 0) + 1);
      return { status: 201, json: { id: job.id, url: `https://fjordjobs.example/jobs/${job.id}` } };
    },
  });
  return Object.assign(simulator, { state });
}
