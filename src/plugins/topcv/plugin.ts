import {
  assertFreshTimestamp,
  BoardError,
  definePlugin,
  hmacSha256Matches,
  WebhookError,
  z,
  type BoardPostingStatus,
  type Credentials,
  type HttpClient,
  type PostingJob,
  type PostingPayload,
  normalizeForSearch,
  type WebhookEvent,
} from '@multiposting/plugin-sdk';
import { INDUSTRIES, JOB_LEVELS, PROVINCES } from './codes.ts';

const DAY_MS = 86_400_000;
const isoDay = (date: Date) => date.toISOString().slice(0, 10);

const postingFields = z.object({
  industry: z.enum(Object.keys(INDUSTRIES) as [string, ...string[]]).describe('TopCV industry code'),
  jobLevel: z.enum(JOB_LEVELS).default('STAFF').describe('TopCV job level'),
  salary: z
    .object({
      negotiable: z.boolean().default(false).describe('Thỏa thuận: no amounts shown'),
      min: z
        .number()
        .int()
        .min(1_000_000, 'must be at least 1,000,000 VND')
        .max(10_000_000_000)
        .optional()
        .describe('VND per month'),
      max: z
        .number()
        .int()
        .min(1_000_000, 'must be at least 1,000,000 VND')
        .max(10_000_000_000)
        .optional()
        .describe('VND per month'),
    })
    .superRefine((salary, ctx) => {
      if (salary.negotiable) return;
      if (salary.min === undefined)
        ctx.addIssue({ code: 'custom', path: ['min'], message: 'is required unless the salary is negotiable' });
      if (salary.max === undefined)
        ctx.addIssue({ code: 'custom', path: ['max'], message: 'is required unless the salary is negotiable' });
      if (salary.min !== undefined && salary.max !== undefined && salary.min > salary.max)
        ctx.addIssue({ code: 'custom', path: ['max'], message: 'must not be below min' });
    })
    .describe('Monthly salary range in VND, or negotiable'),
  provinces: z
    .array(z.enum(Object.keys(PROVINCES) as [string, ...string[]]))
    .min(1, 'must name at least one province')
    .max(3, 'must name at most 3 provinces')
    .describe('Where the job is: ISO 3166-2:VN codes, e.g. VN-HN for Hà Nội'),
  deadline: z.iso
    .date('must be a date (YYYY-MM-DD)')
    .refine(
      (day) => day > isoDay(new Date()) && day <= isoDay(new Date(Date.now() + 60 * DAY_MS)),
      'must be from tomorrow to 60 days ahead',
    )
    .describe('Last day to apply; at most 60 days ahead'),
});

const provinceByName = new Map(Object.entries(PROVINCES).map(([code, name]) => [normalizeForSearch(name), code]));
provinceByName.set(normalizeForSearch('Ho Chi Minh City'), 'VN-SG');
provinceByName.set(normalizeForSearch('Sài Gòn'), 'VN-SG');
provinceByName.set(normalizeForSearch('Hanoi'), 'VN-HN');
provinceByName.set(normalizeForSearch('Da Nang'), 'VN-DN');

/** TopCV's job states. */
const STATES: Record<string, BoardPostingStatus> = {
  pending: 'PENDING_REVIEW',
  approved: 'PUBLISHED',
  rejected: 'REJECTED',
  closed: 'WITHDRAWN',
  expired: 'EXPIRED',
};

const auth = (credentials: Credentials) => ({ authorization: `Bearer ${String(credentials.employerApiKey)}` });

const jobBody = ({ job, boardFields }: PostingPayload) => {
  const fields = boardFields as z.infer<typeof postingFields>;
  return {
    title: job.title,
    description: job.description,
    industry: fields.industry,
    level: fields.jobLevel,
    salary: fields.salary.negotiable
      ? { negotiable: true }
      : { min: fields.salary.min, max: fields.salary.max, currency: 'VND' },
    province_codes: fields.provinces,
    deadline: fields.deadline,
    ...(job.applyUrl ? { apply_url: job.applyUrl } : {}),
  };
};

/** TopCV answers 422 with the fields it refused; the recruiter sees which. */
async function send(http: HttpClient, request: Parameters<HttpClient['request']>[0]) {
  const response = await http.request({ ...request, acceptStatuses: [...(request.acceptStatuses ?? []), 422] });
  if (response.status === 422) {
    const errors = (response.body as { errors?: Record<string, unknown> })?.errors ?? {};
    const fields = Object.keys(errors).slice(0, 10).join(', ') || 'unknown fields';
    throw new BoardError({
      code: 'VALIDATION',
      retryable: false,
      status: 422,
      userMessage: `TopCV refused the job: ${fields}.`,
    });
  }
  return response;
}

