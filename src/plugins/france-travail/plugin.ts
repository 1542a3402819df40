import {
  BoardError,
  clientCredentials,
  definePlugin,
  htmlToText,
  normalizeForSearch,
  OAuthRefusal,
  z,
  type BoardPostingStatus,
  type Credentials,
  type HttpRequest,
  type PluginContext,
  type PostingJob,
  type PostingPayload,
  type PostingProblem,
} from '@multiposting/plugin-sdk';
import {
  CITY_COMMUNES,
  CONTRACT_NATURES,
  CONTRACT_TYPES,
  EXPERIENCE_LEVELS,
  isInseeCommuneCode,
  MAX_DURATION_MONTHS,
  QUALIFICATIONS,
  WORK_STUDY_NATURES,
} from './codes.ts';
import { listSandboxAccessRequests, requestSandboxAccess } from './sandbox-access.ts';

const codesOf = <List extends Record<string, unknown>>(list: List) =>
  Object.keys(list) as [keyof List & string, ...(keyof List & string)[]];

/** Board fields named as France Travail's Offres d'emploi v2 names them, where it has a name for them. */
const postingFields = z
  .object({
    romeCode: z
      .string()
      .regex(/^[A-N][0-9]{4}$/, 'must be a ROME code: a capital letter from A to N and 4 digits, e.g. M1805')
      .describe("The occupation in France Travail's ROME directory, e.g. M1805 (software development)"),
    appellationCode: z
      .string()
      .regex(/^[0-9]{5,6}$/, 'must be a ROME appellation code: 5 or 6 digits, e.g. 38971')
      .optional()
      .describe("The job title in the ROME directory's appellations (referential appellations)"),
    typeContrat: z.enum(codesOf(CONTRACT_TYPES), `must be one of ${Object.keys(CONTRACT_TYPES).join(', ')}`).describe(
      Object.entries(CONTRACT_TYPES)
        .map(([code, type]) => `${code}: ${type.label}`)
        .join('; '),
    ),
    natureContrat: z
      .enum(codesOf(CONTRACT_NATURES), `must be one of ${Object.keys(CONTRACT_NATURES).join(', ')}`)
      .default('E1')
      .describe(
        Object.entries(CONTRACT_NATURES)
          .map(([code, label]) => `${code}: ${label}`)
          .join('; '),
      ),
    contractDuration: z
      .object({
        value: z.number().int('must be a whole number').min(1, 'must be at least 1'),
        unit: z.enum(['DAYS', 'MONTHS']),
      })
      .optional()
      .describe('Required for fixed-term contracts (CDD, MIS, SAI, TTI, DDI, DDT); not given for the others'),
    hoursPerWeek: z
      .number()
      .min(1, 'must be at least 1')
      .max(48, 'must be at most 48 (the legal maximum in France)')
      .describe('Weekly working hours; under 35 is part-time'),
    experienceExige: z
      .enum(codesOf(EXPERIENCE_LEVELS))
      .default('D')
      .describe('D: a beginner is accepted; S: experience wished; E: experience required'),
    experienceMonths: z
      .number()
      .int('must be a whole number')
      .min(1, 'must be at least 1')
      .max(600)
      .optional()
      .describe('Months of experience, when wished (S) or required (E)'),
    lieuTravail: z
      .object({
        commune: z
          .string()
          .refine(
            isInseeCommuneCode,
            'must be an INSEE commune code (5 characters, e.g. 75056 for Paris), not the postal code',
          )
          .describe('INSEE code of the commune of the workplace'),
      })
      .describe('Where the job is'),
    qualificationCode: z
      .enum(codesOf(QUALIFICATIONS))
      .optional()
      .describe(
        Object.entries(QUALIFICATIONS)
          .map(([code, label]) => `${code}: ${label}`)
          .join('; '),
      ),
    nombrePostes: z.number().int().min(1).max(99).default(1).describe('Number of positions'),
  })
  .superRefine((fields, ctx) => {
    const fixedTerm = CONTRACT_TYPES[fields.typeContrat].fixedTerm;
    if (fixedTerm && !fields.contractDuration) {
      ctx.addIssue({
        code: 'custom',
        path: ['contractDuration'],
        message: `is required for a ${fields.typeContrat} contract`,
      });
    }
    if (!fixedTerm && fields.contractDuration) {
      ctx.addIssue({
        code: 'custom',
        path: ['contractDuration'],
        message: `is only for fixed-term contracts, not ${fields.typeContrat}`,
      });
    }
    const max = MAX_DURATION_MONTHS[fields.typeContrat];
    if (max && fields.contractDuration) {
      const months =
        fields.contractDuration.unit === 'MONTHS' ? fields.contractDuration.value : fields.contractDuration.value / 30;
      if (months > max)
        ctx.addIssue({
          code: 'custom',
          path: ['contractDuration', 'value'],
          message: `a ${fields.typeContrat} lasts at most ${max} months`,
        });
    }
    if (fields.experienceExige !== 'D' && fields.experienceMonths === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['experienceMonths'],
        message: `is required when experienceExige is ${fields.experienceExige}`,
      });
    }
    if (fields.experienceExige === 'D' && fields.experienceMonths !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['experienceMonths'],
        message: 'is only for experienceExige S or E',
      });
    }
  });

