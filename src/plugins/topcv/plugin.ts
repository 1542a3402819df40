import { assertFreshTimestamp, definePlugin, hmacSha256Matches, WebhookError, z, type WebhookEvent } from '../../plugin-sdk/index.ts';

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
      return { type: 'posting.reviewed', externalId: delivery.data.job_id, approved: false, ...(delivery.data.reason ? { reason: delivery.data.reason } : {}) };
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
        ...(cv ? { document: { fileName: cv.file_name, contentType: cv.mime_type, contentBase64: cv.content_base64 } } : {}),
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
    '2. Paste the **employer API key** (TopCV\'s access token) and the **secret key** here.',
    '3. Paste this contract\'s **webhook URL** into TopCV so approvals, rejections and applications come back.',
  ].join('\n'),
  docsUrl: 'https://www.topcv.vn',
  environments: ['PRODUCTION'],
  credentials: [
    { key: 'employerApiKey', label: 'Employer API key', help: 'TopCV\'s access token for your employer account.', type: 'string', required: true, secret: true },
    { key: 'secretKey', label: 'Secret key', help: 'Signs the webhooks TopCV sends.', type: 'string', required: true, secret: true },
  ],
  capabilities: ['webhooks', 'candidates'],

  async verifyCredentials({ http, credentials }) {
    const response = await http.request({
      url: '/api/v1/employer/me',
      headers: { authorization: `Bearer ${String(credentials.employerApiKey)}` },
      acceptStatuses: [401],
    });
    if (response.status === 401) return { ok: false, reason: 'TopCV refused the employer API key.' };
    return { ok: true };
  },

  /** TopCV signs `<timestamp>.<body>` with the secret key (HMAC-SHA256, hex, "sha256=" prefix). */
  async handleWebhook({ request, credentials, now }) {
    const timestamp = request.headers['x-topcv-timestamp'];
    const signature = request.headers['x-topcv-signature']?.replace(/^sha256=/, '');
    const payload = Buffer.concat([Buffer.from(`${timestamp ?? ''}.`), request.body]);
    if (!hmacSha256Matches(String(credentials.secretKey), payload, signature)) {
      throw new WebhookError('signature', 'The TopCV signature does not match this contract\'s secret key.');
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
    if (!parsed.success) throw new WebhookError('malformed', `Unexpected body: ${parsed.error.issues[0]!.path.join('.')} ${parsed.error.issues[0]!.message}`);
    return { deliveryId, events: [eventOf(parsed.data)] };
  },
});
