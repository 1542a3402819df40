import { randomBytes, randomUUID } from 'node:crypto';
import { type RouteHandler, startSimulator, type SimulatorResponse } from '@multiposting/plugin-sdk/simulator';

export interface FranceTravailClient {
  key: string;
  partyId: string;
  /** Whether France Travail has opened its sandbox to the client (it does when it grants an access request). */
  sandboxAccess: boolean;
}

/** Client ID → client. Acme and Globex have sandbox access; Initech must request it first. */
export const FRANCE_TRAVAIL_CLIENTS: Record<string, FranceTravailClient> = {
  PAR_acme_5f2c9d01: { key: 'ft-key-6b1e0a94d3c2477f', partyId: '4401230', sandboxAccess: true },
  PAR_globex_7a3e1b22: { key: 'ft-key-2f8d5c61a9b04e13', partyId: '7788990', sandboxAccess: true },
  PAR_initech_3c4d5e6f: { key: 'ft-key-90ab3e7c51d24f68', partyId: '5566778', sandboxAccess: false },
};

export interface FranceTravailOffer {
  id: string;
  partyId: string;
  status: 'EN_ATTENTE_VALIDATION' | 'PUBLIEE' | 'REFUSEE' | 'ANNULEE' | 'CLOTUREE';
  motifRefus?: string;
  body: Record<string, any>;
  reviewAt: number;
}

export interface FranceTravailAccessRequest {
  id: string;
  clientId: string;
  siret: string;
  positionsPerYear: number;
  status: 'EN_COURS' | 'ACCORDEE' | 'REFUSEE';
  motif?: string;
  decideAt: number;
}

export interface FranceTravailSimulatorOptions {
  environment?: 'SANDBOX' | 'PRODUCTION';
  clients?: Record<string, FranceTravailClient>;
  /** Lifetime of the access tokens it issues. */
  tokenLifetimeSeconds?: number;
  /** How long France Travail's moderators take to approve or refuse an offer. */
  moderationDelayMs?: number;
  /** How long France Travail takes to decide a sandbox access request. */
  accessDecisionDelayMs?: number;
  /** Sandbox access is refused to employers stating fewer open positions per year. */
  minPositionsPerYear?: number;
  /** At most this many API calls per client in `perMs` milliseconds; beyond, 429 with Retry-After. */
  rateLimit?: { requests: number; perMs: number };
}

/** SIRETs of establishments the business register lists as closed: their access requests are refused. */
export const CLOSED_SIRETS = new Set(['40483304800022']);

/** Mentions French law forbids in a job offer; France Travail's moderators refuse offers that carry them. */
const DISCRIMINATORY = [
  /\bjeunes?\b/i,
  /\bmoins de \d+ ans\b/i,
  /\bnationalit[ée] fran[cç]aise\b/i,
  /\bbonne pr[ée]sentation\b/i,
  /\b(hommes?|femmes?) uniquement\b/i,
];

// What France Travail checks, in the board's own copy: never the plugin's code lists.
const TYPES_CONTRATS = new Set(['CDI', 'CDD', 'MIS', 'SAI', 'LIB', 'FRA', 'DIN', 'TTI', 'DDI', 'CCE', 'REP', 'DDT']);
const FIXED_TERM = new Set(['CDD', 'MIS', 'SAI', 'TTI', 'DDI', 'DDT']);
const NATURES_CONTRATS = new Set(['E1', 'E2', 'FS']);
const INSEE_COMMUNE = /^(0[1-9]|[1-8][0-9]|9[0-5]|2[AB])[0-9]{3}$|^97[1-6][0-9]{2}$/;

/** A SIRET as the business register checks it: 14 digits, Luhn; La Poste's establishments by their digit sum. */
function isSiret(value: string): boolean {
  if (!/^[0-9]{14}$/.test(value)) return false;
  const digits = [...value].map(Number);
  const luhn = [...digits].reverse().reduce((sum, digit, index) => {
    const doubled = index % 2 === 1 ? digit * 2 : digit;
    return sum + (doubled > 9 ? doubled - 9 : doubled);
  }, 0);
  if (luhn % 10 === 0) return true;
  return value.startsWith('356000000') && digits.reduce((sum, digit) => sum + digit, 0) % 5 === 0;
}