type Fields = z.output<typeof postingFields>;

/** France Travail's offer states. */
const STATES: Record<string, BoardPostingStatus> = {
  EN_ATTENTE_VALIDATION: 'PENDING_REVIEW',
  PUBLIEE: 'PUBLISHED',
  REFUSEE: 'REJECTED',
  ANNULEE: 'WITHDRAWN',
  CLOTUREE: 'EXPIRED',
};

/** France Travail's longest offer description, in characters. */
const MAX_DESCRIPTION = 4000;

/**
 * France Travail's partner realm. ASSUMPTION: the token endpoint is reached at the configured base URL (in
 * production France Travail serves it from entreprise.francetravail.fr and the APIs from api.francetravail.io).
 */
const oauth = clientCredentials({
  tokenUrl: '/connexion/oauth2/access_token?realm=%2Fpartenaire',
  scope: 'api_offresdemploiv2 o2dsoffre',
  clientIdField: 'clientId',
  clientSecretField: 'key',
});

const partyPath = (credentials: Credentials) =>
  `/partenaire/v1/partenaires/${encodeURIComponent(String(credentials.partyId))}`;
const offersPath = (credentials: Credentials) =>
  `/partenaire/v2/partenaires/${encodeURIComponent(String(credentials.partyId))}/offres`;

/** France Travail answers 400 with the fields it refused, and 403 while it suspends an account's production access. */
async function send(context: PluginContext, request: HttpRequest) {
  const response = await oauth.request(context, {
    ...request,
    acceptStatuses: [...(request.acceptStatuses ?? []), 400, 403],
  });
  if (response.status === 400) {
    const errors = (response.body as { erreurs?: { champ?: unknown; message?: unknown }[] })?.erreurs ?? [];
    const fields =
      errors
        .slice(0, 10)
        .map((error) => `${String(error.champ)} (${String(error.message)})`)
        .join(', ') || 'unknown fields';
    throw new BoardError({
      code: 'VALIDATION',
      retryable: false,
      status: 400,
      userMessage: `France Travail refused the offer: ${fields}.`,
    });
  }
  if (response.status === 403) {
    const reason = (response.body as { message?: unknown })?.message;
    throw new BoardError({
      code: 'FORBIDDEN',
      retryable: false,
      status: 403,
      userMessage: `France Travail refused access${typeof reason === 'string' ? `: ${reason}` : '.'}`,
    });
  }
  return response;
}

/** What France Travail refuses in the job itself: a description longer than it takes. */
function checkPosting({ job }: PostingPayload): PostingProblem[] {
  const length = htmlToText(job.description).length;
  return length > MAX_DESCRIPTION
    ? [
        {
          field: 'description',
          message: `has ${length} characters of text; France Travail takes at most ${MAX_DESCRIPTION}`,
        },
      ]
    : [];
}

function offerBody(posting: PostingPayload) {
  const { job, boardFields } = posting;
  const fields = boardFields as Fields;
  // Checked when the posting was queued; the job may have been edited since.
  const problem = checkPosting(posting)[0];
  if (problem)
    throw new BoardError({
      code: 'VALIDATION',
      retryable: false,
      userMessage: `The job's ${problem.field} ${problem.message}.`,
    });
  const description = htmlToText(job.description);
  // ASSUMPTION (the publication API's payload is not public): the offer in the Offres d'emploi v2 vocabulary.
  return {
    intitule: job.title,
    description,
    romeCode: fields.romeCode,
    ...(fields.appellationCode ? { appellationCode: fields.appellationCode } : {}),
    typeContrat: fields.typeContrat,
    natureContrat: fields.natureContrat,
    alternance: WORK_STUDY_NATURES.has(fields.natureContrat),
    ...(fields.contractDuration
      ? {
          dureeContrat: {
            valeur: fields.contractDuration.value,
            unite: fields.contractDuration.unit === 'DAYS' ? 'JOUR' : 'MOIS',
          },
        }
      : {}),
    dureeTravailHebdo: fields.hoursPerWeek,
    dureeTravailLibelleConverti: fields.hoursPerWeek >= 35 ? 'Temps plein' : 'Temps partiel',
    experienceExige: fields.experienceExige,
    experienceLibelle: fields.experienceMonths
      ? `${fields.experienceMonths} mois`
      : EXPERIENCE_LEVELS[fields.experienceExige],
    lieuTravail: {
      commune: fields.lieuTravail.commune,
      ...(job.location.city ? { libelle: job.location.city } : {}),
      ...(job.location.postalCode ? { codePostal: job.location.postalCode } : {}),
    },
    ...(fields.qualificationCode ? { qualificationCode: fields.qualificationCode } : {}),
    nombrePostes: fields.nombrePostes,
    ...(job.salary && job.salary.currency === 'EUR' ? { salaire: { libelle: salaryLabel(job.salary) } } : {}),
    ...(job.applyUrl ? { urlPostulation: job.applyUrl } : {}),
  };
}

