import {
  BoardError,
  definePlugin,
  z,
  type BoardFieldError,
  type BoardPostingStatus,
  type Credentials,
  type HttpClient,
  type PostingJob,
  type PostingPayload,
} from '@multiposting/plugin-sdk';
import { codeList } from './code-lists.ts';
import {
  type ForemMessage,
  type ForemResult,
  parseResult,
  positionOpening,
  type VacancyFields,
  type VacancyStatus,
} from './position-opening.ts';

const CONTRACT_TYPES = codeList('contrattravail');
const SCHEDULES = codeList('tempstravail');
const ROME = codeList('romev3');
const DIMECO = codeList('dimeco');
const NACE_BEL = codeList('nacebel2008');
const POSTAL_CODES = codeList('codepostal');
const LANGUAGES = codeList('langue');
const EDUCATION = codeList('niveauetude');
const LICENCES = codeList('permisconduire');

const keys = (list: Readonly<Record<string, string>>) => Object.keys(list) as [string, ...string[]];
/** A code of one of Le Forem's lists; long lists are checked without being spelled out in the JSON Schema. */
const code = (list: Readonly<Record<string, string>>, name: string) =>
  z.string().refine((value) => Object.hasOwn(list, value), `is not in Le Forem's ${name} list`);

const postingFields = z
  .object({
    language: z.enum(['FR', 'NL', 'DE', 'EN']).default('FR').describe('Language of the vacancy (xml:lang)'),
    contractType: z
      .enum(keys(CONTRACT_TYPES), "must be one of Le Forem's contract types (contrattravail)")
      .describe('Contract type, from the contrattravail list: G permanent, T fixed term, I temporary…'),
    schedule: z
      .enum(keys(SCHEDULES), "must be one of Le Forem's schedules (tempstravail)")
      .describe('Working time, from the tempstravail list: Full Time, Part Time, x:Night Work…'),
    romeCode: code(ROME, 'ROME V3').optional().describe('Job category: a ROME V3 code, e.g. N1103'),
    dimecoCode: code(DIMECO, 'DIMECO').optional().describe('Job category: a DIMECO code (instead of or with ROME V3)'),
    industryCode: code(NACE_BEL, 'NACE-BEL 2008').describe("The employer's activity: a NACE-BEL 2008 code, e.g. 52100"),
    postalCode: code(POSTAL_CODES, 'postal code (codepostal)').describe('Belgian postal code of the workplace'),
    experienceMonths: z.number().int().min(0).max(600).default(0).describe('Experience required, in months'),
    educationLevel: z
      .enum(keys(EDUCATION), 'must be an ISCED 2011 level from 0 to 8')
      .optional()
      .describe('Level of education (ISCED 2011, niveauetude)'),
    drivingLicences: z
      .array(z.enum(keys(LICENCES), "must be one of Le Forem's driving licences (permisconduire)"))
      .max(15)
      .optional()
      .describe('Driving licences required: AM, A, B, C, C+E…'),
    languages: z
      .array(
        z.object({
          code: code(LANGUAGES, 'language (ISO 639-1)').describe('ISO 639-1 code, e.g. nl'),
          level: z.number().int().min(1).max(6).describe('1 to 6, A1 to C2'),
        }),
      )
      .max(10)
      .optional()
      .describe('Languages required, with their level'),
    employerName: z.string().trim().min(1).max(200).describe('The employer, as the vacancy shows it'),
    enterpriseNumber: z
      .string()
      .regex(/^[01][0-9]{9}$/, 'must be a Belgian enterprise number (BCE/KBO): 10 digits')
      .optional()
      .describe("The employer's enterprise number (BCE/KBO)"),
    contactName: z.string().trim().min(1).max(100).describe('Who candidates apply to (HowToApply/PersonName)'),
    contactEmail: z.email('must be an e-mail address').describe('Where candidates apply'),
    contactPhone: z.string().trim().min(6).max(30).optional(),
    numberToFill: z.number().int().min(1).max(999).default(1).describe('Number of positions'),
    description: z
      .string()
      .trim()
      .min(1)
      .max(20_000)
      .optional()
      .describe("The description in the vacancy's language, when the job's own description is in another language"),
  })
  .superRefine((fields, ctx) => {
    if (!fields.romeCode && !fields.dimecoCode)
      ctx.addIssue({ code: 'custom', path: ['romeCode'], message: 'a job category is required: ROME V3 or DIMECO' });
  });

/** Le Forem's vacancy states, as its results say them. */
const STATES: Record<string, BoardPostingStatus> = { Pending: 'PENDING_REVIEW', Active: 'PUBLISHED' };

/**
 * ASSUMPTION (not public): where a partner reads one of its vacancies. Le Forem's publication results carry the
 * vacancy's status; reading it again later is assumed to answer the same `PositionOpeningResult`.
 */
export const VACANCY_PATH = (partnerCode: string, id: string) =>
  `OffresEmploi/${encodeURIComponent(partnerCode)}/${encodeURIComponent(id)}`;

