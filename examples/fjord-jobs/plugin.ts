import {
  assertFreshTimestamp,
  BoardError,
  boardErrorForStatus,
  definePlugin,
  hmacSha256Matches,
  WebhookError,
  z,
  type BoardPostingStatus,
  type PostingPayload,
  type WebhookEvent,
} from '@multiposting/plugin-sdk';

/** Fjord Jobs' own job states. */
const STATES: Record<string, BoardPostingStatus> = {
  LIVE: 'PUBLISHED',
  IN_REVIEW: 'PENDING_REVIEW',
  REJECTED: 'REJECTED',
  CLOSED: 'WITHDRAWN',
};

const jobBody = (posting: PostingPayload) => ({
  title: posting.job.title,
  descriptionHtml: posting.job.description,
  sector: posting.boardFields.sector,
  remote: posting.boardFields.remote,
  municipality: posting.boardFields.municipality,
  applyUrl: posting.job.applyUrl,
  // Fjord Jobs asks the job's screening questions on its own apply form (the `questions` capability).
  questions: (posting.job.questions ?? []).map(({ id, text, kind, options, required }) => ({
    id,
    text,
    kind,
    options,
    required,
  })),
});

/** What Fjord Jobs posts to the webhook URL. */
const webhookSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('job.reviewed'),
    jobId: z.string(),
    approved: z.boolean(),
    reason: z.string().optional(),
  }),
  z.object({
    type: z.literal('application.received'),
    applicationId: z.string(),
    jobId: z.string(),
    applicant: z.object({ name: z.string(), email: z.string().optional(), phone: z.string().optional() }),
    resume: z.object({ filename: z.string(), mimeType: z.string(), data: z.string() }).optional(),
    answers: z
      .array(
        z.object({
          questionId: z.string(),
          question: z.string(),
          answer: z.union([z.string(), z.array(z.string()), z.boolean()]),
        }),
      )
      .optional(),
  }),
]);

function webhookEvent(body: z.infer<typeof webhookSchema>): WebhookEvent {
  if (body.type === 'job.reviewed') {
    return {
      type: 'posting.reviewed',
      externalId: body.jobId,
      approved: body.approved,
      ...(body.reason ? { reason: body.reason } : {}),
    };
  }
  const { applicant, resume } = body;
  return {
    type: 'candidate.applied',
    applicationId: body.applicationId,
    externalPostingId: body.jobId,
    candidate: {
      name: applicant.name,
      ...(applicant.email ? { email: applicant.email } : {}),
      ...(applicant.phone ? { phone: applicant.phone } : {}),
      countryCode: 'NO',
    },
    ...(resume
      ? { document: { fileName: resume.filename, contentType: resume.mimeType, contentBase64: resume.data } }
      : {}),
    ...(body.answers ? { answers: body.answers } : {}),
  };
}

/** Fjord Jobs' 422 names the fields it refused: the recruiter sees each on the posting's board field. */
function refusal(body: unknown): BoardError {
  const parsed = z
    .object({ fields: z.array(z.object({ field: z.string(), message: z.string() })).min(1) })
    .safeParse(body);
  if (!parsed.success) return boardErrorForStatus(422, null, 'Fjord Jobs');
  return new BoardError({
    code: 'VALIDATION',
    retryable: false,
    status: 422,
    userMessage: `Fjord Jobs refused the job: ${parsed.data.fields.map((problem) => `${problem.field} ${problem.message}`).join('; ')}.`,
    fields: parsed.data.fields
      .filter((problem) => BOARD_FIELDS.has(problem.field))
      .map((problem) => ({ path: [problem.field], message: problem.message })),
  });
}

/** The fields of the Fjord Jobs API that are board fields here (the others come from the job). */
const BOARD_FIELDS = new Set(['sector', 'remote', 'municipality']);

const jobsPath = (employerNumber: unknown, id?: string) =>
  `/v1/employers/${encodeURIComponent(String(employerNumber))}/jobs${id === undefined ? '' : `/${encodeURIComponent(id)}`}`;