const PERIODS: Record<string, string> = { HOUR: 'Horaire', MONTH: 'Mensuel', YEAR: 'Annuel' };
const euros = (amount: number) => `${amount.toFixed(2)} Euros`;

/** The salary as Offres d'emploi v2 words it, e.g. "Annuel de 38000.00 Euros à 45000.00 Euros". */
function salaryLabel(salary: NonNullable<PostingJob['salary']>): string {
  const period = PERIODS[salary.period] ?? 'Annuel';
  if (salary.min !== null && salary.max !== null) return `${period} de ${euros(salary.min)} à ${euros(salary.max)}`;
  if (salary.min !== null) return `${period} à partir de ${euros(salary.min)}`;
  return `${period} jusqu'à ${euros(salary.max ?? 0)}`;
}

function offerView(body: unknown): { id: string; status: BoardPostingStatus; url?: string; reason?: string } {
  const data = body as { idOffre?: unknown; statut?: unknown; url?: unknown; motifRefus?: unknown } | null;
  const status = STATES[String(data?.statut)];
  if (typeof data?.idOffre !== 'string' || !status)
    throw new BoardError({
      code: 'BAD_RESPONSE',
      retryable: true,
      userMessage: 'France Travail sent an unexpected answer.',
    });
  return {
    id: data.idOffre,
    status,
    ...(typeof data.url === 'string' ? { url: data.url } : {}),
    ...(typeof data.motifRefus === 'string' ? { reason: data.motifRefus } : {}),
  };
}

async function readOffer(context: PluginContext, externalId: string) {
  const response = await send(context, {
    url: `${offersPath(context.credentials)}/${encodeURIComponent(externalId)}`,
    acceptStatuses: [404],
  });
  return response.status === 404 ? null : offerView(response.body);
}

/** Defaults from the job: contract type and hours from its employment type, the commune of a large city. */
function postingDefaults(job: PostingJob): Record<string, unknown> {
  const typeContrat = { TEMPORARY: 'CDD', FREELANCE: 'LIB' }[job.employmentType ?? ''] ?? 'CDI';
  const hoursPerWeek = job.hoursPerWeek ?? (job.employmentType === 'PART_TIME' ? undefined : 35);
  const commune =
    job.location.countryCode === 'FR' && job.location.city
      ? CITY_COMMUNES[normalizeForSearch(job.location.city)]
      : undefined;
  return { typeContrat, ...(hoursPerWeek ? { hoursPerWeek } : {}), ...(commune ? { lieuTravail: { commune } } : {}) };
}

