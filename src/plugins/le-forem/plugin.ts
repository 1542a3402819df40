import {
  BoardError,
  definePlugin,
  z,
  type BoardPostingStatus,
  type Credentials,
  type HttpClient,
  type PostingJob,
  type PostingPayload,
} from '@multiposting/plugin-sdk';
import { CATEGORIES, CONTRACT_TYPES, regionOfPostalCode, REGIONS, WORKING_REGIMES } from './codes.ts';

const codes = <Codes extends Record<string, string>>(list: Codes) =>
  Object.keys(list) as [keyof Codes & string, ...(keyof Codes & string)[]];

const postingFields = z
  .object({
    language: z.enum(['fr', 'nl']).default('fr').describe('Language of the vacancy: French or Dutch'),
    contractType: z
      .enum(codes(CONTRACT_TYPES), "must be one of Le Forem's contract types")
      .describe('Le Forem contract type'),
    workingRegime: z
      .enum(codes(WORKING_REGIMES), "must be one of Le Forem's working regimes")
      .describe('Working regime'),
    category: z.enum(codes(CATEGORIES), "must be one of Le Forem's job categories").describe('Le Forem job category'),
    postalCode: z
      .string()
      .regex(/^[1-9][0-9]{3}$/, 'must be a Belgian postal code (4 digits)')
      .describe('Belgian postal code of the workplace'),
    region: z.enum(codes(REGIONS)).optional().describe('WAL, BRU or VLA; derived from the postal code when omitted'),
    description: z
      .string()
      .trim()
      .min(1)
      .max(20_000)
      .optional()
      .describe("The description in the vacancy's language, when the job's own description is in another language"),
  })
  .superRefine((fields, ctx) => {
    const region = regionOfPostalCode(fields.postalCode);
    if (fields.region && region && fields.region !== region) {
      ctx.addIssue({
        code: 'custom',
        path: ['region'],
        message: `does not match the postal code ${fields.postalCode} (${region})`,
      });
    }
  });

type Fields = z.output<typeof postingFields>;

/** Le Forem's vacancy states. */
const STATES: Record<string, BoardPostingStatus> = {
  AUDIT: 'PENDING_REVIEW',
  PUBLIEE: 'PUBLISHED',
  REFUSEE: 'REJECTED',
  RETIREE: 'WITHDRAWN',
};

const partnerPath = (credentials: Credentials) =>
  `/api/v1/partners/${encodeURIComponent(String(credentials.partnerCode))}`;
const auth = (credentials: Credentials) => ({ 'x-api-key': String(credentials.apiKey) });

function vacancyBody({ job, boardFields }: PostingPayload) {
  const fields = boardFields as Fields;
  return {
    intitule: job.title,
    langue: fields.language,
    description: fields.description ?? job.description,
    typeContrat: fields.contractType,
    regimeTravail: fields.workingRegime,
    categorie: fields.category,
    lieu: {
      codePostal: fields.postalCode,
      region: fields.region ?? regionOfPostalCode(fields.postalCode),
      ...(job.location.city ? { localite: job.location.city } : {}),
    },
    ...(job.hoursPerWeek ? { heuresParSemaine: job.hoursPerWeek } : {}),
    ...(job.salary ? { salaire: job.salary } : {}),
    ...(job.applyUrl ? { lienCandidature: job.applyUrl } : {}),
  };
}

/** Le Forem answers 422 with the fields it refused. */
async function send(http: HttpClient, request: Parameters<HttpClient['request']>[0]) {
  const response = await http.request({ ...request, acceptStatuses: [...(request.acceptStatuses ?? []), 422] });
  if (response.status === 422) {
    const errors = (response.body as { erreurs?: { champ?: unknown; message?: unknown }[] })?.erreurs ?? [];
    const fields =
      errors
        .slice(0, 10)
        .map((error) => `${String(error.champ)} (${String(error.message)})`)
        .join(', ') || 'unknown fields';
    throw new BoardError({
      code: 'VALIDATION',
      retryable: false,
      status: 422,
      userMessage: `Le Forem refused the vacancy: ${fields}.`,
    });
  }
  return response;
}

function vacancyView(body: unknown): { id: string; status: BoardPostingStatus; url?: string; reason?: string } {
  const data = body as { id?: unknown; statut?: unknown; url?: unknown; motifRefus?: unknown } | null;
  const status = STATES[String(data?.statut)];
  if (typeof data?.id !== 'string' || !status)
    throw new BoardError({ code: 'BAD_RESPONSE', retryable: true, userMessage: 'Le Forem sent an unexpected answer.' });
  return {
    id: data.id,
    status,
    ...(typeof data.url === 'string' ? { url: data.url } : {}),
    ...(typeof data.motifRefus === 'string' ? { reason: data.motifRefus } : {}),
  };
}

