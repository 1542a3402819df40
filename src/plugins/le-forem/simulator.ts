import { htmlToText } from '@multiposting/plugin-sdk';
import { startSimulator } from '@multiposting/plugin-sdk/simulator';
import { CATEGORIES, CONTRACT_TYPES, regionOfPostalCode, WORKING_REGIMES } from './codes.ts';

/** Partner code → API key of the ACCEPTANCE environment. */
export const LE_FOREM_PARTNERS: Record<string, string> = {
  ACME01: 'lf-acc-3b9a61f0e2d74c18',
  GLOBEX2: 'lf-acc-9d0c2b7e5a1f4e63',
};

/** Partner code → API key of the PRODUCTION environment (Le Forem issues them after the acceptance audit). */
export const LE_FOREM_PRODUCTION_PARTNERS: Record<string, string> = {
  ACME01: 'lf-prd-71c4e09b2a5d8f36',
  GLOBEX2: 'lf-prd-0e6b3d9a4c2f7158',
};

export interface LeForemVacancy {
  id: string;
  partnerCode: string;
  status: 'AUDIT' | 'PUBLIEE' | 'REFUSEE' | 'RETIREE';
  motifRefus?: string;
  body: Record<string, any>;
  /** When the audit decides (acceptance only). */
  auditAt?: number;
}

export interface LeForemSimulatorOptions {
  environment?: 'ACCEPTANCE' | 'PRODUCTION';
  partners?: Record<string, string>;
  /** Acceptance: how long the audit of a test vacancy takes (Le Forem's auditors). */
  auditDelayMs?: number;
}

/** Below this many characters of text, the acceptance audit refuses a vacancy. */
const MIN_DESCRIPTION = 100;
const textOf = (html: string) => htmlToText(html).replace(/\s+/g, ' ');

/** The fields Le Forem refuses, each with its French message (a 422 lists them all). */
function invalidFields(body: Record<string, any>): { champ: string; message: string }[] {
  const errors: { champ: string; message: string }[] = [];
  const refuse = (champ: string, message: string) => errors.push({ champ, message });
  if (typeof body.intitule !== 'string' || body.intitule.trim().length < 3)
    refuse('intitule', "L'intitulé est obligatoire.");
  if (!['fr', 'nl'].includes(body.langue)) refuse('langue', 'La langue doit être fr ou nl.');
  if (typeof body.description !== 'string' || textOf(body.description).length === 0)
    refuse('description', 'La description est obligatoire.');
  if (!(String(body.typeContrat) in CONTRACT_TYPES)) refuse('typeContrat', 'Type de contrat inconnu.');
  if (!(String(body.regimeTravail) in WORKING_REGIMES)) refuse('regimeTravail', 'Régime de travail inconnu.');
  if (!(String(body.categorie) in CATEGORIES)) refuse('categorie', 'Catégorie inconnue.');
  const region = regionOfPostalCode(String(body.lieu?.codePostal ?? ''));
  if (!region) refuse('lieu.codePostal', 'Code postal belge invalide.');
  else if (body.lieu?.region !== region) refuse('lieu.region', 'La région ne correspond pas au code postal.');
  return errors;
}

/**
 * Le Forem's partner API for one environment. In ACCEPTANCE every vacancy is a test that the auditors approve or
 * refuse (with a reason) after `auditDelayMs`; in PRODUCTION vacancies are published at once. Le Forem has no
 * push: partners read a vacancy's state.
 */
