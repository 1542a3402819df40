import { BoardError, definePlugin, z } from 'multiposting-api/plugin-sdk';

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
    { key: 'employerNumber', label: 'Employer number', help: 'Six digits, shown in Settings → API.', type: 'string', required: true, secret: false, pattern: { regex: '\\d{6}', message: 'must be six digits' } },
    { key: 'apiKey', label: 'API key', type: 'string', required: true, secret: true },
  ],
  confirmations: [{ key: 'termsAccepted', label: 'The Fjord Jobs publication terms are accepted.' }],
  capabilities: ['publish'],
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
      throw new BoardError({ code: 'BAD_RESPONSE', retryable: true, userMessage: 'Fjord Jobs sent an unexpected answer.' });
    }
    log.info('Verified employer', { employerNumber: credentials.employerNumber });
    return employer.active ? { ok: true } : { ok: false, reason: 'The employer account is not active on Fjord Jobs.' };
  },

  async publish({ http, credentials, posting, idempotencyKey }) {
    const response = await http.request({
      method: 'POST',
      url: `/v1/employers/${encodeURIComponent(String(credentials.employerNumber))}/jobs`,
      headers: { 'x-api-key': String(credentials.apiKey), 'idempotency-key': idempotencyKey },
      json: {
        title: posting.job.title,
        descriptionHtml: posting.job.description,
        sector: posting.boardFields.sector,
        remote: posting.boardFields.remote,
        municipality: posting.boardFields.municipality,
        applyUrl: posting.job.applyUrl,
      },
    });
    const created = response.body as { id?: unknown; url?: unknown };
    if (typeof created?.id !== 'string') {
      throw new BoardError({ code: 'BAD_RESPONSE', retryable: true, userMessage: 'Fjord Jobs did not return the new job\'s id.' });
    }
    return { externalId: created.id, status: 'PUBLISHED', ...(typeof created.url === 'string' ? { externalUrl: created.url } : {}) };
  },
});
