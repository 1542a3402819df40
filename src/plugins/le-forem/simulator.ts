import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';
import { htmlToText } from '@multiposting/plugin-sdk';
import { type RouteHandler, startSimulator } from '@multiposting/plugin-sdk/simulator';
import { text } from './position-opening.ts';

/** Partner code → API key (subscription key) of the ACCEPTANCE environment. */
export const LE_FOREM_PARTNERS: Record<string, string> = {
  ACME01: 'lf-acc-3b9a61f0e2d74c18',
  GLOBEX2: 'lf-acc-9d0c2b7e5a1f4e63',
};

/** Partner code → API key of the PRODUCTION environment (Le Forem issues them after the acceptance audit). */
export const LE_FOREM_PRODUCTION_PARTNERS: Record<string, string> = {
  ACME01: 'lf-prd-71c4e09b2a5d8f36',
  GLOBEX2: 'lf-prd-0e6b3d9a4c2f7158',
};

const NAMESPACE = 'http://ns.hr-xml.org/2006-02-28';

type XmlNode = Record<string, any>;

// What Le Forem checks, in the board's own copy: never the plugin's lists.
const CONTRACTS = new Set(['Z', 'T', 'G', 'V', 'FL', 'I', 'IN', 'OW', 'D0', 'VC', 'ST', 'S']);
const SCHEDULES = new Set([
  'Full Time',
  'Part Time',
  'x:Night Work',
  'x:Day Work',
  'x:Weekend',
  'x:Day And Night',
  'x:2 Shift System',
  'x:3 Shift System',
  'x:Interrupted Service',
]);
const LICENCES = new Set([
  'AM',
  'A',
  'A1',
  'A2',
  'B',
  'B+E',
  'BE',
  'C',
  'C1',
  'C+E',
  'C1+E',
  'D',
  'D1',
  'D+E',
  'D1+E',
  'G',
]);
const CATEGORY_CODE = { ROMEV3: /^[A-N][0-9]{4}([0-9]{2})?$/, DIMECO: /^[A-N][0-9]{6}-[0-9]+$/ };

export interface LeForemVacancy {
  /** Our id (PositionRecordInfo/Id/IdValue) under the partner code. */
  id: string;
  /** Le Forem's own number for the vacancy. */
  foremId: string;
  partnerCode: string;
  status: 'Pending' | 'Active' | 'Inactive';
  refusal?: string;
  /** The last PositionOpening received, parsed. */
  document: XmlNode;
  /** The raw XML of the last PositionOpening. */
  xml: string;
  /** When the audit decides (acceptance only). */
  auditAt?: number;
}

export interface LeForemSimulatorOptions {
  environment?: 'ACCEPTANCE' | 'PRODUCTION';
  partners?: Record<string, string>;
  /** Acceptance: how long the audit of a test vacancy takes (Le Forem's auditors). */
  auditDelayMs?: number;
  /** ROME V3 codes Le Forem no longer takes (its list moved on before ours was refreshed). */
  retiredRomeCodes?: string[];
}

/** Below this many characters of text, the acceptance audit refuses a vacancy. */
const MIN_DESCRIPTION = 100;
/** Below this many characters of text, Le Forem accepts the vacancy with a warning. */
const SHORT_DESCRIPTION = 300;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  isArray: (name) => ['PhysicalLocation', 'JobCategory', 'PositionSchedule', 'Competency'].includes(name),
});

type Message = { field?: string; message: string };

