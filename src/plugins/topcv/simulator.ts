import { createHmac, randomUUID } from 'node:crypto';
import { htmlToText } from '@multiposting/plugin-sdk';
import { type RouteHandler, startSimulator } from '@multiposting/plugin-sdk/simulator';
import { sendWebhook, type SendOutcome, type SignedDelivery } from '@multiposting/plugin-sdk/simulator';

export const TOPCV_EMPLOYERS: Record<string, { id: number; name: string; secretKey: string }> = {
  'tcv-access-8e2f41c7b9a05d36': { id: 10231, name: 'Công ty ACME Việt Nam', secretKey: 'tcv-secret-51d0e9a2c7f84b16' },
  'tcv-access-2b7c90d4e1f36a58': { id: 20877, name: 'Công ty Globex', secretKey: 'tcv-secret-c4a9e7d02b1f5836' },
};

export interface TopcvJob {
  id: number;
  employerId: number;
  /** TopCV's six states, by slug: shown, in review, stopped, not public, expired, rejected. */
  status: 'displaying' | 'reviewing' | 'stopped' | 'private' | 'expired' | 'rejected';
  title: string;
  /** The job as TopCV received it (its field names). */
  body: XmlLessBody;
  rejectReason?: string;
}

type XmlLessBody = Record<string, any>;

export interface TopcvSimulatorOptions {
  employers?: typeof TOPCV_EMPLOYERS;
  /** Review every job this long after it is created or changed, as TopCV's moderators do; off when unset. */
  autoReviewMs?: number;
}

// What TopCV checks, in the board's own copy: never the plugin's code lists.
const LEVELS = new Set(['INTERN', 'STAFF', 'TEAM_LEAD', 'MANAGER', 'DIRECTOR']);
const FAMILIES = new Set([
  'IT_SOFTWARE',
  'IT_HARDWARE',
  'ACCOUNTING',
  'BANKING',
  'SALES',
  'MARKETING',
  'CUSTOMER_SERVICE',
  'HUMAN_RESOURCES',
  'ADMINISTRATION',
  'MANUFACTURING',
  'LOGISTICS',
  'CONSTRUCTION',
  'HEALTHCARE',
  'EDUCATION',
  'HOSPITALITY',
  'TRANSPORT',
]);
const EXPERIENCE = new Set(['none', 'under-1', '1-3', '3-5', 'over-5']);
const PROVINCE = /^VN-(HN|SG|DN|HP|CT|[0-9]{2})$/;
const MIN_DESCRIPTION = 50;
const textOf = (html: string) => htmlToText(html).replace(/\s+/g, ' ');

/** The fields TopCV refuses, with its messages (a 422 lists them all). */
function invalidFields(input: XmlLessBody): Record<string, string[]> {
  const errors: Record<string, string[]> = {};
  const refuse = (field: string, message: string) => (errors[field] = [...(errors[field] ?? []), message]);
  if (typeof input.title !== 'string' || input.title.trim().length < 3) refuse('title', 'Tiêu đề quá ngắn.');
  if (typeof input.job_description !== 'string' || textOf(input.job_description).length === 0)
    refuse('job_description', 'Mô tả là bắt buộc.');
  const family = input.job_family_category;
  if (!Array.isArray(family) || family.length === 0 || !family.every((code) => FAMILIES.has(String(code))))
    refuse('job_family_category', 'Ngành nghề không hợp lệ.');
  if (!LEVELS.has(String(input.employee_level))) refuse('employee_level', 'Cấp bậc không hợp lệ.');
  if (!EXPERIENCE.has(String(input.experience))) refuse('experience', 'Kinh nghiệm không hợp lệ.');
  if (input.salary_type === 1) {
    if (
      !(
        Number.isInteger(input.salary_from) &&
        Number.isInteger(input.salary_to) &&
        input.salary_from <= input.salary_to
      )
    )
      refuse('salary_from', 'Mức lương không hợp lệ.');
    if (input.salary_currency !== 'VND') refuse('salary_currency', 'Đơn vị tiền tệ không hợp lệ.');
  } else if (input.salary_type !== 2) refuse('salary_type', 'Loại lương không hợp lệ.');
  if (!(Number.isInteger(input.quantity) && input.quantity >= 1)) refuse('quantity', 'Số lượng không hợp lệ.');
  const locations = input.locations;
  if (
    !Array.isArray(locations) ||
    locations.length < 1 ||
    locations.length > 3 ||
    !locations.every((location) => PROVINCE.test(String(location?.province_id)))
  ) {
    refuse('locations', 'Địa điểm không hợp lệ.');
  }
  const today = new Date().toISOString().slice(0, 10);
  if (typeof input.deadline !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(input.deadline) || input.deadline <= today)
    refuse('deadline', 'Hạn nộp hồ sơ không hợp lệ.');
  return errors;
}

