import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { create } from 'xmlbuilder2';
import type { PostingJob } from '@multiposting/plugin-sdk';

/** HR-XML 2.5's namespace, the one Le Forem's PositionOpening 5.2 profile uses. */
export const HR_XML_NAMESPACE = 'http://ns.hr-xml.org/2006-02-28';

/** Second-hand: Le Forem takes vacancies for about 40 days; a vacancy is sent for that long and renewed by updates. */
export const PUBLICATION_DAYS = 40;

export type VacancyStatus = 'Active' | 'Inactive';

/** The board fields the document is built from (see postingFields in plugin.ts). */
export interface VacancyFields {
  language: 'FR' | 'NL' | 'DE' | 'EN';
  contractType: string;
  schedule: string;
  romeCode?: string;
  dimecoCode?: string;
  industryCode: string;
  postalCode: string;
  experienceMonths: number;
  educationLevel?: string;
  drivingLicences?: string[];
  languages?: { code: string; level: number }[];
  employerName: string;
  enterpriseNumber?: string;
  contactName: string;
  contactEmail: string;
  contactPhone?: string;
  numberToFill: number;
  description?: string;
}

const isoDay = (date: Date) => date.toISOString().slice(0, 10);
const BASE_INTERVALS: Record<string, string> = { HOUR: 'Hourly', MONTH: 'Monthly' };

/**
 * A vacancy as Le Forem's HR-XML `PositionOpening`. `Active` publishes or updates it (the same
 * `PositionRecordInfo/Id` again is an update); `Inactive` with no profile takes it off.
 */
export function positionOpening(options: {
  id: string;
  partnerCode: string;
  status: VacancyStatus;
  now: Date;
  vacancy?: { job: PostingJob; fields: VacancyFields };
}): string {
  const { vacancy } = options;
  const root = create({ version: '1.0', encoding: 'UTF-8', invalidCharReplacement: '' }).ele(
    HR_XML_NAMESPACE,
    'PositionOpening',
    { 'xml:lang': vacancy?.fields.language ?? 'FR' },
  );
  const record = root.ele('PositionRecordInfo');
  record.ele('Id', { idOwner: options.partnerCode }).ele('IdValue').txt(options.id);
  const validTo = new Date(options.now.getTime() + PUBLICATION_DAYS * 86_400_000);
  record.ele('Status', { validFrom: isoDay(options.now), validTo: isoDay(validTo) }).txt(options.status);
  if (!vacancy) return root.end({ prettyPrint: false });

  const { job, fields } = vacancy;
  const supplier = root.ele('PositionSupplier');
  supplier.ele('SupplierId', { idOwner: 'PartnerCode' }).ele('IdValue').txt(options.partnerCode);
  supplier.ele('EntityName').txt(fields.employerName);
  contactMethod(supplier, fields);

  const profile = root.ele('PositionProfile', { 'xml:lang': fields.language });
  profile.ele('PositionDateInfo').ele('StartDate').txt(isoDay(options.now));
  const organization = profile.ele('Organization');
  if (fields.enterpriseNumber) organization.ele('OrganizationId', { idOwner: 'BCE' }).txt(fields.enterpriseNumber);
  organization.ele('OrganizationName').txt(fields.employerName);

  const detail = profile.ele('PositionDetail');
  detail.ele('IndustryCode', { classificationName: 'NaceBel2008' }).txt(fields.industryCode);
  const address = detail.ele('PhysicalLocation').ele('PostalAddress');
  address.ele('CountryCode').txt('BE');
  address.ele('PostalCode').txt(fields.postalCode);
  if (job.location.city) address.ele('Municipality').txt(job.location.city);
  for (const [taxonomy, code] of [
    ['ROMEV3', fields.romeCode],
    ['DIMECO', fields.dimecoCode],
  ] as const) {
    if (!code) continue;
    const category = detail.ele('JobCategory');
    category.ele('TaxonomyName').txt(taxonomy);
    category.ele('CategoryCode').txt(code);
  }
  detail.ele('PositionTitle').txt(job.title);
  detail.ele('PositionClassification').txt(fields.contractType);
  detail.ele('PositionSchedule').txt(fields.schedule);
  competencies(detail, fields);
  const interval = job.salary ? BASE_INTERVALS[job.salary.period] : undefined;
  if (job.salary && interval && (job.salary.min !== null || job.salary.max !== null)) {
    const pay = detail.ele('RemunerationPackage').ele('BasePay', { baseInterval: interval, currencyCode: 'EUR' });
    if (job.salary.min !== null) pay.ele('BasePayAmountMin').txt(String(job.salary.min));
    if (job.salary.max !== null) pay.ele('BasePayAmountMax').txt(String(job.salary.max));
  }
  detail.ele('UserArea').ele('Experience', { unitOfMeasure: 'Months' }).txt(String(fields.experienceMonths));

  profile
    .ele('FormattedPositionDescription')
    .ele('Name')
    .txt('jobDescription')
    .up()
    .ele('Value')
    .dat(fields.description ?? job.description);
  const apply = profile.ele('HowToApply');
  apply.ele('PersonName').ele('FormattedName').txt(fields.contactName);
  const method = apply.ele('ApplicationMethod');
  if (job.applyUrl) method.ele('InternetWebAddress').txt(job.applyUrl);
  method.ele('InternetEmailAddress').txt(fields.contactEmail);
  if (fields.contactPhone) method.ele('Telephone').ele('FormattedNumber').txt(fields.contactPhone);

  root.ele('NumberToFill').txt(String(fields.numberToFill));
  return root.end({ prettyPrint: false });
}