/** ASSUMPTION (not public): a vacancy's page on leforem.be, from Le Forem's own id in the result. */
const vacancyUrl = (foremId: string) => `https://www.leforem.be/recherche-offres/offre-detail/${foremId}`;

/**
 * The element of the PositionOpening each board field is written to, to name the field Le Forem refused.
 * ASSUMPTION (not public): an `Error` names its element as an XPath below the root in `Field`.
 */
const FIELD_OF_ELEMENT: [RegExp, string][] = [
  [/JobCategory.*DIMECO/, 'dimecoCode'],
  [/JobCategory/, 'romeCode'],
  [/PositionClassification/, 'contractType'],
  [/PositionSchedule/, 'schedule'],
  [/IndustryCode/, 'industryCode'],
  [/PostalCode|PhysicalLocation/, 'postalCode'],
  [/Experience/, 'experienceMonths'],
  [/Study Code/, 'educationLevel'],
  [/Drivers License/, 'drivingLicences'],
  [/Competency.*Language/, 'languages'],
  [/OrganizationId/, 'enterpriseNumber'],
  [/EntityName|OrganizationName/, 'employerName'],
  [/PersonName/, 'contactName'],
  [/InternetEmailAddress|ApplicationMethod/, 'contactEmail'],
  [/Telephone/, 'contactPhone'],
  [/NumberToFill/, 'numberToFill'],
  [/FormattedPositionDescription/, 'description'],
  [/@lang/, 'language'],
];

const headers = (credentials: Credentials) => ({
  'Ocp-Apim-Subscription-Key': String(credentials.apiKey),
  accept: 'application/xml',
});

const isOwnerError = (error: ForemMessage) => /PositionRecordInfo\/Id\/@idOwner/.test(error.field ?? '');
const sentence = (errors: ForemMessage[]) =>
  errors
    .slice(0, 10)
    .map((error) => error.message)
    .join(' ');

/** Le Forem's refusal: the board fields it names, the rest in the message. */
function refusal(errors: ForemMessage[], what: string): BoardError {
  if (errors.some(isOwnerError))
    return new BoardError({
      code: 'FORBIDDEN',
      retryable: false,
      userMessage: 'Le Forem does not accept this partner code with this API key.',
    });
  const fields: BoardFieldError[] = [];
  for (const error of errors) {
    const field = FIELD_OF_ELEMENT.find(([pattern]) => pattern.test(error.field ?? ''))?.[1];
    if (field) fields.push({ path: [field], message: error.message });
  }
  return new BoardError({
    code: 'VALIDATION',
    retryable: false,
    userMessage: `Le Forem refused the ${what}: ${sentence(errors)}`,
    fields,
  });
}

/** Sends a PositionOpening and reads Le Forem's result; its Errors are a refusal. */
async function send(
  http: HttpClient,
  credentials: Credentials,
  path: 'OffresEmploi' | 'OffresEmploi/Validation',
  document: string,
  idempotencyKey?: string,
): Promise<ForemResult> {
  const response = await http.request({
    method: 'POST',
    url: path,
    // Le Forem's publication is an upsert by vacancy id, which makes a repeat safe; the key goes along for tracing.
    headers: { ...headers(credentials), ...(idempotencyKey ? { 'Idempotency-Key': idempotencyKey } : {}) },
    body: document,
    contentType: 'application/xml; charset=utf-8',
  });
  const result = parseResult(
    response.body,
    path === 'OffresEmploi' ? 'PositionOpeningResult' : 'PositionOpeningValidationResult',
  );
  if (!result)
    throw new BoardError({ code: 'BAD_RESPONSE', retryable: true, userMessage: 'Le Forem sent an unexpected answer.' });
  if (result.errors.length > 0) throw refusal(result.errors, 'vacancy');
  return result;
}

function document(credentials: Credentials, id: string, status: VacancyStatus, posting?: PostingPayload) {
  return positionOpening({
    id,
    partnerCode: String(credentials.partnerCode),
    status,
    now: new Date(),
    ...(posting ? { vacancy: { job: posting.job, fields: posting.boardFields as unknown as VacancyFields } } : {}),
  });
}

const foremId = (result: ForemResult) => result.ids.find((id) => id.owner === 'Forem')?.value;
const warnings = (result: ForemResult) => result.warnings.map((warning) => warning.message).filter(Boolean);
const reviewed = (result: ForemResult) => (result.status === 'Active' ? 'PUBLISHED' : 'PENDING_REVIEW');

/** Board-field defaults from the job: its Belgian postal code, and the contract and schedule its type implies. */
function postingDefaults(job: PostingJob): Record<string, unknown> {
  const contractType = { TEMPORARY: 'T', INTERNSHIP: 'S', FREELANCE: 'Z' }[job.employmentType ?? ''] ?? 'G';
  const schedule =
    job.employmentType === 'PART_TIME' || (job.hoursPerWeek !== null && job.hoursPerWeek < 30)
      ? 'Part Time'
      : 'Full Time';
  const postalCode = job.location.postalCode?.trim();
  return {
    contractType,
    schedule,
    ...(job.location.countryCode === 'BE' && postalCode && Object.hasOwn(POSTAL_CODES, postalCode)
      ? { postalCode }
      : {}),
  };
}