/** The fields France Travail refuses, each with its French message (a 400 lists them all). */
function invalidFields(body: Record<string, any>): { champ: string; message: string }[] {
  const errors: { champ: string; message: string }[] = [];
  const refuse = (champ: string, message: string) => errors.push({ champ, message });
  if (typeof body.intitule !== 'string' || body.intitule.trim().length < 3 || body.intitule.length > 140)
    refuse('intitule', "L'intitulé doit compter de 3 à 140 caractères.");
  if (typeof body.description !== 'string' || body.description.trim().length === 0)
    refuse('description', 'La description est obligatoire.');
  else if (body.description.length > 4000) refuse('description', 'La description dépasse 4000 caractères.');
  if (!/^[A-N][0-9]{4}$/.test(String(body.romeCode))) refuse('romeCode', 'Code ROME inconnu.');
  if (body.appellationCode !== undefined && !/^[0-9]{5,6}$/.test(String(body.appellationCode)))
    refuse('appellationCode', 'Code appellation inconnu.');
  if (!TYPES_CONTRATS.has(body.typeContrat)) refuse('typeContrat', 'Type de contrat inconnu.');
  else if (
    FIXED_TERM.has(body.typeContrat) &&
    !(Number(body.dureeContrat?.valeur) > 0 && ['JOUR', 'MOIS'].includes(body.dureeContrat?.unite))
  )
    refuse('dureeContrat', 'La durée du contrat est obligatoire.');
  if (!NATURES_CONTRATS.has(body.natureContrat)) refuse('natureContrat', 'Nature de contrat inconnue.');
  if (body.qualificationCode !== undefined && !/^[1-9]$/.test(String(body.qualificationCode)))
    refuse('qualificationCode', 'Code qualification inconnu.');
  if (!(Number.isInteger(body.nombrePostes) && body.nombrePostes >= 1))
    refuse('nombrePostes', 'Le nombre de postes doit être au moins 1.');
  if (!(Number(body.dureeTravailHebdo) >= 1 && Number(body.dureeTravailHebdo) <= 48))
    refuse('dureeTravailHebdo', 'La durée hebdomadaire doit être comprise entre 1 et 48 heures.');
  if (!['D', 'S', 'E'].includes(body.experienceExige))
    refuse('experienceExige', "L'exigence d'expérience doit être D, S ou E.");
  if (!INSEE_COMMUNE.test(String(body.lieuTravail?.commune ?? '')))
    refuse('lieuTravail.commune', 'Code commune INSEE invalide.');
  return errors;
}

/** France Travail's state in one environment, and what its moderators and access desk decide. */
class FranceTravailBoard {
  readonly tokens = new Map<string, { clientId: string; expiresAt: number }>();
  readonly offers = new Map<string, FranceTravailOffer>();
  /** `partyId:Idempotency-Key` → offer id. */
  readonly byKey = new Map<string, string>();
  readonly accessRequests = new Map<string, FranceTravailAccessRequest>();
  readonly quality = new Map<string, { rate: number; suspendedReason: string | null }>();
  readonly recentCalls = new Map<string, number[]>();
  readonly counters = { rateLimited: 0 };
  readonly clients: Record<string, FranceTravailClient>;
  readonly environment: 'SANDBOX' | 'PRODUCTION';
  rateLimit: { requests: number; perMs: number } | undefined;
  private nextId: number;

  constructor(readonly options: FranceTravailSimulatorOptions) {
    this.environment = options.environment ?? 'SANDBOX';
    this.clients = structuredClone(options.clients ?? FRANCE_TRAVAIL_CLIENTS);
    this.rateLimit = options.rateLimit;
    this.nextId = this.environment === 'PRODUCTION' ? 200_000 : 100_000;
  }

  /** Decisions are taken lazily, when anything is next asked of the board. */
  settle() {
    const now = Date.now();
    for (const request of this.accessRequests.values())
      if (request.status === 'EN_COURS' && now >= request.decideAt) this.decideAccess(request);
    for (const offer of this.offers.values()) {
      if (offer.status !== 'EN_ATTENTE_VALIDATION' || now < offer.reviewAt) continue;
      const text = `${offer.body.intitule} ${offer.body.description}`;
      const mention = DISCRIMINATORY.map((pattern) => pattern.exec(text)?.[0]).find(Boolean);
      offer.status = mention ? 'REFUSEE' : 'PUBLIEE';
      if (mention) offer.motifRefus = `Mention discriminatoire : « ${mention} ».`;
    }
  }

  private decideAccess(request: FranceTravailAccessRequest) {
    const min = this.options.minPositionsPerYear ?? 5;
    if (CLOSED_SIRETS.has(request.siret))
      Object.assign(request, { status: 'REFUSEE', motif: 'Établissement fermé au répertoire SIRENE.' });
    else if (request.positionsPerYear < min)
      Object.assign(request, {
        status: 'REFUSEE',
        motif: `L'accès est réservé aux employeurs qui recrutent au moins ${min} postes par an.`,
      });
    else {
      request.status = 'ACCORDEE';
      this.clients[request.clientId]!.sandboxAccess = true;
    }
  }

