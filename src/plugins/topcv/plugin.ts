import { createHash } from 'node:crypto';
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

/** ASSUMPTION (TopCV's values are not public): the experience bands offered, as TopCV words them ("1-3"…). */
const EXPERIENCE = ['none', 'under-1', '1-3', '3-5', 'over-5'] as const;
const vnd = () =>
  z.number().int().min(1_000_000, 'must be at least 1,000,000 VND').max(10_000_000_000).describe('VND per month');

/** Board fields named as TopCV's employer job form names them. */
const postingFields = z
  .object({
    job_family_category: z
      .enum(Object.keys(INDUSTRIES) as [string, ...string[]])
      .describe('TopCV job family (its category tree, level 1)'),
    employee_level: z.enum(JOB_LEVELS).default('STAFF').describe('TopCV job level'),
    experience: z
      .enum(EXPERIENCE)
      .default('none')
      .describe('Experience asked, in years: none, under-1, 1-3, 3-5, over-5'),
    salary_type: z
      .literal([1, 2], 'must be 1 (a range) or 2 (negotiable)')
      .default(2)
      .describe('1: a range from salary_from to salary_to; 2: negotiable (thỏa thuận), no amounts shown'),
    salary_from: vnd().optional(),
    salary_to: vnd().optional(),
    locations: z
      .array(
        z.object({
          province_id: z
            .enum(Object.keys(PROVINCES) as [string, ...string[]])
            .describe('ISO 3166-2:VN code, e.g. VN-HN for Hà Nội'),
        }),
      )
      .min(1, 'must name at least one province')
      .max(3, 'must name at most 3 provinces')
      .describe('Where the job is'),
    quantity: z.number().int().min(1).max(999).default(1).describe('Number of positions'),
    job_requirement: z.string().trim().min(1).max(10_000).optional().describe('Requirements (yêu cầu ứng viên)'),
    job_benefit: z.string().trim().min(1).max(10_000).optional().describe('Benefits (quyền lợi)'),
    deadline: z.iso
      .date('must be a date (YYYY-MM-DD)')
      .refine(
        (day) => day > isoDay(new Date()) && day <= isoDay(new Date(Date.now() + 60 * DAY_MS)),
        'must be from tomorrow to 60 days ahead',
      )
      .describe('Last day to apply; at most 60 days ahead'),
  })
  .superRefine((fields, ctx) => {
    if (fields.salary_type === 2) {
      for (const key of ['salary_from', 'salary_to'] as const)
        if (fields[key] !== undefined)
          ctx.addIssue({ code: 'custom', path: [key], message: 'is only for salary_type 1 (a range)' });
      return;
    }
    for (const key of ['salary_from', 'salary_to'] as const)
      if (fields[key] === undefined)
        ctx.addIssue({ code: 'custom', path: [key], message: 'is required when salary_type is 1 (a range)' });
    if (fields.salary_from !== undefined && fields.salary_to !== undefined && fields.salary_from > fields.salary_to)
      ctx.addIssue({ code: 'custom', path: ['salary_to'], message: 'must not be below salary_from' });
  });

type Fields = z.output<typeof postingFields>;

const provinceByName = new Map(Object.entries(PROVINCES).map(([code, name]) => [normalizeForSearch(name), code]));
provinceByName.set(normalizeForSearch('Ho Chi Minh City'), 'VN-SG');
provinceByName.set(normalizeForSearch('Sài Gòn'), 'VN-SG');
provinceByName.set(normalizeForSearch('Hanoi'), 'VN-HN');
provinceByName.set(normalizeForSearch('Da Nang'), 'VN-DN');

/**
 * TopCV's six job states (Đang hiển thị, Đang xét duyệt, Dừng hiển thị, Không công khai, Hết hạn, Bị từ chối).
 * ASSUMPTION: the API names them with these slugs. A job made not public is off the public listings: withdrawn.
 */
const STATES: Record<string, BoardPostingStatus> = {
  displaying: 'PUBLISHED',
  reviewing: 'PENDING_REVIEW',
  stopped: 'WITHDRAWN',
  private: 'WITHDRAWN',
  expired: 'EXPIRED',
  rejected: 'REJECTED',
};

const auth = (credentials: Credentials) => ({ authorization: `Bearer ${String(credentials.employerApiKey)}` });

const jobBody = ({ job, boardFields }: PostingPayload) => {
  const fields = boardFields as Fields;
  return {
    title: job.title,
    job_description: job.description,
    ...(fields.job_requirement ? { job_requirement: fields.job_requirement } : {}),
    ...(fields.job_benefit ? { job_benefit: fields.job_benefit } : {}),
    job_family_category: [fields.job_family_category],
    employee_level: fields.employee_level,
    experience: fields.experience,
    salary_type: fields.salary_type,
    ...(fields.salary_type === 1
      ? { salary_from: fields.salary_from, salary_to: fields.salary_to, salary_currency: 'VND' }
      : {}),
    quantity: fields.quantity,
    locations: fields.locations,
    deadline: fields.deadline,
    ...(job.applyUrl ? { apply_url: job.applyUrl } : {}),
  };
};

