import { createHmac, randomUUID } from 'node:crypto';
import { type RouteHandler, startSimulator, type SignedDelivery } from '@multiposting/plugin-sdk/simulator';

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
  /** The screening questions it asks on its apply form. */
  questions: { id: string; text: string; kind: string; options: string[]; required: boolean }[];
  status: 'LIVE' | 'IN_REVIEW' | 'REJECTED' | 'CLOSED';
  reason?: string;
}

/** The simulator's state, to assert on in tests: jobs by id, and how many were created per idempotency key. */
export interface FjordJobsState {
  jobs: Map<string, FjordJob>;
  createdPerKey: Map<string, number>;
}

const SECTORS = ['FISHERIES', 'ENERGY', 'TOURISM', 'PUBLIC'];
/** Municipalities merged away in Norway's 2020 reform: Fjord Jobs' register refuses them and names the new one. */
const MERGED: Record<string, string> = { Fjell: 'Øygarden', Sund: 'Øygarden', Tjøme: 'Færder', Nøtterøy: 'Færder' };

const view = (job: FjordJob) => ({
  id: job.id,
  status: job.status,
  url: `https://fjordjobs.example/jobs/${job.id}`,
  ...(job.reason ? { reason: job.reason } : {}),
});

export interface FjordApplicant {
  name: string;
  email?: string;
  phone?: string;
  resume?: { filename: string; mimeType: string; data: string };
  /** Answers to the job's screening questions, by question id, as given on the apply form. */
  answers?: Record<string, string | string[] | boolean>;
}

/** A webhook delivery as Fjord Jobs signs them, under the employer's API key; an old `timestamp` makes a replay. */
export function fjordDelivery(
  employer: string,
  body: unknown,
  options: { deliveryId?: string; timestamp?: number; apiKey?: string; rawBody?: string } = {},
): SignedDelivery {
  const text = options.rawBody ?? JSON.stringify(body);
  const t = String(options.timestamp ?? Math.floor(Date.now() / 1000));
  const key = options.apiKey ?? ACCOUNTS[employer]!.apiKey;
  const v1 = createHmac('sha256', key).update(`${t}.${text}`).digest('hex');
  return {
    headers: { 'fjord-signature': `t=${t},v1=${v1}`, 'fjord-delivery-id': options.deliveryId ?? randomUUID() },
    body: text,
  };
}

const RESUME = Buffer.from('%PDF-1.4 Kari Nordmann').toString('base64');

/** Deliveries of each kind Fjord Jobs sends, all about job fj-1, and the events each means (for the conformance kit). */
export const FJORD_WEBHOOK_SAMPLES = [
  {
    name: 'an approval',
    body: JSON.stringify({ type: 'job.reviewed', jobId: 'fj-1', approved: true }),
    events: [{ type: 'posting.reviewed', externalId: 'fj-1', approved: true }],
  },
  {
    name: 'a rejection with its reason',
    body: JSON.stringify({ type: 'job.reviewed', jobId: 'fj-1', approved: false, reason: 'Salary missing' }),
    events: [{ type: 'posting.reviewed', externalId: 'fj-1', approved: false, reason: 'Salary missing' }],
  },
  {
    name: 'an application with a CV',
    body: JSON.stringify({
      type: 'application.received',
      applicationId: 'kit-2',
      jobId: 'fj-1',
      applicant: { name: 'Kari Nordmann', email: 'kari@example.no' },
      resume: { filename: 'cv.pdf', mimeType: 'application/pdf', data: RESUME },
    }),
    events: [
      {
        type: 'candidate.applied',
        applicationId: 'kit-2',
        externalPostingId: 'fj-1',
        candidate: { name: 'Kari Nordmann', email: 'kari@example.no' },
        document: { fileName: 'cv.pdf', contentBase64: RESUME },
      },
    ],
  },
  {
    name: "an application with the answers to the job's screening questions",
    body: JSON.stringify({
      type: 'application.received',
      applicationId: 'kit-3',
      jobId: 'fj-1',
      applicant: { name: 'Ola Nordmann' },
      answers: [{ questionId: 'licence', question: 'Do you hold a forklift licence?', answer: false }],
    }),
    events: [
      {
        type: 'candidate.applied',
        applicationId: 'kit-3',
        externalPostingId: 'fj-1',
        candidate: { name: 'Ola Nordmann' },
        answers: [{ questionId: 'licence', question: 'Do you hold a forklift licence?', answer: false }],
      },
    ],
  },
];

/** The fields Fjord Jobs refuses, with its reasons (a 422 lists them all). */
function invalidFields(input: Record<string, unknown>): { field: string; message: string }[] {
  const problems: { field: string; message: string }[] = [];
  if (!(typeof input.title === 'string' && input.title.length > 0))
    problems.push({ field: 'title', message: 'is required' });
  if (!SECTORS.includes(String(input.sector)))
    problems.push({ field: 'sector', message: 'is not a Fjord Jobs sector' });
  if (typeof input.municipality !== 'string') problems.push({ field: 'municipality', message: 'is required' });
  const merged = MERGED[String(input.municipality)];
  if (merged) {
    const message = `${String(input.municipality)} merged into ${merged} in 2020; use ${merged}`;
    problems.push({ field: 'municipality', message });
  }
  return problems;
}

/** The answer to a job that is not the caller's to see. */
const refused = (reason: 'unauthorized' | 'not found') => ({
  status: reason === 'unauthorized' ? 401 : 404,
  json: { error: reason },
});