/** Checks a PositionOpening as Le Forem's 5.2 profile does; every refusal names its element. */
function check(opening: XmlNode, partnerCode: string, retiredRome: Set<string>): Message[] {
  const errors: Message[] = [];
  const refuse = (field: string, message: string) => errors.push({ field, message });
  const record = opening.PositionRecordInfo;
  if (record?.Id?.['@idOwner'] !== partnerCode)
    refuse('PositionRecordInfo/Id/@idOwner', "Le code partenaire ne correspond pas à la clé d'API.");
  if (!text(record?.Id?.IdValue)) refuse('PositionRecordInfo/Id/IdValue', "L'identifiant de l'offre est obligatoire.");
  const status = text(record?.Status);
  if (!['Active', 'Inactive', 'Pending'].includes(status)) refuse('PositionRecordInfo/Status', 'Statut inconnu.');
  if (status === 'Inactive') return errors;

  if (!['FR', 'NL', 'DE', 'EN'].includes(opening['@xml:lang'])) refuse('@xml:lang', 'Langue inconnue.');
  if (!text(opening.PositionSupplier?.EntityName))
    refuse('PositionSupplier/EntityName', "Le nom de l'employeur est obligatoire.");
  const profile = opening.PositionProfile;
  const detail = profile?.PositionDetail;
  if (!detail) {
    refuse('PositionProfile/PositionDetail', 'Le détail de la fonction est obligatoire.');
    return errors;
  }
  const industry = detail.IndustryCode;
  if (industry?.['@classificationName'] !== 'NaceBel2008' || !/^[0-9]{2,5}$/.test(text(industry)))
    refuse('PositionProfile/PositionDetail/IndustryCode', 'Code NACE-BEL 2008 invalide.');
  const locations = (detail.PhysicalLocation ?? []) as XmlNode[];
  if (
    locations.length === 0 ||
    locations.some((place) => !/^[1-9][0-9]{3}$/.test(text(place.PostalAddress?.PostalCode)))
  )
    refuse('PositionProfile/PositionDetail/PhysicalLocation/PostalAddress/PostalCode', 'Code postal belge invalide.');
  const categories = (detail.JobCategory ?? []) as XmlNode[];
  if (categories.length === 0)
    refuse('PositionProfile/PositionDetail/JobCategory', 'Une catégorie de métier est obligatoire.');
  for (const category of categories) {
    const taxonomy = text(category.TaxonomyName) as keyof typeof CATEGORY_CODE;
    const value = text(category.CategoryCode);
    const where = `PositionProfile/PositionDetail/JobCategory[TaxonomyName='${taxonomy}']/CategoryCode`;
    if (!CATEGORY_CODE[taxonomy]?.test(value)) refuse(where, `Code ${taxonomy} invalide.`);
    else if (taxonomy === 'ROMEV3' && retiredRome.has(value))
      refuse(where, `Le code ROME V3 ${value} n'est plus accepté : choisissez le code qui le remplace.`);
  }
  if (text(detail.PositionTitle).trim().length < 3)
    refuse('PositionProfile/PositionDetail/PositionTitle', "L'intitulé est obligatoire.");
  if (!CONTRACTS.has(text(detail.PositionClassification)))
    refuse('PositionProfile/PositionDetail/PositionClassification', 'Type de contrat inconnu.');
  const schedules = (detail.PositionSchedule ?? []) as unknown[];
  if (schedules.length === 0 || schedules.some((schedule) => !SCHEDULES.has(text(schedule))))
    refuse('PositionProfile/PositionDetail/PositionSchedule', 'Régime de travail inconnu.');
  for (const competency of (detail.Competency ?? []) as XmlNode[]) {
    const id = String(competency.CompetencyId?.['@id'] ?? '');
    if (competency['@name'] === 'Drivers License' && !LICENCES.has(id))
      refuse(
        `PositionProfile/PositionDetail/Competency[@name='Drivers License']`,
        `Permis de conduire inconnu : ${id}.`,
      );
  }
  const experience = detail.UserArea?.Experience;
  if (!['Years', 'Months'].includes(experience?.['@unitOfMeasure']) || !/^[0-9]+$/.test(text(experience)))
    refuse('PositionProfile/PositionDetail/UserArea/Experience', "L'expérience est obligatoire (Years ou Months).");
  if (textOfDescription(profile).length === 0)
    refuse('PositionProfile/FormattedPositionDescription', 'La description est obligatoire.');
  const apply = profile.HowToApply;
  if (!text(apply?.PersonName?.FormattedName))
    refuse('PositionProfile/HowToApply/PersonName', 'La personne de contact est obligatoire.');
  const method = apply?.ApplicationMethod ?? {};
  if (!text(method.InternetEmailAddress) && !text(method.InternetWebAddress) && !method.Telephone)
    refuse('PositionProfile/HowToApply/ApplicationMethod', 'Un moyen de postuler est obligatoire.');
  return errors;
}

function textOfDescription(profile: XmlNode | undefined): string {
  const descriptions = [profile?.FormattedPositionDescription].flat().filter(Boolean) as XmlNode[];
  const job = descriptions.find((description) => text(description.Name) === 'jobDescription');
  return htmlToText(text(job?.Value)).replace(/\s+/g, ' ').trim();
}

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@' });