/** France Travail (formerly Pôle emploi), France's public employment service. */
export default definePlugin({
  id: 'france-travail',
  name: 'France Travail',
  version: '1.0.0',
  sdkVersion: '^1.1.0',
  country: 'FR',
  description: "France's public employment service (formerly Pôle emploi). Offers published on francetravail.fr.",
  instructions: [
    "1. Create an application on France Travail's partner site: it gives you a **client ID** and a **key**, and your **party ID**",
    '   (your partner identifier).',
    '2. Ask for **sandbox** access with `requestFranceTravailSandboxAccess`: France Travail grants it to employers with a valid',
    '   **SIRET** who state how many positions they open per year. `franceTravailSandboxAccessRequests` shows its decision.',
    '3. Connect a SANDBOX contract. It is active as soon as the credentials verify; connected before the access is granted, it',
    '   waits and becomes active by itself once it is. Production works the same way, with its own contract.',
    '',
    'France Travail rates the quality of your offers. Under 90 % the contract shows a warning; if France Travail suspends',
    'production access, the contract is SUSPENDED and takes no new offers until access is restored.',
  ].join('\n'),
  docsUrl: 'https://francetravail.io',
  environments: ['SANDBOX', 'PRODUCTION'],
  credentials: [
    {
      key: 'clientId',
      label: 'Client ID',
      type: 'string',
      required: true,
      secret: false,
      pattern: { regex: 'PAR_[a-z0-9_]{4,64}', message: 'must look like PAR_yourcompany_0123abcd' },
    },
    {
      key: 'partyId',
      label: 'Party ID',
      help: 'Your partner identifier at France Travail.',
      type: 'string',
      required: true,
      secret: false,
      pattern: { regex: '[0-9]{6,12}', message: 'must be 6 to 12 digits' },
    },
    {
      key: 'key',
      label: 'Key',
      help: 'The client secret for the OAuth2 client-credentials flow.',
      type: 'string',
      required: true,
      secret: true,
    },
  ],
  capabilities: ['publish', 'update', 'withdraw', 'statusPolling', 'linkExisting', 'contractHealth'],
  postingFields,
  postingDefaults,
  checkPosting,
  extendSchema: {
    mutations: { requestFranceTravailSandboxAccess: requestSandboxAccess },
    queries: { franceTravailSandboxAccessRequests: listSandboxAccessRequests },
  },

  async verifyCredentials(context) {
    try {
      await oauth.token(context);
    } catch (error) {
      if (!(error instanceof OAuthRefusal)) throw error;
      if (error.error === 'invalid_scope') {
        return {
          ok: false,
          pending: true,
          reason: `France Travail has not opened its job-offer API to this client ID in ${context.environment} yet${context.environment === 'SANDBOX' ? ': request access with requestFranceTravailSandboxAccess' : ''}. The contract becomes active by itself once access is granted.`,
        };
      }
      return { ok: false, reason: 'France Travail refused the client ID or the key.' };
    }
    const party = await oauth.request(context, { url: partyPath(context.credentials), acceptStatuses: [403, 404] });
    if (party.status === 404) return { ok: false, reason: 'France Travail does not know this party ID.' };
    if (party.status === 403) return { ok: false, reason: 'This party ID does not belong to the client ID.' };
    return { ok: true };
  },

  async publish(context) {
    const { posting, idempotencyKey, credentials } = context;
    const response = await send(context, {
      method: 'POST',
      url: offersPath(credentials),
      headers: { 'idempotency-key': idempotencyKey },
      json: offerBody(posting),
      acceptStatuses: [409],
    });
    // France Travail refuses a second creation with one idempotency key and names the offer made the first time.
    const offer =
      response.status === 409
        ? await readOffer(context, String((response.body as { idOffre?: unknown })?.idOffre ?? ''))
        : offerView(response.body);
    if (!offer)
      throw new BoardError({
        code: 'BAD_RESPONSE',
        retryable: true,
        userMessage: 'France Travail named an offer it does not have.',
      });
    return {
      externalId: offer.id,
      ...(offer.url ? { externalUrl: offer.url } : {}),
      status: offer.status === 'PUBLISHED' ? 'PUBLISHED' : 'PENDING_REVIEW',
    };
  },

  async update(context) {
    const response = await send(context, {
      method: 'PUT',
      url: `${offersPath(context.credentials)}/${encodeURIComponent(context.externalId)}`,
      headers: { 'idempotency-key': context.idempotencyKey },
      json: offerBody(context.posting),
    });
    return { status: offerView(response.body).status === 'PUBLISHED' ? 'PUBLISHED' : 'PENDING_REVIEW' };
  },

  async withdraw(context) {
    // An offer France Travail no longer has is withdrawn already.
    await send(context, {
      method: 'DELETE',
      url: `${offersPath(context.credentials)}/${encodeURIComponent(context.externalId)}`,
      acceptStatuses: [404],
    });
  },

  async fetchPosting(context) {
    const offer = await readOffer(context, context.externalId);
    if (!offer) return null;
    return {
      status: offer.status,
      ...(offer.url ? { externalUrl: offer.url } : {}),
      ...(offer.reason ? { rejectionReason: offer.reason } : {}),
    };
  },

  async checkContract(context) {
    const response = await oauth.request(context, { url: `${partyPath(context.credentials)}/qualite` });
    const body = response.body as {
      tauxQualite?: unknown;
      seuil?: unknown;
      accesProduction?: unknown;
      motifSuspension?: unknown;
    } | null;
    if (typeof body?.tauxQualite !== 'number')
      throw new BoardError({
        code: 'BAD_RESPONSE',
        retryable: true,
        userMessage: 'France Travail sent no quality rate.',
      });
    const threshold = typeof body.seuil === 'number' ? body.seuil : 90;
    const suspended = body.accesProduction === 'SUSPENDU';
    return {
      qualityRate: body.tauxQualite,
      warnings:
        body.tauxQualite < threshold
          ? [
              `The quality rate of your offers (${body.tauxQualite} %) is under France Travail's ${threshold} %: it may suspend production access. Complete your offers and answer candidates.`,
            ]
          : [],
      suspendedReason: suspended
        ? `France Travail suspended production access: ${typeof body.motifSuspension === 'string' ? body.motifSuspension : 'no reason given'}`
        : null,
    };
  },
});