/** Le Forem, the public employment service of Wallonia (Belgium). */
export default definePlugin({
  id: 'le-forem',
  name: 'Le Forem',
  version: '2.0.0',
  sdkVersion: '^1.5.0',
  country: 'BE',
  description:
    "The public employment and training service of Wallonia, Belgium. Vacancies as HR-XML, coded with Le Forem's lists.",
  instructions: [
    'Le Forem works with partners under a **confidentiality agreement**: sign it with your Le Forem account manager first.',
    '',
    '1. Le Forem gives you a **partner code** and an **API key** (subscription key) for the **acceptance** environment.',
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
    {
      key: 'apiKey',
      label: 'API key',
      help: 'The subscription key of the environment (one per environment).',
      type: 'string',
      required: true,
      secret: true,
    },
  ],
  confirmations: [
    { key: 'confidentialityAgreementSigned', label: 'The confidentiality agreement with Le Forem is signed.' },
  ],
  environmentPrerequisites: { PRODUCTION: { approvedPostingIn: 'ACCEPTANCE' } },
  capabilities: ['publish', 'update', 'withdraw', 'statusPolling', 'linkExisting'],
  postingFields,
  postingDefaults,

  /**
   * The API key and the partner code together: a validation of an empty vacancy under the partner code. Le Forem
   * refuses the key itself (401), or the partner code for this key; the empty vacancy's own errors are expected.
   */
  async verifyCredentials({ http, credentials }) {
    const response = await http.request({
      method: 'POST',
      url: 'OffresEmploi/Validation',
      headers: headers(credentials),
      body: document(credentials, 'credentials-check', 'Active'),
      contentType: 'application/xml; charset=utf-8',
      acceptStatuses: [401, 403],
    });
    if (response.status === 401 || response.status === 403)
      return { ok: false, reason: 'Le Forem refused the API key.' };
    const result = parseResult(response.body, 'PositionOpeningValidationResult');
    if (!result)
      throw new BoardError({
        code: 'BAD_RESPONSE',
        retryable: true,
        userMessage: 'Le Forem sent an unexpected answer.',
      });
    if (result.errors.some(isOwnerError)) return { ok: false, reason: 'This API key belongs to another partner code.' };
    return { ok: true };
  },

  async validatePosting({ http, credentials, posting }) {
    await send(
      http,
      credentials,
      'OffresEmploi/Validation',
      document(credentials, `check-${posting.job.id}`, 'Active', posting),
    );
  },

  /** Our vacancy id is the publication's idempotency key: a retried publication re-sends the same vacancy. */
  async publish({ http, credentials, posting, idempotencyKey }) {
    const vacancy = document(credentials, idempotencyKey, 'Active', posting);
    const result = await send(http, credentials, 'OffresEmploi', vacancy, idempotencyKey);
    const id = foremId(result);
    return {
      externalId: idempotencyKey,
      ...(id ? { externalUrl: vacancyUrl(id) } : {}),
      status: reviewed(result),
      warnings: warnings(result),
    };
  },

  async update({ http, credentials, posting, externalId, idempotencyKey }) {
    const vacancy = document(credentials, externalId, 'Active', posting);
    const result = await send(http, credentials, 'OffresEmploi', vacancy, idempotencyKey);
    return { status: reviewed(result), warnings: warnings(result) };
  },

  /** `Status` Inactive under the same id: the evidenced way to take a vacancy off (no DELETE is documented). */
  async withdraw({ http, credentials, externalId, idempotencyKey }) {
    await send(http, credentials, 'OffresEmploi', document(credentials, externalId, 'Inactive'), idempotencyKey);
  },

  async fetchPosting({ http, credentials, externalId }) {
    const response = await http.request({
      url: VACANCY_PATH(String(credentials.partnerCode), externalId),
      headers: headers(credentials),
      acceptStatuses: [404],
    });
    if (response.status === 404) return null;
    const result = parseResult(response.body, 'PositionOpeningResult');
    if (!result?.status)
      throw new BoardError({
        code: 'BAD_RESPONSE',
        retryable: true,
        userMessage: 'Le Forem sent an unexpected answer.',
      });
    const id = foremId(result);
    const url = id ? { externalUrl: vacancyUrl(id) } : {};
    if (result.status === 'Inactive')
      return result.errors.length > 0
        ? { status: 'REJECTED', rejectionReason: sentence(result.errors), ...url }
        : { status: 'WITHDRAWN', ...url };
    const status = STATES[result.status];
    if (!status)
      throw new BoardError({
        code: 'BAD_RESPONSE',
        retryable: true,
        userMessage: 'Le Forem sent an unexpected answer.',
      });
    return { status, ...url };
  },
});
