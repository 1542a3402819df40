import { createHmac, randomUUID } from 'node:crypto';
import { htmlToText } from '@multiposting/plugin-sdk';
import { startSimulator } from '@multiposting/plugin-sdk/simulator';
import { INDUSTRIES, PROVINCES } from './codes.ts';
import { sendWebhook, type SendOutcome, type SignedDelivery } from '@multiposting/plugin-sdk/simulator';

export const TOPCV_EMPLOYERS: Record<string, { id: number; name: string; secretKey: string }> = {
  'tcv-access-8e2f41c7b9a05d36': { id: 10231, name: 'Công ty ACME Việt Nam', secretKey: 'tcv-secret-51d0e9a2c7f84b16' },
  'tcv-access-2b7c90d4e1f36a58': { id: 20877, name: 'Công ty Globex', secretKey: 'tcv-secret-c4a9e7d02b1f5836' },
};

export interface TopcvJob {
  id: number;
  employerId: number;
  status: 'pending' | 'approved' | 'rejected' | 'closed' | 'expired';
  title: string;
  description: string;
  industry: string;
  level: string;
  salary: unknown;
  provinces: string[];
  deadline: string;
  rejectReason?: string;
}

export interface TopcvSimulatorOptions {
  employers?: typeof TOPCV_EMPLOYERS;
  /** Review every job this long after it is created or changed, as TopCV's moderators do; off when unset. */
  autoReviewMs?: number;
}

const LEVELS = ['INTERN', 'STAFF', 'TEAM_LEAD', 'MANAGER', 'DIRECTOR'];
const MIN_DESCRIPTION = 50;
const textOf = (html: string) => htmlToText(html).replace(/\s+/g, ' ');

/** The fields TopCV refuses, with its messages (a 422 lists them all). */
function invalidFields(input: Record<string, any>): Record<string, string[]> {
  const errors: Record<string, string[]> = {};
  const refuse = (field: string, message: string) => (errors[field] = [...(errors[field] ?? []), message]);
  if (typeof input.title !== 'string' || input.title.trim().length < 3) refuse('title', 'Tiêu đề quá ngắn.');
  if (typeof input.description !== 'string' || textOf(input.description).length === 0)
    refuse('description', 'Mô tả là bắt buộc.');
  if (!(String(input.industry) in INDUSTRIES)) refuse('industry', 'Ngành nghề không hợp lệ.');
  if (!LEVELS.includes(String(input.level))) refuse('level', 'Cấp bậc không hợp lệ.');
  const salary = input.salary ?? {};
  if (
    !salary.negotiable &&
    !(
      Number.isInteger(salary.min) &&
      Number.isInteger(salary.max) &&
      salary.min <= salary.max &&
      salary.currency === 'VND'
    )
  ) {
    refuse('salary', 'Mức lương không hợp lệ.');
  }
  const provinces = input.province_codes;
  if (
    !Array.isArray(provinces) ||
    provinces.length < 1 ||
    provinces.length > 3 ||
    !provinces.every((code) => String(code) in PROVINCES)
  ) {
    refuse('province_codes', 'Địa điểm không hợp lệ.');
  }
  const today = new Date().toISOString().slice(0, 10);
  if (typeof input.deadline !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(input.deadline) || input.deadline <= today)
    refuse('deadline', 'Hạn nộp hồ sơ không hợp lệ.');
  return errors;
}

/**
 * TopCV's employer API as the plugin uses it — jobs created, changed and closed with an employer's access token,
 * reviewed by moderators — and TopCV's side of the webhooks: pass an employer's webhook URL to `setWebhookUrl`
 * and reviews, closures and applications are posted there, signed with the employer's secret key, retried like
 * TopCV does.
 */
