import { BoardError, definePlugin, z, type BoardPostingStatus, type PostingPayload } from '@multiposting/plugin-sdk';

/** The board's own job states, and what each means to the multiposting API. */
const STATES: Record<string, BoardPostingStatus> = {
  LIVE: 'PUBLISHED',
  IN_REVIEW: 'PENDING_REVIEW',
  REJECTED: 'REJECTED',
  CLOSED: 'WITHDRAWN',
};

/** What the board answers about a job. */
const jobSchema = z.object({
  id: z.string(),
  status: z.enum(['LIVE', 'IN_REVIEW', 'REJECTED', 'CLOSED']),
  url: z.string().optional(),
  reason: z.string().optional(),
});

/** Reads the board's answer; anything else is a malformed answer, which may be a passing fault (retryable). */
function readJob(body: unknown) {
  const parsed = jobSchema.safeParse(body);
  if (!parsed.success)
    throw new BoardError({ code: 'BAD_RESPONSE', retryable: true, userMessage: '__NAME__ sent a malformed answer.' });
  return parsed.data;
}

const jobBody = (posting: PostingPayload) => ({
  title: posting.job.title,
  descriptionHtml: posting.job.description,
  city: posting.job.location.city,
  category: posting.boardFields.category,
  remote: posting.boardFields.remote,
  applyUrl: posting.job.applyUrl,
});

export default definePlugin({
  id: '__ID__',
  name: '__NAME__',
  version: '0.1.0',
  sdkVersion: '^__SDK_VERSION__',
  country: 'NL',
  description: 'Describe the board in one sentence.',
  instructions: [
    "1. Sign in to the board's employer portal and open **Settings → API**.",
    '2. Create an **API key** and paste it here.',
  ].join('\n'),
  docsUrl: 'https://example.org/api-docs',
  environments: ['SANDBOX', 'PRODUCTION'],
  credentials: [
    {
      key: 'apiKey',
      label: 'API key',
      help: 'Created in Settings → API.',
      type: 'string',
      required: true,
      secret: true,
    },
  ],
  // Every request to the board carries `Authorization: Bearer <apiKey>`; the functions below never touch the key.
  auth: { type: 'bearer', credential: 'apiKey' },
  capabilities: ['publish', 'update', 'withdraw', 'linkExisting', 'statusPolling'],
  postingFields: z.object({
    category: z.enum(['ENGINEERING', 'SALES', 'CARE']).describe("The board's category code"),
    remote: z.boolean().default(false),
  }),
  postingDefaults: (job) => ({ ...(job.category === 'Sales' ? { category: 'SALES' } : {}) }),

  async verifyCredentials(context) {
    const answer = await context.http.request({ url: '/v1/account', acceptStatuses: [401] });
    return answer.status === 401 ? { ok: false, reason: '__NAME__ does not know this API key.' } : { ok: true };
  },

  async publish(context) {
    const answer = await context.http.request({
      method: 'POST',
      url: '/v1/jobs',
      headers: { 'idempotency-key': context.idempotencyKey },
      json: jobBody(context.posting),
    });
    const job = readJob(answer.body);
    return {
      externalId: job.id,
      ...(job.url ? { externalUrl: job.url } : {}),
      status: job.status === 'IN_REVIEW' ? 'PENDING_REVIEW' : 'PUBLISHED',
    };
  },

  async update(context) {
    const answer = await context.http.request({
      method: 'PUT',
      url: `/v1/jobs/${encodeURIComponent(context.externalId)}`,
      headers: { 'idempotency-key': context.idempotencyKey },
      json: jobBody(context.posting),
    });
    return { status: readJob(answer.body).status === 'IN_REVIEW' ? 'PENDING_REVIEW' : 'PUBLISHED' };
  },

  async withdraw(context) {
    // A job the board already removed is withdrawn: 404 and 410 are success.
    await context.http.request({
      method: 'DELETE',
      url: `/v1/jobs/${encodeURIComponent(context.externalId)}`,
      headers: { 'idempotency-key': context.idempotencyKey },
      acceptStatuses: [404, 410],
    });
  },

  async fetchPosting(context) {
    const answer = await context.http.request({
      url: `/v1/jobs/${encodeURIComponent(context.externalId)}`,
      acceptStatuses: [404],
    });
    if (answer.status === 404) return null;
    const job = readJob(answer.body);
    return {
      status: STATES[job.status]!,
      ...(job.url ? { externalUrl: job.url } : {}),
      ...(job.reason ? { rejectionReason: job.reason } : {}),
    };
  },
});