export async function startLeForemSimulator(options: LeForemSimulatorOptions = {}) {
  const environment = options.environment ?? 'ACCEPTANCE';
  const partners =
    options.partners ?? (environment === 'PRODUCTION' ? LE_FOREM_PRODUCTION_PARTNERS : LE_FOREM_PARTNERS);
  const vacancies = new Map<string, LeForemVacancy>();
  const byKey = new Map<string, string>();
  let nextId = environment === 'PRODUCTION' ? 9_000_001 : 5_000_001;

  /** The audit decides lazily, when the vacancy is next read: approved unless its description is too short. */
  const settle = (vacancy: LeForemVacancy) => {
    if (vacancy.status !== 'AUDIT' || vacancy.auditAt === undefined || Date.now() < vacancy.auditAt) return;
    const short = textOf(String(vacancy.body.description)).length < MIN_DESCRIPTION;
    vacancy.status = short ? 'REFUSEE' : 'PUBLIEE';
    if (short) vacancy.motifRefus = `Description trop courte : au moins ${MIN_DESCRIPTION} caractères sont attendus.`;
  };
  const view = (vacancy: LeForemVacancy) => {
    settle(vacancy);
    return {
      id: vacancy.id,
      statut: vacancy.status,
      url: `https://www.leforem.be/recherche-offres/offre-detail/${vacancy.id}`,
      ...(vacancy.motifRefus ? { motifRefus: vacancy.motifRefus } : {}),
    };
  };
  const partnerOf = (headers: Record<string, unknown>, code: string | undefined) => {
    const key = String(headers['x-api-key'] ?? '');
    if (!Object.values(partners).includes(key)) return { status: 401, json: { erreur: 'cle_api_invalide' } } as const;
    if (!code || !(code in partners)) return { status: 404, json: { erreur: 'partenaire_inconnu' } } as const;
    if (partners[code] !== key) return { status: 403, json: { erreur: 'cle_api_d_un_autre_partenaire' } } as const;
    return code;
  };
  const owned = (headers: Record<string, unknown>, code: string | undefined, id: string | undefined) => {
    const partner = partnerOf(headers, code);
    if (typeof partner !== 'string') return partner;
    const vacancy = vacancies.get(String(id));
    return vacancy && vacancy.partnerCode === partner
      ? vacancy
      : ({ status: 404, json: { erreur: 'offre_inconnue' } } as const);
  };
  const submit = (vacancy: LeForemVacancy) => {
    if (environment === 'ACCEPTANCE') {
      vacancy.status = 'AUDIT';
      vacancy.auditAt = Date.now() + (options.auditDelayMs ?? 0);
      delete vacancy.motifRefus;
    } else {
      vacancy.status = 'PUBLIEE';
    }
  };

  const simulator = await startSimulator({
    'GET /api/v1/partners/:code': ({ params, headers }) => {
      const partner = partnerOf(headers, params.code);
      if (typeof partner !== 'string') return partner;
      return { json: { partnerCode: partner, confidentialityAgreement: 'SIGNED', environment } };
    },
    'POST /api/v1/partners/:code/vacancies': ({ params, headers, body }) => {
      const partner = partnerOf(headers, params.code);
      if (typeof partner !== 'string') return partner;
      const key = String(headers['idempotency-key'] ?? '');
      const existing = byKey.get(`${partner}:${key}`);
      if (key && existing) return { json: view(vacancies.get(existing)!) };
      const input = (body ?? {}) as Record<string, any>;
      const errors = invalidFields(input);
      if (errors.length > 0) return { status: 422, json: { erreur: 'validation', erreurs: errors } };
      const vacancy: LeForemVacancy = { id: String(nextId++), partnerCode: partner, status: 'AUDIT', body: input };
      submit(vacancy);
      vacancies.set(vacancy.id, vacancy);
      if (key) byKey.set(`${partner}:${key}`, vacancy.id);
      return { status: 201, json: view(vacancy) };
    },
    'GET /api/v1/partners/:code/vacancies/:id': ({ params, headers }) => {
      const vacancy = owned(headers, params.code, params.id);
      return 'partnerCode' in vacancy ? { json: view(vacancy) } : vacancy;
    },
    'PUT /api/v1/partners/:code/vacancies/:id': ({ params, headers, body }) => {
      const vacancy = owned(headers, params.code, params.id);
      if (!('partnerCode' in vacancy)) return vacancy;
      if (vacancy.status === 'RETIREE') return { status: 409, json: { erreur: 'offre_retiree' } };
      const errors = invalidFields((body ?? {}) as Record<string, any>);
      if (errors.length > 0) return { status: 422, json: { erreur: 'validation', erreurs: errors } };
      vacancy.body = body as Record<string, any>;
      submit(vacancy);
      return { json: view(vacancy) };
    },
    'DELETE /api/v1/partners/:code/vacancies/:id': ({ params, headers }) => {
      const vacancy = owned(headers, params.code, params.id);
      if (!('partnerCode' in vacancy)) return vacancy;
      vacancy.status = 'RETIREE';
      return { status: 204 };
    },
  });
  return Object.assign(simulator, { environment, vacancies });
}