function result(
  root: 'PositionOpeningResult' | 'PositionOpeningValidationResult',
  options: { vacancy?: LeForemVacancy; status?: string; warnings?: Message[]; errors?: Message[] },
): string {
  const { vacancy } = options;
  const list = (messages: Message[] | undefined) =>
    messages?.length
      ? messages.map((message) => ({ Field: message.field || undefined, Message: message.message }))
      : undefined;
  const document = {
    '@xmlns': NAMESPACE,
    PositionRecordInfo: vacancy && {
      Ids: {
        Id: [
          { '@idOwner': vacancy.partnerCode, IdValue: vacancy.id },
          { '@idOwner': 'Forem', IdValue: vacancy.foremId },
        ],
      },
    },
    Status: options.status ?? vacancy?.status,
    ProcessDate: new Date().toISOString(),
    Warnings: options.warnings?.length ? { Warning: list(options.warnings) } : undefined,
    Errors: options.errors?.length ? { Error: list(options.errors) } : undefined,
  };
  return builder.build({ '?xml': { '@version': '1.0', '@encoding': 'UTF-8' }, [root]: document }) as string;
}

const xml = (body: string, status = 200) => ({
  status,
  headers: { 'content-type': 'application/xml; charset=utf-8' },
  text: body,
});

const denied = {
  status: 401,
  json: { statusCode: 401, message: 'Access denied due to invalid subscription key.' },
} as const;

/** The PositionOpening of a request, or the answer refusing it. */
function opening(headers: Record<string, unknown>, body: unknown) {
  if (!String(headers['content-type'] ?? '').includes('application/xml'))
    return { refused: { status: 415, json: { message: 'application/xml expected' } } };
  if (typeof body !== 'string' || XMLValidator.validate(body) !== true)
    return { refused: { status: 400, json: { message: 'XML mal formé.' } } };
  const root = parser.parse(body)?.PositionOpening;
  if (!root || root['@xmlns'] !== NAMESPACE)
    return { refused: { status: 400, json: { message: `PositionOpening attendu dans l'espace ${NAMESPACE}.` } } };
  return { root: root as XmlNode, xml: body };
}

const warningsFor = (root: XmlNode): Message[] =>
  textOfDescription(root.PositionProfile).length < SHORT_DESCRIPTION
    ? [
        {
          field: 'PositionProfile/FormattedPositionDescription',
          message: `Description courte (moins de ${SHORT_DESCRIPTION} caractères) : les offres détaillées reçoivent plus de candidatures.`,
        },
      ]
    : [];

/** Le Forem's vacancies in one environment, and what its auditors decide. */
class LeForemBoard {
  /** Keyed by partner code and our id. */
  readonly vacancies = new Map<string, LeForemVacancy>();
  readonly environment: 'ACCEPTANCE' | 'PRODUCTION';
  readonly retiredRome: Set<string>;
  private readonly partners: Record<string, string>;
  private nextId: number;

  constructor(private readonly options: LeForemSimulatorOptions) {
    this.environment = options.environment ?? 'ACCEPTANCE';
    this.partners =
      options.partners ?? (this.environment === 'PRODUCTION' ? LE_FOREM_PRODUCTION_PARTNERS : LE_FOREM_PARTNERS);
    this.retiredRome = new Set(options.retiredRomeCodes ?? ['N1101']);
    this.nextId = this.environment === 'PRODUCTION' ? 9_000_001 : 5_000_001;
  }

  /** The API Management gateway: an unknown subscription key never reaches Le Forem. */
  partnerOf(headers: Record<string, unknown>) {
    const key = String(headers['ocp-apim-subscription-key'] ?? '');
    return Object.entries(this.partners).find(([, partnerKey]) => partnerKey === key)?.[0];
  }

  /** The audit decides lazily, when the vacancy is next read: approved unless its description is too short. */
  settle(vacancy: LeForemVacancy) {
    if (vacancy.status !== 'Pending' || vacancy.auditAt === undefined || Date.now() < vacancy.auditAt) return;
    if (textOfDescription(vacancy.document.PositionProfile).length < MIN_DESCRIPTION) {
      vacancy.status = 'Inactive';
      vacancy.refusal = `Description trop courte : au moins ${MIN_DESCRIPTION} caractères sont attendus.`;
    } else {
      vacancy.status = 'Active';
    }
  }