function jobView(body: unknown): { id: string; status: BoardPostingStatus; url?: string; reason?: string } {
  const data = (body as { data?: { id?: unknown; status?: unknown; url?: unknown; reject_reason?: unknown } })?.data;
  const status = STATES[String(data?.status)];
  if ((typeof data?.id !== 'number' && typeof data?.id !== 'string') || !status) {
    throw new BoardError({ code: 'BAD_RESPONSE', retryable: true, userMessage: 'TopCV sent an unexpected answer.' });
  }
  return {
    id: String(data.id),
    status,
    ...(typeof data.url === 'string' ? { url: data.url } : {}),
    ...(typeof data.reject_reason === 'string' ? { reason: data.reject_reason } : {}),
  };
}

/** Board-field defaults from the job: the province of its city, its salary when in VND a month, a deadline 30 days out. */
function postingDefaults(job: PostingJob): Record<string, unknown> {
  const province = job.location.city ? provinceByName.get(normalizeForSearch(job.location.city)) : undefined;
  const salary =
    job.salary &&
    job.salary.currency === 'VND' &&
    job.salary.period === 'MONTH' &&
    job.salary.min !== null &&
    job.salary.max !== null
      ? { min: job.salary.min, max: job.salary.max }
      : { negotiable: true };
  return {
    ...(province ? { provinces: [province] } : {}),
    salary,
    deadline: isoDay(new Date(Date.now() + 30 * DAY_MS)),
  };
}

const jobId = z.union([z.string().min(1), z.number().int()]).transform(String);

/** The body of TopCV's webhook deliveries. */
const deliverySchema = z.discriminatedUnion('event', [
  z.object({ event: z.literal('job.approved'), data: z.object({ job_id: jobId }) }),
  z.object({ event: z.literal('job.rejected'), data: z.object({ job_id: jobId, reason: z.string().optional() }) }),
  z.object({ event: z.literal('job.expired'), data: z.object({ job_id: jobId }) }),
  z.object({
    event: z.literal('application.created'),
    data: z.object({
      application_id: z.union([z.string().min(1), z.number().int()]).transform(String),
      job_id: jobId.nullish(),
      job_title: z.string().optional(),
      applied_at: z.iso.datetime({ offset: true }).optional(),
      candidate: z.object({
        full_name: z.string().min(1),
        email: z.string().optional(),
        phone: z.string().optional(),
        city: z.string().optional(),
        profile_url: z.string().optional(),
        consent_at: z.iso.datetime({ offset: true }).optional(),
      }),
      cv: z.object({ file_name: z.string(), mime_type: z.string(), content_base64: z.string() }).nullish(),
    }),
  }),
]);

function eventOf(delivery: z.infer<typeof deliverySchema>): WebhookEvent {
  switch (delivery.event) {
    case 'job.approved':
      return { type: 'posting.reviewed', externalId: delivery.data.job_id, approved: true };
    case 'job.rejected':
      return {
        type: 'posting.reviewed',
        externalId: delivery.data.job_id,
        approved: false,
        ...(delivery.data.reason ? { reason: delivery.data.reason } : {}),
      };
    case 'job.expired':
      return { type: 'posting.closed', externalId: delivery.data.job_id, reason: 'Expired on TopCV.' };
    case 'application.created': {
      const { data } = delivery;
      const { candidate, cv } = data;
      return {
        type: 'candidate.applied',
        applicationId: data.application_id,
        ...(data.job_id ? { externalPostingId: data.job_id } : {}),
        ...(data.job_title ? { jobTitle: data.job_title } : {}),
        ...(data.applied_at ? { appliedAt: data.applied_at } : {}),
        candidate: {
          name: candidate.full_name,
          ...(candidate.email ? { email: candidate.email } : {}),
          ...(candidate.phone ? { phone: candidate.phone } : {}),
          ...(candidate.city ? { city: candidate.city, countryCode: 'VN' } : {}),
          ...(candidate.profile_url ? { profileUrl: candidate.profile_url } : {}),
          ...(candidate.consent_at ? { consentAt: candidate.consent_at } : {}),
        },
        ...(cv
          ? { document: { fileName: cv.file_name, contentType: cv.mime_type, contentBase64: cv.content_base64 } }
          : {}),
      };
    }
  }
}