export async function startTopcvSimulator(options: TopcvSimulatorOptions = {}) {
  const employers = options.employers ?? TOPCV_EMPLOYERS;
  const jobs = new Map<number, TopcvJob>();
  const byKey = new Map<string, number>();
  const createdPerKey = new Map<string, number>();
  const webhookUrls = new Map<number, string>();
  const sent: Promise<SendOutcome>[] = [];
  let nextId = 880_001;

  const employerOf = (headers: Record<string, unknown>) => {
    const token = String(headers.authorization ?? '').replace(/^Bearer /, '');
    const employer = employers[token];
    return employer ? { ...employer, token } : undefined;
  };
  const view = (job: TopcvJob) => ({
    success: true,
    data: {
      id: job.id,
      status: job.status,
      url: `https://www.topcv.vn/viec-lam/${job.id}.html`,
      ...(job.rejectReason ? { reject_reason: job.rejectReason } : {}),
    },
  });
  const unauthorized = { status: 401, json: { success: false, message: 'Unauthenticated.' } };
  const notFound = { status: 404, json: { success: false, message: 'Không tìm thấy tin tuyển dụng.' } };
  const owned = (headers: Record<string, unknown>, id: string | undefined) => {
    const employer = employerOf(headers);
    if (!employer) return 'unauthorized' as const;
    const job = jobs.get(Number(id));
    return job && job.employerId === employer.id ? job : ('not found' as const);
  };

  /** Posts a signed webhook to the employer's URL, retrying like TopCV; undefined when none is set up. */
  function notify(employerId: number, body: TopcvWebhookBody): Promise<SendOutcome> | undefined {
    const url = webhookUrls.get(employerId);
    const employer = Object.values(employers).find((candidate) => candidate.id === employerId)!;
    if (!url) return undefined;
    const delivery = sendWebhook(url, topcvDelivery(employer.secretKey, body), { attempts: 8, retryDelayMs: 250 });
    sent.push(delivery);
    return delivery;
  }

  function review(id: number, approved: boolean, reason?: string) {
    const job = jobs.get(id);
    if (job?.status !== 'pending') throw new Error(`TopCV job ${id} is not waiting for review`);
    job.status = approved ? 'approved' : 'rejected';
    if (approved) delete job.rejectReason;
    else job.rejectReason = reason ?? 'Tin tuyển dụng không đạt yêu cầu.';
    return notify(
      job.employerId,
      approved
        ? { event: 'job.approved', data: { job_id: id } }
        : { event: 'job.rejected', data: { job_id: id, reason: job.rejectReason! } },
    );
  }

  function scheduleReview(job: TopcvJob) {
    if (options.autoReviewMs === undefined) return;
    setTimeout(() => {
      if (job.status !== 'pending') return;
      const short = textOf(job.description).length < MIN_DESCRIPTION;
      void review(
        job.id,
        !short,
        short ? `Mô tả công việc quá ngắn (job description under ${MIN_DESCRIPTION} characters).` : undefined,
      );
    }, options.autoReviewMs).unref();
  }

  const simulator = await startSimulator({
    'GET /api/v1/employer/me': ({ headers }) => {
      const employer = employerOf(headers);
      if (!employer) return unauthorized;
      return { json: { success: true, data: { id: employer.id, name: employer.name } } };
    },
    // TopCV's integration settings: where the employer's webhooks go (what the connect page says to paste).
    'PUT /api/v1/employer/webhook': ({ headers, body }) => {
      const employer = employerOf(headers);
      if (!employer) return unauthorized;
      const url = (body as { url?: unknown })?.url;
      if (typeof url !== 'string' || !/^https?:\/\/\S+$/.test(url))
        return { status: 422, json: { success: false, errors: { url: ['URL không hợp lệ.'] } } };
      webhookUrls.set(employer.id, url);
      return { json: { success: true, data: { url } } };
    },
    'POST /api/v1/jobs': ({ headers, body }) => {
      const employer = employerOf(headers);
      if (!employer) return unauthorized;
      const key = String(headers['idempotency-key'] ?? '');
      const existing = byKey.get(key);
      if (key && existing !== undefined) return { json: view(jobs.get(existing)!) };
      const input = (body ?? {}) as Record<string, any>;
      const errors = invalidFields(input);
      if (Object.keys(errors).length > 0)
        return { status: 422, json: { success: false, message: 'Dữ liệu không hợp lệ.', errors } };
      const job: TopcvJob = {
        id: nextId++,
        employerId: employer.id,
        status: 'pending',
        title: input.title,
        description: input.description,
        industry: input.industry,
        level: input.level,
        salary: input.salary,
        provinces: input.province_codes,
        deadline: input.deadline,
      };
      jobs.set(job.id, job);
      if (key) {
        byKey.set(key, job.id);
        createdPerKey.set(key, (createdPerKey.get(key) ?? 0) + 1);
      }
      scheduleReview(job);
      return { status: 201, json: view(job) };
    },
    'GET /api/v1/jobs/:id': ({ headers, params }) => {
      const job = owned(headers, params.id);
      return job === 'unauthorized' ? unauthorized : job === 'not found' ? notFound : { json: view(job) };
    },
    'PUT /api/v1/jobs/:id': ({ headers, params, body }) => {
      const job = owned(headers, params.id);
      if (job === 'unauthorized') return unauthorized;
      if (job === 'not found') return notFound;
      if (job.status === 'closed' || job.status === 'expired')
        return { status: 409, json: { success: false, message: 'Tin đã đóng.' } };
      const input = (body ?? {}) as Record<string, any>;
      const errors = invalidFields(input);
      if (Object.keys(errors).length > 0)
        return { status: 422, json: { success: false, message: 'Dữ liệu không hợp lệ.', errors } };
      Object.assign(job, {
        title: input.title,
        description: input.description,
        industry: input.industry,
        level: input.level,
        salary: input.salary,
        provinces: input.province_codes,
        deadline: input.deadline,
      });
      // Every change goes back to the moderators.
      job.status = 'pending';
      delete job.rejectReason;
      scheduleReview(job);
      return { json: view(job) };
    },
    'POST /api/v1/jobs/:id/close': ({ headers, params }) => {
      const job = owned(headers, params.id);
      if (job === 'unauthorized') return unauthorized;
      if (job === 'not found') return notFound;
      job.status = 'closed';
      return { json: view(job) };
    },
  });

  return Object.assign(simulator, {
    jobs,
    createdPerKey,
    /** What an employer pastes into TopCV's integration settings: where its webhooks go. */
    setWebhookUrl(accessToken: string, url: string) {
      webhookUrls.set(employers[accessToken]!.id, url);
    },
    /** A moderator's verdict on a job; resolves with the outcome of the webhook, if one is set up. */
    review,
    /** The deadline passes: the job closes and TopCV says so. */
    expire(id: number) {
      const job = jobs.get(id)!;
      job.status = 'expired';
      return notify(job.employerId, { event: 'job.expired', data: { job_id: id } });
    },
    /** Someone applies to a job (or sends a CV for a job title TopCV does not link to a job, with `jobId` null). */
    apply(
      accessToken: string,
      jobId: number | null,
      candidate: { full_name: string; email?: string; phone?: string },
      extra: { title?: string; cv?: { file_name: string; mime_type: string; content_base64: string } } = {},
    ) {
      const employer = employers[accessToken]!;
      const job = jobId === null ? undefined : jobs.get(jobId);
      const body: TopcvWebhookBody = {
        event: 'application.created',
        data: {
          application_id: randomUUID(),
          job_id: job?.id ?? null,
          ...((extra.title ?? job?.title) ? { job_title: extra.title ?? job!.title } : {}),
          applied_at: new Date().toISOString(),
          candidate,
          ...(extra.cv ? { cv: extra.cv } : {}),
        },
      };
      const delivery = notify(employer.id, body);
      if (!delivery) throw new Error('No webhook URL is set up for this employer');
      return delivery;
    },
    /** A job posted on TopCV's own site, outside the API; approved. */
    createDirectly(accessToken: string, title: string): TopcvJob {
      const employer = employers[accessToken]!;
      const job: TopcvJob = {
        id: nextId++,
        employerId: employer.id,
        status: 'approved',
        title,
        description: `<p>${title}</p>`,
        industry: 'SALES',
        level: 'STAFF',
        salary: { negotiable: true },
        provinces: ['VN-HN'],
        deadline: '2099-12-31',
      };
      jobs.set(job.id, job);
      return job;
    },
    /** Resolves once every webhook sent so far has been answered (or given up). */
    async settled() {
      await Promise.all(sent);
    },
  });
}