/** TopCV answers 422 with the fields it refused; the recruiter sees which. */
async function send(http: HttpClient, request: Parameters<HttpClient['request']>[0]) {
  const response = await http.request({ ...request, acceptStatuses: [...(request.acceptStatuses ?? []), 422] });
  if (response.status === 422) {
    const errors = Object.entries((response.body as { errors?: Record<string, unknown> })?.errors ?? {}).slice(0, 10);
    const message = (value: unknown) => (Array.isArray(value) ? value.map(String).join(' ') : String(value));
    throw new BoardError({
      code: 'VALIDATION',
      retryable: false,
      status: 422,
      userMessage: `TopCV refused the job: ${errors.map(([field]) => field).join(', ') || 'unknown fields'}.`,
      // The job's fields carry TopCV's names: the ones that are board fields name themselves.
      fields: errors
        .filter(([field]) => field.split('.')[0]! in postingFields.shape)
        .map(([field, value]) => ({ path: field.split('.'), message: message(value) })),
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
      ? { salary_type: 1, salary_from: job.salary.min, salary_to: job.salary.max }
      : { salary_type: 2 };
  return {
    ...(province ? { locations: [{ province_id: province }] } : {}),
    ...salary,
    deadline: isoDay(new Date(Date.now() + 30 * DAY_MS)),
  };
}

const jobId = z.union([z.string().min(1), z.number().int()]).transform(String);

/**
 * An application, as TopCV posts it to the employer's webhook (public integrations show this shape): the CV is
 * not in the body but behind `download_url`, a one-time link said to expire after 24 hours.
 */
const applicationSchema = z.object({
  job_id: jobId.nullish(),
  job_title: z.string().optional(),
  apply_at: z.string().regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/, 'must be "YYYY-MM-DD HH:mm:ss"'),
  candidate_name: z.string().trim().min(1),
  candidate_email: z.string().optional(),
  candidate_phone: z.string().optional(),
  download_url: z.string().optional(),
});

/** ASSUMPTION (not evidenced): reviews and expiries come by webhook too, in this shape of ours. */
const jobEventSchema = z.discriminatedUnion('event', [
  z.object({ event: z.literal('job.approved'), data: z.object({ job_id: jobId }) }),
  z.object({ event: z.literal('job.rejected'), data: z.object({ job_id: jobId, reason: z.string().optional() }) }),
  z.object({ event: z.literal('job.expired'), data: z.object({ job_id: jobId }) }),
]);

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * TopCV's application has no id of its own: the same application (job, time, candidate) always gives the same
 * one, so a delivery TopCV repeats (with a fresh one-time link or not) is one application.
 */
const applicationIdOf = (application: z.infer<typeof applicationSchema>) =>
  `tcv-${sha256(
    [
      application.job_id ?? '',
      application.job_title ?? '',
      application.apply_at,
      application.candidate_name,
      application.candidate_email ?? '',
      application.candidate_phone ?? '',
    ].join('\n'),
  ).slice(0, 32)}`;

function applicationEvent(application: z.infer<typeof applicationSchema>): WebhookEvent {
  const link = application.download_url;
  return {
    type: 'candidate.applied',
    applicationId: applicationIdOf(application),
    ...(application.job_id ? { externalPostingId: application.job_id } : {}),
    ...(application.job_title ? { jobTitle: application.job_title } : {}),
    // Vietnam time (UTC+7, no daylight saving).
    appliedAt: `${application.apply_at.replace(' ', 'T')}+07:00`,
    candidate: {
      name: application.candidate_name,
      ...(application.candidate_email ? { email: application.candidate_email } : {}),
      ...(application.candidate_phone ? { phone: application.candidate_phone } : {}),
      countryCode: 'VN',
    },
    ...(link && /^https?:\/\//i.test(link)
      ? { documentDownload: { url: link, fileName: `CV ${application.candidate_name}` } }
      : {}),
  };
}

function jobEvent(delivery: z.infer<typeof jobEventSchema>): WebhookEvent {
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
  }
}

/** The delivery's event: an application (TopCV's shape) or a job event (ours). */
function eventOf(body: unknown): WebhookEvent {
  const isJobEvent = typeof body === 'object' && body !== null && 'event' in body;
  const parsed = isJobEvent ? jobEventSchema.safeParse(body) : applicationSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new WebhookError('malformed', `Unexpected body: ${issue.path.join('.')} ${issue.message}`);
  }
  return isJobEvent
    ? jobEvent(parsed.data as z.infer<typeof jobEventSchema>)
    : applicationEvent(parsed.data as z.infer<typeof applicationSchema>);
}

/** TopCV, Vietnam's large job board, through its employer API. */
export default definePlugin({
  id: 'topcv',
  name: 'TopCV',
  version: '0.2.0',
  sdkVersion: '^1.3.0',
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
    let body: unknown;
    try {
      body = JSON.parse(request.body.toString('utf8'));
    } catch {
      throw new WebhookError('malformed', 'The body is not JSON.');
    }
    const event = eventOf(body);
    // ASSUMPTION: our X-TopCV-Delivery header names a delivery; without it, what the delivery says does.
    const deliveryId =
      request.headers['x-topcv-delivery'] ??
      (event.type === 'candidate.applied' ? event.applicationId : `tcv-${sha256(request.body.toString('utf8'))}`);
    return { deliveryId, events: [event] };
  },
});