  /** Takes a checked PositionOpening: a new or replaced vacancy, or one taken off (Status Inactive). */
  receive(partner: string, root: XmlNode, body: string): string {
    const id = text(root.PositionRecordInfo.Id.IdValue);
    const key = `${partner}:${id}`;
    const existing = this.vacancies.get(key);
    if (text(root.PositionRecordInfo.Status) === 'Inactive') {
      // Taking off a vacancy Le Forem no longer has (or never had) changes nothing.
      if (existing) existing.status = 'Inactive';
      return result('PositionOpeningResult', { status: 'Inactive', ...(existing ? { vacancy: existing } : {}) });
    }
    const vacancy: LeForemVacancy = existing ?? {
      id,
      foremId: String(this.nextId++),
      partnerCode: partner,
      status: 'Pending',
      document: root,
      xml: body,
    };
    vacancy.document = root;
    vacancy.xml = body;
    delete vacancy.refusal;
    if (this.environment === 'ACCEPTANCE') {
      vacancy.status = 'Pending';
      vacancy.auditAt = Date.now() + (this.options.auditDelayMs ?? 0);
    } else {
      vacancy.status = 'Active';
    }
    this.vacancies.set(key, vacancy);
    this.settle(vacancy);
    return result('PositionOpeningResult', { vacancy, warnings: warningsFor(root) });
  }
}

function apiRoutes(board: LeForemBoard): Record<string, RouteHandler> {
  return {
    'POST /OffresEmploi/Validation': ({ headers, body }) => {
      const partner = board.partnerOf(headers);
      if (!partner) return denied;
      const parsed = opening(headers, body);
      if (!parsed.root) return parsed.refused;
      const errors = check(parsed.root, partner, board.retiredRome);
      return xml(
        result('PositionOpeningValidationResult', { errors, warnings: errors.length ? [] : warningsFor(parsed.root) }),
      );
    },
    'POST /OffresEmploi': ({ headers, body }) => {
      const partner = board.partnerOf(headers);
      if (!partner) return denied;
      const parsed = opening(headers, body);
      if (!parsed.root) return parsed.refused;
      const errors = check(parsed.root, partner, board.retiredRome);
      if (errors.length > 0) return xml(result('PositionOpeningResult', { errors }));
      return xml(board.receive(partner, parsed.root, parsed.xml));
    },
    // Open data: the board's own lists (this simulator knows two of them).
    'GET /OffresEmploi/OpenData/:version/:dataset': ({ headers, params }) => {
      if (!board.partnerOf(headers)) return denied;
      const list = { contrattravail: CONTRACTS, tempstravail: SCHEDULES }[String(params.dataset)];
      if (!list) return { status: 404, json: { message: 'Jeu de données inconnu.' } };
      const values = [...list].map((id) => ({ id, description: id }));
      return { json: { name: params.dataset, version: params.version, values } };
    },
    // ASSUMPTION (not public): reading one of the partner's vacancies answers the same PositionOpeningResult.
    'GET /OffresEmploi/:partner/:id': ({ headers, params }) => {
      const partner = board.partnerOf(headers);
      if (!partner) return denied;
      const vacancy = partner === params.partner ? board.vacancies.get(`${partner}:${params.id}`) : undefined;
      if (!vacancy) return { status: 404, json: { message: 'Offre inconnue.' } };
      board.settle(vacancy);
      const errors = vacancy.refusal ? { errors: [{ message: vacancy.refusal }] } : {};
      return xml(result('PositionOpeningResult', { vacancy, ...errors }));
    },
  };
}

/**
 * Le Forem's partner API for one environment, as its public traces show it: HR-XML PositionOpening documents
 * behind an API Management gateway (`Ocp-Apim-Subscription-Key`), `/OffresEmploi/Validation` (a dry run) and
 * `/OffresEmploi` (publish, update, or take off with Status Inactive). In ACCEPTANCE every vacancy is a test the
 * auditors approve or refuse after `auditDelayMs`; in PRODUCTION vacancies are published at once.
 */
export async function startLeForemSimulator(options: LeForemSimulatorOptions = {}) {
  const board = new LeForemBoard(options);
  const simulator = await startSimulator(apiRoutes(board));
  const { environment, vacancies } = board;
  /** A vacancy by our id, whichever partner sent it (tests). */
  const vacancy = (id: string) => [...vacancies.values()].find((entry) => entry.id === id);
  return Object.assign(simulator, { environment, vacancies, vacancy });
}