export type TopcvWebhookBody =
  | { event: 'job.approved' | 'job.expired'; data: { job_id: string | number } }
  | { event: 'job.rejected'; data: { job_id: string | number; reason?: string } }
  | {
      event: 'application.created';
      data: {
        application_id: string | number;
        job_id?: string | number | null;
        job_title?: string;
        applied_at?: string;
        candidate: {
          full_name: string;
          email?: string;
          phone?: string;
          city?: string;
          profile_url?: string;
          consent_at?: string;
        };
        cv?: { file_name: string; mime_type: string; content_base64: string } | null;
      };
    };

/**
 * A webhook delivery signed the way TopCV signs them: HMAC-SHA256 of `<timestamp>.<body>` under the employer's
 * secret key. `timestamp` (seconds) defaults to now; an old one makes a replay. `rawBody` signs other bytes instead.
 */
export function topcvDelivery(
  secretKey: string,
  body: TopcvWebhookBody,
  options: { deliveryId?: string; timestamp?: number; rawBody?: string } = {},
): SignedDelivery {
  const text = options.rawBody ?? JSON.stringify(body);
  const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
  const signature = createHmac('sha256', secretKey).update(`${timestamp}.${text}`).digest('hex');
  return {
    headers: {
      'x-topcv-delivery': options.deliveryId ?? randomUUID(),
      'x-topcv-timestamp': timestamp,
      'x-topcv-signature': `sha256=${signature}`,
    },
    body: text,
  };
}