/** A time as TopCV writes it: "YYYY-MM-DD HH:mm:ss" in Vietnam (UTC+7). */
export function vietnamTime(date = new Date()): string {
  return new Date(date.getTime() + 7 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');
}

/** TopCV's side: employers, their jobs, their webhook URLs, the one-time CV links, and what its moderators do. */
class TopcvBoard {
  readonly jobs = new Map<number, TopcvJob>();
  readonly byKey = new Map<string, number>();
  readonly createdPerKey = new Map<string, number>();
  readonly webhookUrls = new Map<number, string>();
  /** One-time CV links: token → the CV, until it is downloaded once. */
  readonly cvs = new Map<string, Buffer>();
  readonly downloads = { served: 0, refused: 0 };
  /** The applications TopCV posted, as it posted them. */
  readonly applications: TopcvApplication[] = [];
  readonly sent: Promise<SendOutcome>[] = [];
  /** Where the simulator listens, once it does (CV links start with it). */
  url = '';
  private nextId = 880_001;

  constructor(
    readonly employers: typeof TOPCV_EMPLOYERS,
    private readonly autoReviewMs: number | undefined,
  ) {}

  employerOf(headers: Record<string, unknown>) {
    const token = String(headers.authorization ?? '').replace(/^Bearer /, '');
    const employer = this.employers[token];
    return employer ? { ...employer, token } : undefined;
  }

  /** The employer's job with this id, or why not. */
  owned(headers: Record<string, unknown>, id: string | undefined) {
    const employer = this.employerOf(headers);
    if (!employer) return 'unauthorized' as const;
    const job = this.jobs.get(Number(id));
    return job && job.employerId === employer.id ? job : ('not found' as const);
  }

  add(employerId: number, status: TopcvJob['status'], body: XmlLessBody): TopcvJob {
    const job: TopcvJob = { id: this.nextId++, employerId, status, title: body.title, body };
    this.jobs.set(job.id, job);
    return job;
  }

  /** Posts a signed webhook to the employer's URL, retrying like TopCV; undefined when none is set up. */
  notify(employerId: number, body: TopcvWebhookBody): Promise<SendOutcome> | undefined {
    const url = this.webhookUrls.get(employerId);
    const employer = Object.values(this.employers).find((candidate) => candidate.id === employerId)!;
    if (!url) return undefined;
    const delivery = sendWebhook(url, topcvDelivery(employer.secretKey, body), { attempts: 8, retryDelayMs: 250 });
    this.sent.push(delivery);
    return delivery;
  }

  /** A moderator's verdict on a job; resolves with the outcome of the webhook, if one is set up. */
  review(id: number, approved: boolean, reason?: string) {
    const job = this.jobs.get(id);
    if (job?.status !== 'reviewing') throw new Error(`TopCV job ${id} is not waiting for review`);
    job.status = approved ? 'displaying' : 'rejected';
    if (approved) delete job.rejectReason;
    else job.rejectReason = reason ?? 'Tin tuyển dụng không đạt yêu cầu.';
    return this.notify(
      job.employerId,
      approved
        ? { event: 'job.approved', data: { job_id: id } }
        : { event: 'job.rejected', data: { job_id: id, reason: job.rejectReason! } },
    );
  }

  /** With `autoReviewMs`, the moderators look at the job that long after it was created or changed. */
  scheduleReview(job: TopcvJob) {
    if (this.autoReviewMs === undefined) return;
    setTimeout(() => {
      if (job.status !== 'reviewing') return;
      const short = textOf(String(job.body.job_description)).length < MIN_DESCRIPTION;
      void this.review(
        job.id,
        !short,
        short ? `Mô tả công việc quá ngắn (job description under ${MIN_DESCRIPTION} characters).` : undefined,
      );
    }, this.autoReviewMs).unref();
  }

  /** The deadline passes: the job closes and TopCV says so. */
  expire(id: number) {
    const job = this.jobs.get(id)!;
    job.status = 'expired';
    return this.notify(job.employerId, { event: 'job.expired', data: { job_id: id } });
  }

  /**
   * Someone applies to a job (or sends a CV for a job title TopCV does not link to a job, with `jobId` null):
   * TopCV posts the application, its CV behind a one-time link.
   */
  apply(
    accessToken: string,
    jobId: number | null,
    candidate: { name: string; email?: string; phone?: string },
    extra: { title?: string; cv?: Buffer } = {},
  ) {
    const employer = this.employers[accessToken]!;
    const job = jobId === null ? undefined : this.jobs.get(jobId);
    const title = extra.title ?? job?.title;
    const body: TopcvApplication = {
      job_id: job?.id ?? null,
      ...(title ? { job_title: title } : {}),
      apply_at: vietnamTime(),
      candidate_name: candidate.name,
      ...(candidate.email ? { candidate_email: candidate.email } : {}),
      ...(candidate.phone ? { candidate_phone: candidate.phone } : {}),
      ...(extra.cv ? { download_url: this.hostCv(extra.cv) } : {}),
    };
    this.applications.push(body);
    const delivery = this.notify(employer.id, body);
    if (!delivery) throw new Error('No webhook URL is set up for this employer');
    return delivery;
  }

  /** Keeps a CV behind a one-time link, as TopCV does for each application. */
  hostCv(cv: Buffer): string {
    const token = randomUUID().replaceAll('-', '');
    this.cvs.set(token, cv);
    return `${this.url}/api/v1/cv-management/onetime-download?token=${token}`;
  }
}

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
const invalid = (errors: Record<string, string[]>) => ({
  status: 422,
  json: { success: false, message: 'Dữ liệu không hợp lệ.', errors },
});

/** TopCV's employer API as the plugin uses it: the employer, its webhook settings, its jobs. */
function apiRoutes(board: TopcvBoard): Record<string, RouteHandler> {
  return {
    'GET /api/v1/employer/me': ({ headers }) => {
      const employer = board.employerOf(headers);
      if (!employer) return unauthorized;
      return { json: { success: true, data: { id: employer.id, name: employer.name } } };
    },
    // TopCV's integration settings: where the employer's webhooks go (what the connect page says to paste).
    'PUT /api/v1/employer/webhook': ({ headers, body }) => {
      const employer = board.employerOf(headers);
      if (!employer) return unauthorized;
      const url = (body as { url?: unknown })?.url;
      if (typeof url !== 'string' || !/^https?:\/\/\S+$/.test(url))
        return { status: 422, json: { success: false, errors: { url: ['URL không hợp lệ.'] } } };
      board.webhookUrls.set(employer.id, url);
      return { json: { success: true, data: { url } } };
    },
    'POST /api/v1/jobs': ({ headers, body }) => {
      const employer = board.employerOf(headers);
      if (!employer) return unauthorized;
      const key = String(headers['idempotency-key'] ?? '');
      const existing = board.byKey.get(key);
      if (key && existing !== undefined) return { json: view(board.jobs.get(existing)!) };
      const input = (body ?? {}) as XmlLessBody;
      const errors = invalidFields(input);
      if (Object.keys(errors).length > 0) return invalid(errors);
      const job = board.add(employer.id, 'reviewing', input);
      if (key) {
        board.byKey.set(key, job.id);
        board.createdPerKey.set(key, (board.createdPerKey.get(key) ?? 0) + 1);
      }
      board.scheduleReview(job);
      return { status: 201, json: view(job) };
    },
    'GET /api/v1/jobs/:id': ({ headers, params }) => {
      const job = board.owned(headers, params.id);
      return job === 'unauthorized' ? unauthorized : job === 'not found' ? notFound : { json: view(job) };
    },
    'PUT /api/v1/jobs/:id': ({ headers, params, body }) => {
      const job = board.owned(headers, params.id);
      if (job === 'unauthorized') return unauthorized;
      if (job === 'not found') return notFound;
      if (job.status === 'stopped' || job.status === 'expired')
        return { status: 409, json: { success: false, message: 'Tin đã đóng.' } };
      const input = (body ?? {}) as XmlLessBody;
      const errors = invalidFields(input);
      if (Object.keys(errors).length > 0) return invalid(errors);
      job.title = input.title;
      job.body = input;
      // Every change goes back to the moderators.
      job.status = 'reviewing';
      delete job.rejectReason;
      board.scheduleReview(job);
      return { json: view(job) };
    },
    'POST /api/v1/jobs/:id/close': ({ headers, params }) => {
      const job = board.owned(headers, params.id);
      if (job === 'unauthorized') return unauthorized;
      if (job === 'not found') return notFound;
      job.status = 'stopped';
      return { json: view(job) };
    },
    // The one-time CV link of an application: the CV once, then gone.
    'GET /api/v1/cv-management/onetime-download': ({ query }) => {
      const token = query.get('token') ?? '';
      const cv = board.cvs.get(token);
      if (!cv) {
        board.downloads.refused += 1;
        return { status: 410, json: { success: false, message: 'Liên kết đã hết hạn.' } };
      }
      board.cvs.delete(token);
      board.downloads.served += 1;
      return { headers: { 'content-type': 'application/octet-stream' }, bytes: cv };
    },
  };
}

/** Controls for the demo and manual trials (not TopCV's API): what its moderators and candidates do. */
function controlRoutes(board: TopcvBoard): Record<string, RouteHandler> {
  return {
    'POST /_simulator/jobs/:id/review': async ({ params, body }) => {
      const input = (body ?? {}) as { approved?: unknown; reason?: unknown };
      const job = board.jobs.get(Number(params.id));
      if (job?.status !== 'reviewing') return { status: 409, json: { error: 'The job is not waiting for review.' } };
      const reason = typeof input.reason === 'string' ? input.reason : undefined;
      const webhook = await board.review(job.id, input.approved !== false, reason);
      return { json: { status: job.status, webhook: webhook?.status ?? null } };
    },
    'POST /_simulator/jobs/:id/expire': async ({ params }) => {
      if (!board.jobs.has(Number(params.id))) return { status: 404, json: { error: 'No such job.' } };
      const webhook = await board.expire(Number(params.id));
      return { json: { status: 'expired', webhook: webhook?.status ?? null } };
    },
    'POST /_simulator/applications': async ({ body }) => {
      const input = (body ?? {}) as Record<string, unknown>;
      const text = (key: string) => (typeof input[key] === 'string' && input[key] ? (input[key] as string) : undefined);
      const accessToken = board.employers[text('employerApiKey') ?? '']
        ? text('employerApiKey')!
        : Object.keys(board.employers)[0]!;
      const name = text('name');
      if (!name) return { status: 422, json: { error: 'name is required' } };
      try {
        const webhook = await board.apply(
          accessToken,
          typeof input.jobId === 'number' ? input.jobId : null,
          {
            name,
            ...(text('email') ? { email: text('email')! } : {}),
            ...(text('phone') ? { phone: text('phone')! } : {}),
          },
          {
            ...(text('title') ? { title: text('title')! } : {}),
            ...(text('cv') ? { cv: Buffer.from(text('cv')!) } : {}),
          },
        );
        return { json: { webhook: webhook.status, application: board.applications.at(-1) } };
      } catch (error) {
        return { status: 409, json: { error: (error as Error).message } };
      }
    },
  };
}

/**
 * TopCV's employer API as the plugin uses it — jobs created, changed and closed with an employer's access token,
 * reviewed by moderators — and TopCV's side of the webhooks: pass an employer's webhook URL to `setWebhookUrl`
 * and reviews, closures and applications are posted there, signed with the employer's secret key, retried like
 * TopCV does.
 */
export async function startTopcvSimulator(options: TopcvSimulatorOptions = {}) {
  const board = new TopcvBoard(options.employers ?? TOPCV_EMPLOYERS, options.autoReviewMs);
  const simulator = await startSimulator({ ...apiRoutes(board), ...controlRoutes(board) });
  board.url = simulator.url;
  return Object.assign(simulator, {
    jobs: board.jobs,
    createdPerKey: board.createdPerKey,
    downloads: board.downloads,
    applications: board.applications,
    hostCv: (cv: Buffer) => board.hostCv(cv),
    /** What an employer pastes into TopCV's integration settings: where its webhooks go. */
    setWebhookUrl(accessToken: string, url: string) {
      board.webhookUrls.set(board.employers[accessToken]!.id, url);
    },
    /** A moderator's verdict on a job; resolves with the outcome of the webhook, if one is set up. */
    review: (id: number, approved: boolean, reason?: string) => board.review(id, approved, reason),
    expire: (id: number) => board.expire(id),
    apply: (...args: Parameters<TopcvBoard['apply']>) => board.apply(...args),
    /** A job posted on TopCV's own site, outside the API; shown. */
    createDirectly(accessToken: string, title: string): TopcvJob {
      return board.add(board.employers[accessToken]!.id, 'displaying', { title, job_description: `<p>${title}</p>` });
    },
    /** Resolves once every webhook sent so far has been answered (or given up). */
    async settled() {
      await Promise.all(board.sent);
    },
  });
}

/** An application as TopCV posts it (the shape public integrations show). */
export interface TopcvApplication {
  job_id?: string | number | null;
  job_title?: string;
  /** "YYYY-MM-DD HH:mm:ss", Vietnam time. */
  apply_at: string;
  candidate_name: string;
  candidate_email?: string;
  candidate_phone?: string;
  /** A one-time link to the CV. */
  download_url?: string;
}

/** What TopCV posts: an application, or (our assumption) a job's review or expiry. */
export type TopcvWebhookBody =
  | TopcvApplication
  | { event: 'job.approved' | 'job.expired'; data: { job_id: string | number } }
  | { event: 'job.rejected'; data: { job_id: string | number; reason?: string } };

/**
 * A webhook delivery signed the way this project assumes TopCV signs (none is evidenced): HMAC-SHA256 of
 * `<timestamp>.<body>` under the employer's secret key. `timestamp` (seconds) defaults to now; an old one makes
 * a replay. `rawBody` signs other bytes instead.
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
