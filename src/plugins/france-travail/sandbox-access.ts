import {
  BoardError,
  defineOperation,
  ExtensionInputError,
  z,
  type ExtensionContext,
  type StateValue,
} from '@multiposting/plugin-sdk';
import { siretProblem } from './codes.ts';

/** State keys of the organisation's sandbox access requests: `sandboxRequest:<France Travail's request id>`. */
const KEY_PREFIX = 'sandboxRequest:';

const STATUSES = { EN_COURS: 'PENDING', ACCORDEE: 'GRANTED', REFUSEE: 'REFUSED' } as const;

const accessRequest = z
  .object({
    id: z.string().describe("France Travail's id of the request"),
    clientId: z.string(),
    companyName: z.string(),
    siret: z.string(),
    openPositionsPerYear: z.number().int(),
    contactEmail: z.string(),
    status: z
      .enum(['PENDING', 'GRANTED', 'REFUSED'])
      .meta({ title: 'FranceTravailSandboxAccessStatus' })
      .describe(
        'GRANTED: connect a SANDBOX contract with this client ID (one already connected becomes ACTIVE by itself)',
      ),
    reason: z.string().nullable().describe('Why France Travail refused, when it did'),
    requestedAt: z.string().describe('ISO 8601'),
    decidedAt: z.string().nullable().describe('ISO 8601'),
  })
  .meta({
    title: 'FranceTravailSandboxAccessRequest',
    description: "A request for sandbox access to France Travail's job-offer API, and its decision.",
  });
type AccessRequest = z.output<typeof accessRequest>;

const clientId = z.string().regex(/^PAR_[a-z0-9_]{4,64}$/, 'must look like PAR_yourcompany_0123abcd');

/** France Travail's answer about a request, as stored. */
function fromBoard(
  body: unknown,
  known?: AccessRequest,
  now = new Date(),
): Pick<AccessRequest, 'id' | 'status' | 'reason' | 'decidedAt'> {
  const data = body as { idDemande?: unknown; statut?: unknown; motif?: unknown } | null;
  const status = STATUSES[String(data?.statut) as keyof typeof STATUSES];
  if (typeof data?.idDemande !== 'string' || !status)
    throw new BoardError({
      code: 'BAD_RESPONSE',
      retryable: true,
      userMessage: 'France Travail sent an unexpected answer.',
    });
  return {
    id: data.idDemande,
    status,
    reason: typeof data.motif === 'string' ? data.motif : null,
    decidedAt: status === 'PENDING' ? null : (known?.decidedAt ?? now.toISOString()),
  };
}

/** The request as it stands at France Travail now; the stored copy is updated when it was decided meanwhile. */
async function refreshed(context: ExtensionContext, stored: AccessRequest): Promise<AccessRequest> {
  if (stored.status !== 'PENDING') return stored;
  let current: AccessRequest;
  try {
    const response = await context
      .http('SANDBOX')
      .request({ url: `/partenaire/v1/demandes-acces/${encodeURIComponent(stored.id)}` });
    current = { ...stored, ...fromBoard(response.body, stored, context.now()) };
  } catch (error) {
    if (!(error instanceof BoardError)) throw error;
    // Shown as last known; the next read asks again.
    context.log.warn('Could not read a sandbox access request from France Travail', {
      requestId: stored.id,
      error: error.userMessage,
    });
    return stored;
  }
  if (current.status !== stored.status)
    await context.state.set(`${KEY_PREFIX}${stored.id}`, current as unknown as StateValue);
  return current;
}

export const requestSandboxAccess = defineOperation({
  description:
    'Asks France Travail for sandbox access to its job-offer API for one of your applications (client ID). France Travail grants it to ' +
    'employers with a valid SIRET who recruit; follow the decision with franceTravailSandboxAccessRequests',
  access: 'admin',
  args: z.object({
    clientId: clientId.describe('The client ID of your France Travail application'),
    companyName: z.string().trim().min(2, 'must be at least 2 characters').max(200),
    siret: z
      .string()
      .regex(/^[0-9]{14}$/, { message: 'must be 14 digits, without spaces', abort: true })
      .superRefine((value, ctx) => {
        const problem = siretProblem(value);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      })
      .describe('The SIRET of the establishment that recruits (14 digits)'),
    openPositionsPerYear: z
      .number()
      .int('must be a whole number')
      .min(1, 'must be at least 1')
      .max(1_000_000)
      .describe('How many positions you open per year'),
    contactEmail: z.email('must be an e-mail address').max(254),
  }),
  result: z.object({ request: accessRequest }),
  async resolve(context, args) {
    const response = await context.http('SANDBOX').request({
      method: 'POST',
      url: '/partenaire/v1/demandes-acces',
      json: {
        clientId: args.clientId,
        raisonSociale: args.companyName,
        siret: args.siret,
        nombrePostesParAn: args.openPositionsPerYear,
        emailContact: args.contactEmail,
      },
      acceptStatuses: [400, 404],
    });
    if (response.status === 404)
      throw new ExtensionInputError(['clientId'], 'France Travail does not know this client ID');
    if (response.status === 400) {
      const fields: Record<string, string> = {
        siret: 'siret',
        raisonSociale: 'companyName',
        nombrePostesParAn: 'openPositionsPerYear',
        emailContact: 'contactEmail',
        clientId: 'clientId',
      };
      const first = ((response.body as { erreurs?: { champ?: unknown; message?: unknown }[] })?.erreurs ?? [])[0];
      throw new ExtensionInputError(
        [fields[String(first?.champ)] ?? 'siret'],
        `France Travail refused it: ${String(first?.message ?? 'invalid request')}`,
      );
    }
    const request: AccessRequest = {
      ...args,
      ...fromBoard(response.body, undefined, context.now()),
      requestedAt: context.now().toISOString(),
    };
    await context.state.set(`${KEY_PREFIX}${request.id}`, request as unknown as StateValue);
    context.log.info('Requested France Travail sandbox access', { requestId: request.id, clientId: request.clientId });
    return { request };
  },
});

export const listSandboxAccessRequests = defineOperation({
  description:
    "The organisation's sandbox access requests to France Travail, newest first, with France Travail's decision",
  access: 'member',
  args: z.object({}),
  result: z.object({ requests: z.array(accessRequest) }),
  async resolve(context) {
    const stored = (await context.state.list(KEY_PREFIX)).map((entry) => entry.value as unknown as AccessRequest);
    const requests = await Promise.all(stored.map((request) => refreshed(context, request)));
    return { requests: requests.sort((a, b) => b.requestedAt.localeCompare(a.requestedAt)) };
  },
});