/** TopCV, Vietnam's large job board, through its employer API. */
export default definePlugin({
  id: 'topcv',
  name: 'TopCV',
  version: '0.1.0',
  sdkVersion: '^1.0.0',
  country: 'VN',
  description: 'A leading job board of Việt Nam. Postings are reviewed by TopCV; applications come back by webhook.',
  instructions: [
    '1. In the TopCV employer site, open **Tích hợp / Integrations** and create API credentials.',
    "2. Paste the **employer API key** (TopCV's access token) and the **secret key** here.",
    "3. Paste this contract's **webhook URL** into TopCV so approvals, rejections and applications come back.",
  ].join('\n'),
  docsUrl: 'https://www.topcv.vn',
  environments: ['PRODUCTION'],
  baseUrls: { PRODUCTION: 'https://api.topcv.vn' },
  credentials: [
    {
      key: 'employerApiKey',
      label: 'Employer API key',
      help: "TopCV's access token for your employer account.",
      type: 'string',
      required: true,
      secret: true,
    },
    {
      key: 'secretKey',
      label: 'Secret key',
      help: 'Signs the webhooks TopCV sends.',
      type: 'string',
      required: true,
      secret: true,
    },
  ],
  // Reviews, closures and applications come by webhook; the core also polls postings in review, in case the
  // webhook URL was not pasted into TopCV.
  capabilities: ['publish', 'update', 'withdraw', 'linkExisting', 'statusPolling', 'webhooks', 'candidates'],
  postingFields,
  postingDefaults,

  async verifyCredentials({ http, credentials }) {
    const response = await http.request({
      url: '/api/v1/employer/me',
      headers: { authorization: `Bearer ${String(credentials.employerApiKey)}` },
      acceptStatuses: [401],
    });
    if (response.status === 401) return { ok: false, reason: 'TopCV refused the employer API key.' };
    return { ok: true };
  },

  async publish({ http, credentials, posting, idempotencyKey }) {
    const response = await send(http, {
      method: 'POST',
      url: '/api/v1/jobs',
      headers: { ...auth(credentials), 'idempotency-key': idempotencyKey },
      json: jobBody(posting),
    });
    const job = jobView(response.body);
    return {
      externalId: job.id,
      status: job.status === 'PUBLISHED' ? 'PUBLISHED' : 'PENDING_REVIEW',
      ...(job.url ? { externalUrl: job.url } : {}),
    };
  },

  /** TopCV reviews a job again after each change. */
  async update({ http, credentials, posting, externalId, idempotencyKey }) {
    const response = await send(http, {
      method: 'PUT',
      url: `/api/v1/jobs/${encodeURIComponent(externalId)}`,
      headers: { ...auth(credentials), 'idempotency-key': idempotencyKey },
      json: jobBody(posting),
    });
    return { status: jobView(response.body).status === 'PUBLISHED' ? 'PUBLISHED' : 'PENDING_REVIEW' };
  },

  async withdraw({ http, credentials, externalId }) {
    // A job TopCV no longer has, or already closed, is as withdrawn as it gets.
    await http.request({
      method: 'POST',
      url: `/api/v1/jobs/${encodeURIComponent(externalId)}/close`,
      headers: auth(credentials),
      acceptStatuses: [404, 409],
    });
  },

  async fetchPosting({ http, credentials, externalId }) {
    if (!/^\d{1,12}$/.test(externalId)) return null;
    const response = await http.request({
      url: `/api/v1/jobs/${externalId}`,
      headers: auth(credentials),
      acceptStatuses: [404],
    });
    if (response.status === 404) return null;
    const job = jobView(response.body);
    return {
      status: job.status,
      ...(job.url ? { externalUrl: job.url } : {}),
      ...(job.reason ? { rejectionReason: job.reason } : {}),
    };
  },

  /** TopCV signs `<timestamp>.<body>` with the secret key (HMAC-SHA256, hex, "sha256=" prefix). */
  async handleWebhook({ request, credentials, now }) {
    const timestamp = request.headers['x-topcv-timestamp'];
    const signature = request.headers['x-topcv-signature']?.replace(/^sha256=/, '');
    const payload = Buffer.concat([Buffer.from(`${timestamp ?? ''}.`), request.body]);
    if (!hmacSha256Matches(String(credentials.secretKey), payload, signature)) {
      throw new WebhookError('signature', "The TopCV signature does not match this contract's secret key.");
    }
    assertFreshTimestamp(timestamp, now());
    const deliveryId = request.headers['x-topcv-delivery'];
    if (!deliveryId) throw new WebhookError('malformed', 'The delivery has no X-TopCV-Delivery header.');
    let body: unknown;
    try {
      body = JSON.parse(request.body.toString('utf8'));
    } catch {
      throw new WebhookError('malformed', 'The body is not JSON.');
    }
    const parsed = deliverySchema.safeParse(body);
    if (!parsed.success)
      throw new WebhookError(
        'malformed',
        `Unexpected body: ${parsed.error.issues[0]!.path.join('.')} ${parsed.error.issues[0]!.message}`,
      );
    return { deliveryId, events: [eventOf(parsed.data)] };
  },
});