/** Fjord Jobs, a fictional Norwegian job board: an API key per employer, a sandbox and production. */
export default definePlugin({
  id: 'fjord-jobs',
  name: 'Fjord Jobs',
  version: '0.1.0',
  sdkVersion: '^1.0.0',
  country: 'NO',
  description: 'Vacancies along the Norwegian coast, from Bergen to Tromsø.',
  instructions: [
    '1. Sign in to the Fjord Jobs employer portal and open **Settings → API**.',
    '2. Copy your six-digit **employer number** and create an **API key**.',
    '3. Paste both here and accept the Fjord Jobs publication terms.',
  ].join('\n'),
  docsUrl: 'https://developers.fjordjobs.example/api',
  environments: ['SANDBOX', 'PRODUCTION'],
  credentials: [
    {
      key: 'employerNumber',
      label: 'Employer number',
      help: 'Six digits, shown in Settings → API.',
      type: 'string',
      required: true,
      secret: false,
      pattern: { regex: '\\d{6}', message: 'must be six digits' },
    },
    { key: 'apiKey', label: 'API key', type: 'string', required: true, secret: true },
  ],
  confirmations: [{ key: 'termsAccepted', label: 'The Fjord Jobs publication terms are accepted.' }],
  // Public-sector jobs are reviewed by Fjord Jobs before they go live. Its webhooks bring the verdict and the
  // applications; the core also polls, in case a webhook is not set up.
  capabilities: [
    'publish',
    'update',
    'withdraw',
    'linkExisting',
    'statusPolling',
    'webhooks',
    'candidates',
    'questions',
  ],
  postingFields: z.object({
    sector: z.enum(['FISHERIES', 'ENERGY', 'TOURISM', 'PUBLIC']).describe('Fjord Jobs sector code'),
    remote: z.boolean().default(false),
    municipality: z.string().min(2).max(60).describe('Where the job is, e.g. Bergen'),
  }),

  /** The municipality defaults to the job's city. */
  postingDefaults: (job) => (job.location.city ? { municipality: job.location.city } : {}),
  baseUrls: { SANDBOX: 'https://sandbox.fjordjobs.example', PRODUCTION: 'https://api.fjordjobs.example' },

  async verifyCredentials({ http, credentials, log }) {
    const response = await http.request({
      url: `/v1/employers/${encodeURIComponent(String(credentials.employerNumber))}`,
      headers: { 'x-api-key': String(credentials.apiKey) },
      acceptStatuses: [401, 404],
    });
    if (response.status === 401) return { ok: false, reason: 'Fjord Jobs refused the API key.' };
    if (response.status === 404) return { ok: false, reason: 'Fjord Jobs does not know this employer number.' };
    const employer = response.body as { active?: unknown };
    if (typeof employer?.active !== 'boolean') {
      throw new BoardError({
        code: 'BAD_RESPONSE',
        retryable: true,
        userMessage: 'Fjord Jobs sent an unexpected answer.',
      });
    }
    log.info('Verified employer', { employerNumber: credentials.employerNumber });
    return employer.active ? { ok: true } : { ok: false, reason: 'The employer account is not active on Fjord Jobs.' };
  },

  async publish({ http, credentials, posting, idempotencyKey }) {
    const response = await http.request({
      method: 'POST',
      url: jobsPath(credentials.employerNumber),
      headers: { 'x-api-key': String(credentials.apiKey), 'idempotency-key': idempotencyKey },
      json: jobBody(posting),
      acceptStatuses: [422],
    });
    if (response.status === 422) throw refusal(response.body);
    const created = response.body as { id?: unknown; url?: unknown; status?: unknown };
    if (typeof created?.id !== 'string') {
      throw new BoardError({
        code: 'BAD_RESPONSE',
        retryable: true,
        userMessage: "Fjord Jobs did not return the new job's id.",
      });
    }
    return {
      externalId: created.id,
      status: created.status === 'IN_REVIEW' ? 'PENDING_REVIEW' : 'PUBLISHED',
      ...(typeof created.url === 'string' ? { externalUrl: created.url } : {}),
    };
  },

  async update({ http, credentials, posting, externalId, idempotencyKey }) {
    const response = await http.request({
      method: 'PUT',
      url: jobsPath(credentials.employerNumber, externalId),
      headers: { 'x-api-key': String(credentials.apiKey), 'idempotency-key': idempotencyKey },
      json: jobBody(posting),
    });
    return { status: (response.body as { status?: unknown }).status === 'IN_REVIEW' ? 'PENDING_REVIEW' : 'PUBLISHED' };
  },

  async withdraw({ http, credentials, externalId }) {
    // A job Fjord Jobs no longer has is as withdrawn as it gets.
    await http.request({
      method: 'DELETE',
      url: jobsPath(credentials.employerNumber, externalId),
      headers: { 'x-api-key': String(credentials.apiKey) },
      acceptStatuses: [404],
    });
  },

  async fetchPosting({ http, credentials, externalId }) {
    const response = await http.request({
      url: jobsPath(credentials.employerNumber, externalId),
      headers: { 'x-api-key': String(credentials.apiKey) },
      acceptStatuses: [404],
    });
    if (response.status === 404) return null;
    const job = response.body as { status?: string; url?: string; reason?: string };
    const status = STATES[job.status ?? ''];
    if (!status)
      throw new BoardError({
        code: 'BAD_RESPONSE',
        retryable: true,
        userMessage: 'Fjord Jobs reported an unknown job state.',
      });
    return {
      status,
      ...(job.url ? { externalUrl: job.url } : {}),
      ...(job.reason ? { rejectionReason: job.reason } : {}),
    };
  },

  /** Fjord Jobs signs `<t>.<body>` with the employer's API key: `Fjord-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>`. */
  async handleWebhook({ request, credentials, now }) {
    const parts = Object.fromEntries(
      (request.headers['fjord-signature'] ?? '')
        .split(',')
        .map((part) => part.trim().split('=', 2) as [string, string]),
    );
    if (!hmacSha256Matches(String(credentials.apiKey), `${parts.t ?? ''}.${request.body.toString('utf8')}`, parts.v1)) {
      throw new WebhookError('signature', 'The Fjord-Signature does not match.');
    }
    assertFreshTimestamp(parts.t, now());
    let parsed: ReturnType<typeof webhookSchema.safeParse>;
    try {
      parsed = webhookSchema.safeParse(JSON.parse(request.body.toString('utf8')));
    } catch {
      throw new WebhookError('malformed', 'The body is not JSON.');
    }
    const deliveryId = request.headers['fjord-delivery-id'];
    if (!parsed.success || !deliveryId) throw new WebhookError('malformed', 'The body is not a Fjord Jobs event.');
    return { deliveryId, events: [webhookEvent(parsed.data)] };
  },
});