  qualityOf(partyId: string) {
    return this.quality.get(partyId) ?? { rate: 96.5, suspendedReason: null };
  }

  /** The client behind a bearer token, or the refusal to answer. */
  caller(headers: Record<string, unknown>): { clientId: string; client: FranceTravailClient } | SimulatorResponse {
    const token = this.tokens.get(String(headers.authorization ?? '').replace(/^Bearer /, ''));
    if (!token || token.expiresAt <= Date.now()) return { status: 401, json: { error: 'invalid_token' } };
    const limited = this.rateLimited(token.clientId);
    return limited ?? { clientId: token.clientId, client: this.clients[token.clientId]! };
  }

  private rateLimited(clientId: string): SimulatorResponse | undefined {
    const limit = this.rateLimit;
    if (!limit) return undefined;
    const now = Date.now();
    const calls = (this.recentCalls.get(clientId) ?? []).filter((at) => at > now - limit.perMs);
    if (calls.length < limit.requests) {
      this.recentCalls.set(clientId, [...calls, now]);
      return undefined;
    }
    this.counters.rateLimited += 1;
    return {
      status: 429,
      headers: { 'retry-after': String(Math.ceil((calls[0]! + limit.perMs - now) / 1000)) },
      json: { message: 'Trop de requêtes.' },
    };
  }

  /** The caller, when `partyId` is its own. */
  party(headers: Record<string, unknown>, partyId: string | undefined) {
    const who = this.caller(headers);
    if (!('client' in who)) return who;
    if (!Object.values(this.clients).some((client) => client.partyId === partyId))
      return { status: 404, json: { message: 'Partenaire inconnu.' } };
    if (who.client.partyId !== partyId)
      return { status: 403, json: { message: "Ce partenaire n'appartient pas à ce client." } };
    return who;
  }

  suspended(partyId: string): SimulatorResponse | undefined {
    const reason = this.environment === 'PRODUCTION' ? this.qualityOf(partyId).suspendedReason : null;
    return reason
      ? { status: 403, json: { codeErreur: 'ACCES_SUSPENDU', message: `accès production suspendu (${reason})` } }
      : undefined;
  }

  /** The caller's offer `id` of party `partyId`, or the refusal. */
  owned(headers: Record<string, unknown>, partyId: string | undefined, id: string | undefined) {
    const who = this.party(headers, partyId);
    if (!('client' in who)) return who;
    const offer = this.offers.get(String(id));
    return offer && offer.partyId === partyId
      ? offer
      : ({ status: 404, json: { message: 'Offre inconnue.' } } as const);
  }

  view(offer: FranceTravailOffer) {
    this.settle();
    return {
      idOffre: offer.id,
      statut: offer.status,
      url: `https://candidat.francetravail.fr/offres/recherche/detail/${offer.id}`,
      ...(offer.motifRefus ? { motifRefus: offer.motifRefus } : {}),
    };
  }

  /** Hands the offer to the moderators (again). */
  submit(offer: FranceTravailOffer) {
    offer.status = 'EN_ATTENTE_VALIDATION';
    offer.reviewAt = Date.now() + (this.options.moderationDelayMs ?? 0);
    delete offer.motifRefus;
  }

  create(partyId: string, body: Record<string, any>, key: string): FranceTravailOffer {
    const offer: FranceTravailOffer = {
      id: `${this.nextId++}${this.environment === 'PRODUCTION' ? 'P' : 'S'}`,
      partyId,
      status: 'EN_ATTENTE_VALIDATION',
      body,
      reviewAt: 0,
    };
    this.submit(offer);
    this.offers.set(offer.id, offer);
    if (key) this.byKey.set(`${partyId}:${key}`, offer.id);
    return offer;
  }

  issueToken(clientId: string, scope: string) {
    const token = randomBytes(16).toString('hex');
    const lifetime = this.options.tokenLifetimeSeconds ?? 1499;
    this.tokens.set(token, { clientId, expiresAt: Date.now() + lifetime * 1000 });
    return { access_token: token, token_type: 'Bearer', expires_in: lifetime, scope };
  }
}

const validation = (erreurs: { champ: string; message: string }[]) => ({
  status: 400,
  json: { codeErreur: 'VALIDATION', erreurs },
});