function contactMethod(parent: ReturnType<ReturnType<typeof create>['ele']>, fields: VacancyFields) {
  const contact = parent.ele('ContactMethod');
  if (fields.contactPhone) contact.ele('Telephone').ele('FormattedNumber').txt(fields.contactPhone);
  contact.ele('InternetEmailAddress').txt(fields.contactEmail);
}

function competencies(detail: ReturnType<ReturnType<typeof create>['ele']>, fields: VacancyFields) {
  const competency = (name: string, code: string, level?: number) => {
    const element = detail.ele('Competency', { name });
    element.ele('CompetencyId', { id: code });
    if (level !== undefined) element.ele('CompetencyEvidence').ele('NumericValue').txt(String(level));
  };
  if (fields.educationLevel) competency('Study Code', fields.educationLevel);
  for (const licence of fields.drivingLicences ?? []) competency('Drivers License', licence);
  for (const language of fields.languages ?? []) competency('Language', language.code, language.level);
}

/** One remark of Le Forem's on a vacancy: the element it is about (an XPath below the root), when it says. */
export interface ForemMessage {
  field?: string;
  message: string;
}

/** What Le Forem answers to a validation or a publication (`PositionOpeningValidationResult`, `PositionOpeningResult`). */
export interface ForemResult {
  ids: { owner: string; value: string }[];
  status?: string;
  warnings: ForemMessage[];
  errors: ForemMessage[];
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  removeNSPrefix: true,
  parseTagValue: false,
  isArray: (name) => ['Id', 'Warning', 'Error'].includes(name),
});

/** The text of a parsed element, with or without attributes. */
export const text = (value: unknown): string =>
  typeof value === 'string'
    ? value
    : value && typeof value === 'object' && '#text' in value
      ? String(value['#text'])
      : '';

function messages(list: unknown): ForemMessage[] {
  return (Array.isArray(list) ? list : []).map((item) =>
    item && typeof item === 'object' && 'Message' in item
      ? { ...('Field' in item && text(item.Field) ? { field: text(item.Field) } : {}), message: text(item.Message) }
      : { message: text(item) },
  );
}

/** Reads Le Forem's answer; null when it is not the expected result document. */
export function parseResult(xml: unknown, root: 'PositionOpeningValidationResult' | 'PositionOpeningResult') {
  if (typeof xml !== 'string' || XMLValidator.validate(xml) !== true) return null;
  const result = parser.parse(xml)?.[root];
  if (!result || typeof result !== 'object') return null;
  const ids = (result.PositionRecordInfo?.Ids?.Id ?? []) as { '@idOwner'?: string; IdValue?: unknown }[];
  return {
    ids: ids.map((id) => ({ owner: String(id['@idOwner'] ?? ''), value: text(id.IdValue) })),
    ...(result.Status ? { status: text(result.Status) } : {}),
    warnings: messages(result.Warnings?.Warning),
    errors: messages(result.Errors?.Error),
  } satisfies ForemResult;
}