/** Fjord Jobs' employer API over `state`: jobs created once per Idempotency-Key, read, replaced, closed. */
function jobRoutes(state: FjordJobsState, updates: string[]): Record<string, RouteHandler> {
  const byKey = new Map<string, FjordJob>();
  function owned(employer: string, id: string, apiKey: unknown): FjordJob | 'unauthorized' | 'not found' {
    const account = ACCOUNTS[employer];
    if (!account || apiKey !== account.apiKey) return 'unauthorized';
    const job = state.jobs.get(id);
    return job && job.employer === employer ? job : 'not found';
  }

  return {
    'GET /v1/employers/:number': ({ params, headers }) => {
      const account = ACCOUNTS[params.number!];
      if (!account) return { status: 404, json: { error: 'unknown employer' } };
      if (headers['x-api-key'] !== account.apiKey) return { status: 401, json: { error: 'invalid api key' } };
      return { json: { number: params.number, active: account.active } };
    },
    'POST /v1/employers/:number/jobs': ({ params, headers, body }) => {
      const account = ACCOUNTS[params.number!];
      if (!account || headers['x-api-key'] !== account.apiKey)
        return { status: 401, json: { error: 'invalid api key' } };
      const key = String(headers['idempotency-key'] ?? '');
      if (!key) return { status: 400, json: { error: 'Idempotency-Key header is required' } };
      const existing = byKey.get(key);
      if (existing) return { status: 200, json: view(existing) };
      const input = body as Record<string, unknown>;
      const problems = invalidFields(input);
      if (problems.length > 0) return { status: 422, json: { error: 'invalid fields', fields: problems } };
      const job: FjordJob = {
        id: `fj-${state.jobs.size + 1}`,
        employer: params.number!,
        title: String(input.title),
        sector: String(input.sector),
        municipality: String(input.municipality),
        questions: Array.isArray(input.questions) ? (input.questions as FjordJob['questions']) : [],
        status: input.sector === 'PUBLIC' ? 'IN_REVIEW' : 'LIVE',
      };
      state.jobs.set(job.id, job);
      byKey.set(key, job);
      state.createdPerKey.set(key, (state.createdPerKey.get(key) ?? 0) + 1);
      return { status: 201, json: view(job) };
    },
    'GET /v1/employers/:number/jobs/:id': ({ params, headers }) => {
      const job = owned(params.number!, params.id!, headers['x-api-key']);
      return typeof job === 'string' ? refused(job) : { json: view(job) };
    },
    'PUT /v1/employers/:number/jobs/:id': ({ params, headers, body }) => {
      const job = owned(params.number!, params.id!, headers['x-api-key']);
      if (typeof job === 'string') return refused(job);
      if (job.status === 'CLOSED') return { status: 409, json: { error: 'job is closed' } };
      const input = body as Record<string, unknown>;
      Object.assign(job, {
        title: String(input.title ?? job.title),
        sector: String(input.sector ?? job.sector),
        municipality: String(input.municipality ?? job.municipality),
        questions: Array.isArray(input.questions) ? input.questions : job.questions,
      });
      // A rejected job that is corrected goes back to Fjord Jobs' review.
      if (job.status === 'REJECTED') Object.assign(job, { status: 'IN_REVIEW', reason: undefined });
      updates.push(job.id);
      return { json: view(job) };
    },
    'DELETE /v1/employers/:number/jobs/:id': ({ params, headers }) => {
      const job = owned(params.number!, params.id!, headers['x-api-key']);
      if (typeof job === 'string') return refused(job);
      job.status = 'CLOSED';
      return { status: 204 };
    },
  };
}

export async function startFjordJobsSimulator() {
  const state: FjordJobsState = { jobs: new Map(), createdPerKey: new Map() };
  const updates: string[] = [];
  const simulator = await startSimulator(jobRoutes(state, updates));
  return Object.assign(simulator, {
    state,
    updates,
    /** Fjord Jobs' reviewer decides on a job in review; returns the webhook delivery that announces it. */
    review(id: string, approved: boolean, reason?: string): SignedDelivery {
      const job = state.jobs.get(id);
      if (job?.status !== 'IN_REVIEW') throw new Error(`Job ${id} is not in review`);
      job.status = approved ? 'LIVE' : 'REJECTED';
      if (reason) job.reason = reason;
      return fjordDelivery(job.employer, { type: 'job.reviewed', jobId: id, approved, ...(reason ? { reason } : {}) });
    },
    /** Someone applies to a job on Fjord Jobs; returns the webhook delivery that brings the application. */
    apply(id: string, applicant: FjordApplicant, applicationId: string = randomUUID()): SignedDelivery {
      const job = state.jobs.get(id);
      if (!job) throw new Error(`No job ${id}`);
      const { resume, answers, ...person } = applicant;
      return fjordDelivery(job.employer, {
        type: 'application.received',
        applicationId,
        jobId: id,
        applicant: person,
        ...(resume ? { resume } : {}),
        ...(answers
          ? {
              answers: job.questions.flatMap((question) =>
                question.id in answers
                  ? [{ questionId: question.id, question: question.text, answer: answers[question.id] }]
                  : [],
              ),
            }
          : {}),
      });
    },
    /** A job created directly on Fjord Jobs, outside the API. */
    createDirectly(employer: string, title: string): FjordJob {
      const job: FjordJob = {
        id: `fj-${state.jobs.size + 1}`,
        employer,
        title,
        sector: 'TOURISM',
        municipality: 'Ålesund',
        questions: [],
        status: 'LIVE',
      };
      state.jobs.set(job.id, job);
      return job;
    },
  });
}