/** The partner realm's token endpoint: form-encoded client credentials, as France Travail documents it. */
function tokenRoutes(board: FranceTravailBoard): Record<string, RouteHandler> {
  return {
    'POST /connexion/oauth2/access_token': ({ body, query, headers }) => {
      board.settle();
      if (query.get('realm') !== '/partenaire')
        return { status: 400, json: { error: 'invalid_request', error_description: 'realm=/partenaire attendu.' } };
      if (!String(headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded'))
        return { status: 400, json: { error: 'invalid_request', error_description: 'Formulaire attendu.' } };
      const form = body as Record<string, string>;
      if (form.grant_type !== 'client_credentials') return { status: 400, json: { error: 'unsupported_grant_type' } };
      const client = board.clients[form.client_id ?? ''];
      if (!client || client.key !== form.client_secret) return { status: 401, json: { error: 'invalid_client' } };
      const scopes = String(form.scope ?? '').split(' ');
      if (!scopes.includes('api_offresdemploiv2') || (board.environment === 'SANDBOX' && !client.sandboxAccess))
        return {
          status: 400,
          json: { error: 'invalid_scope', error_description: "Le client n'a pas accès à cette API." },
        };
      return { json: board.issueToken(form.client_id!, form.scope!) };
    },
  };
}

/** The partner's account and its quality rating. */
function partnerRoutes(board: FranceTravailBoard): Record<string, RouteHandler> {
  return {
    'GET /partenaire/v1/partenaires/:partyId': ({ params, headers }) => {
      const who = board.party(headers, params.partyId);
      return 'client' in who ? { json: { partyId: params.partyId, status: 'ACTIF' } } : who;
    },
    'GET /partenaire/v1/partenaires/:partyId/qualite': ({ params, headers }) => {
      const who = board.party(headers, params.partyId);
      if (!('client' in who)) return who;
      const { rate, suspendedReason } = board.qualityOf(params.partyId!);
      const production = board.environment === 'PRODUCTION';
      return {
        json: {
          tauxQualite: rate,
          seuil: 90,
          accesProduction: !production ? 'NON_APPLICABLE' : suspendedReason ? 'SUSPENDU' : 'ACTIF',
          ...(production && suspendedReason ? { motifSuspension: suspendedReason } : {}),
        },
      };
    },
  };
}

/** Offers: created once per Idempotency-Key, moderated, replaced whole, cancelled. */
function offerRoutes(board: FranceTravailBoard): Record<string, RouteHandler> {
  const offers = '/partenaire/v2/partenaires/:partyId/offres';
  return {
    [`POST ${offers}`]: ({ params, headers, body }) => {
      board.settle();
      const who = board.party(headers, params.partyId);
      if (!('client' in who)) return who;
      const refusal = board.suspended(params.partyId!);
      if (refusal) return refusal;
      const key = String(headers['idempotency-key'] ?? '');
      const existing = board.byKey.get(`${params.partyId}:${key}`);
      if (key && existing) {
        const message = 'Une offre a déjà été créée avec cette clé.';
        return { status: 409, json: { codeErreur: 'OFFRE_DEJA_CREEE', message, idOffre: existing } };
      }
      const input = (body ?? {}) as Record<string, any>;
      const errors = invalidFields(input);
      if (errors.length > 0) return validation(errors);
      return { status: 201, json: board.view(board.create(params.partyId!, input, key)) };
    },
    [`GET ${offers}/:id`]: ({ params, headers }) => {
      board.settle();
      const offer = board.owned(headers, params.partyId, params.id);
      return 'partyId' in offer ? { json: board.view(offer) } : offer;
    },
    [`PUT ${offers}/:id`]: ({ params, headers, body }) => {
      board.settle();
      const offer = board.owned(headers, params.partyId, params.id);
      if (!('partyId' in offer)) return offer;
      const refusal = board.suspended(offer.partyId);
      if (refusal) return refusal;
      if (offer.status === 'ANNULEE' || offer.status === 'CLOTUREE')
        return { status: 409, json: { codeErreur: 'OFFRE_FERMEE', message: "L'offre n'est plus active." } };
      const errors = invalidFields((body ?? {}) as Record<string, any>);
      if (errors.length > 0) return validation(errors);
      offer.body = body as Record<string, any>;
      board.submit(offer);
      return { json: board.view(offer) };
    },
    [`DELETE ${offers}/:id`]: ({ params, headers }) => {
      const offer = board.owned(headers, params.partyId, params.id);
      if (!('partyId' in offer)) return offer;
      offer.status = 'ANNULEE';
      return { status: 204 };
    },
  };
}

/** The fields of a sandbox access request France Travail refuses. */
function invalidAccessRequest(input: Record<string, any>): { champ: string; message: string }[] {
  const errors: { champ: string; message: string }[] = [];
  if (!isSiret(String(input.siret))) errors.push({ champ: 'siret', message: 'SIRET invalide.' });
  if (typeof input.raisonSociale !== 'string' || input.raisonSociale.trim().length < 2)
    errors.push({ champ: 'raisonSociale', message: 'Raison sociale obligatoire.' });
  if (!Number.isInteger(input.nombrePostesParAn) || input.nombrePostesParAn < 1)
    errors.push({ champ: 'nombrePostesParAn', message: 'Nombre de postes invalide.' });
  if (!/^[^@\s]+@[^@\s]+$/.test(String(input.emailContact)))
    errors.push({ champ: 'emailContact', message: 'Adresse e-mail invalide.' });
  return errors;
}

/** The sandbox access form of France Travail's partner site: no token, the client ID names the application. */
function accessRoutes(board: FranceTravailBoard): Record<string, RouteHandler> {
  return {
    'POST /partenaire/v1/demandes-acces': ({ body }) => {
      board.settle();
      const input = (body ?? {}) as Record<string, any>;
      if (!board.clients[String(input.clientId)]) return { status: 404, json: { message: 'Client inconnu.' } };
      const errors = invalidAccessRequest(input);
      if (errors.length > 0) return validation(errors);
      const request: FranceTravailAccessRequest = {
        id: randomUUID(),
        clientId: input.clientId,
        siret: input.siret,
        positionsPerYear: input.nombrePostesParAn,
        status: 'EN_COURS',
        decideAt: Date.now() + (board.options.accessDecisionDelayMs ?? 0),
      };
      board.accessRequests.set(request.id, request);
      return { status: 201, json: { idDemande: request.id, statut: request.status } };
    },
    'GET /partenaire/v1/demandes-acces/:id': ({ params }) => {
      board.settle();
      const request = board.accessRequests.get(params.id!);
      if (!request) return { status: 404, json: { message: 'Demande inconnue.' } };
      return {
        json: { idDemande: request.id, statut: request.status, ...(request.motif ? { motif: request.motif } : {}) },
      };
    },
  };
}

/** Controls for the demo and manual trials (not France Travail's API): its quality rating of a partner. */
function controlRoutes(board: FranceTravailBoard): Record<string, RouteHandler> {
  return {
    'POST /_simulator/quality': ({ body }) => {
      const input = (body ?? {}) as { partyId?: unknown; rate?: unknown; suspendedReason?: unknown };
      if (typeof input.partyId !== 'string' || typeof input.rate !== 'number' || input.rate < 0 || input.rate > 100)
        return { status: 422, json: { error: 'partyId (text) and rate (0 to 100) are required' } };
      const suspendedReason = typeof input.suspendedReason === 'string' ? input.suspendedReason : null;
      board.quality.set(input.partyId, { rate: input.rate, suspendedReason });
      return { json: { partyId: input.partyId, rate: input.rate, suspendedReason } };
    },
  };
}

/**
 * France Travail's partner APIs for one environment: OAuth2 client credentials (tokens that expire, scopes a
 * sandbox client only gets once its access request is granted), offers that moderators approve or refuse after a
 * delay, quality rates and production suspensions, sandbox access requests decided by rule, and a rate limit.
 * France Travail has no push: partners read an offer's state.
 */
export async function startFranceTravailSimulator(options: FranceTravailSimulatorOptions = {}) {
  const board = new FranceTravailBoard(options);
  const simulator = await startSimulator({
    ...tokenRoutes(board),
    ...partnerRoutes(board),
    ...offerRoutes(board),
    ...accessRoutes(board),
    ...controlRoutes(board),
  });
  return Object.assign(simulator, {
    environment: board.environment,
    clients: board.clients,
    offers: board.offers,
    accessRequests: board.accessRequests,
    counters: board.counters,
    /** Sets the quality rate France Travail reports for a party, and whether it suspends its production access. */
    setQuality(partyId: string, state: { rate: number; suspendedReason?: string | null }) {
      board.quality.set(partyId, { rate: state.rate, suspendedReason: state.suspendedReason ?? null });
    },
    /** Limits each client to `requests` API calls per `perMs` milliseconds (undefined lifts the limit). */
    setRateLimit(limit: { requests: number; perMs: number } | undefined) {
      board.rateLimit = limit;
    },
    /** Invalidates every token issued, as France Travail does when it rotates its signing keys. */
    revokeTokens() {
      board.tokens.clear();
    },
  });
}