/** Board-field defaults from the job: its Belgian postal code and the contract and regime its employment type implies. */
function postingDefaults(job: PostingJob): Record<string, unknown> {
  const contractType =
    { TEMPORARY: 'CDD', INTERNSHIP: 'STAGE', FREELANCE: 'INDEPENDANT' }[job.employmentType ?? ''] ?? 'CDI';
  const workingRegime =
    job.employmentType === 'PART_TIME' || (job.hoursPerWeek !== null && job.hoursPerWeek < 30)
      ? 'TEMPS_PARTIEL'
      : 'TEMPS_PLEIN';
  const postalCode =
    job.location.countryCode === 'BE' && job.location.postalCode && regionOfPostalCode(job.location.postalCode.trim())
      ? job.location.postalCode.trim()
      : undefined;
  return { contractType, workingRegime, ...(postalCode ? { postalCode } : {}) };
}

/** Le Forem, the public employment service of Wallonia (Belgium). */
export default definePlugin({
  id: 'le-forem',
  name: 'Le Forem',
  version: '1.0.0',
  sdkVersion: '^1.0.0',
  country: 'BE',
  description: 'The public employment and training service of Wallonia, Belgium. Vacancies in French or Dutch.',
  instructions: [
    'Le Forem works with partners under a **confidentiality agreement**: sign it with your Le Forem account manager first.',
    '',
    '1. Le Forem gives you a **partner code** and an **API key** for the **acceptance** environment.',
    '2. Connect an ACCEPTANCE contract and post test vacancies: Le Forem audits them.',
    '3. Once a test vacancy is approved, Le Forem issues production credentials: connect a PRODUCTION contract.',
    '   It is active as soon as its credentials verify.',
  ].join('\n'),
  docsUrl: 'https://www.leforem.be',
  environments: ['ACCEPTANCE', 'PRODUCTION'],
  credentials: [
    {
      key: 'partnerCode',
      label: 'Partner code',
      help: 'Given by Le Forem with the confidentiality agreement.',
      type: 'string',
      required: true,
      secret: false,
      pattern: { regex: '[A-Z0-9]{4,12}', message: 'must be 4 to 12 capital letters or digits' },
    },
    { key: 'apiKey', label: 'API key', help: 'One per environment.', type: 'string', required: true, secret: true },
  ],
  confirmations: [
    { key: 'confidentialityAgreementSigned', label: 'The confidentiality agreement with Le Forem is signed.' },
  ],
  environmentPrerequisites: { PRODUCTION: { approvedPostingIn: 'ACCEPTANCE' } },
  capabilities: ['publish', 'update', 'withdraw', 'statusPolling', 'linkExisting'],
  postingFields,
  postingDefaults,

  async verifyCredentials({ http, credentials }) {
    const response = await http.request({
      url: partnerPath(credentials),
      headers: auth(credentials),
      acceptStatuses: [401, 403, 404],
    });
    if (response.status === 401) return { ok: false, reason: 'Le Forem refused the API key.' };
    if (response.status === 403) return { ok: false, reason: 'This API key belongs to another partner code.' };
    if (response.status === 404) return { ok: false, reason: 'Le Forem does not know this partner code.' };
    return { ok: true };
  },

  async publish({ http, credentials, posting, idempotencyKey }) {
    const response = await send(http, {
      method: 'POST',
      url: `${partnerPath(credentials)}/vacancies`,
      headers: { ...auth(credentials), 'idempotency-key': idempotencyKey },
      json: vacancyBody(posting),
    });
    const vacancy = vacancyView(response.body);
    return {
      externalId: vacancy.id,
      ...(vacancy.url ? { externalUrl: vacancy.url } : {}),
      status: vacancy.status === 'PUBLISHED' ? 'PUBLISHED' : 'PENDING_REVIEW',
    };
  },

  async update({ http, credentials, posting, externalId, idempotencyKey }) {
    const response = await send(http, {
      method: 'PUT',
      url: `${partnerPath(credentials)}/vacancies/${encodeURIComponent(externalId)}`,
      headers: { ...auth(credentials), 'idempotency-key': idempotencyKey },
      json: vacancyBody(posting),
    });
    return { status: vacancyView(response.body).status === 'PUBLISHED' ? 'PUBLISHED' : 'PENDING_REVIEW' };
  },

  async withdraw({ http, credentials, externalId }) {
    // A vacancy Le Forem no longer has is withdrawn already.
    await http.request({
      method: 'DELETE',
      url: `${partnerPath(credentials)}/vacancies/${encodeURIComponent(externalId)}`,
      headers: auth(credentials),
      acceptStatuses: [404],
    });
  },

  async fetchPosting({ http, credentials, externalId }) {
    const response = await http.request({
      url: `${partnerPath(credentials)}/vacancies/${encodeURIComponent(externalId)}`,
      headers: auth(credentials),
      acceptStatuses: [404],
    });
    if (response.status === 404) return null;
    const vacancy = vacancyView(response.body);
    return {
      status: vacancy.status,
      ...(vacancy.url ? { externalUrl: vacancy.url } : {}),
      ...(vacancy.reason ? { rejectionReason: vacancy.reason } : {}),
    };
  },
});
