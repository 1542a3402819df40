import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';
import { type PostingJob, xmlSafeText } from '@multiposting/plugin-sdk';

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

/** Text and attributes pass xmlSafeText, then are escaped; `#text` is an element's text beside its attributes. */
const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  cdataPropName: '#cdata',
  suppressEmptyNode: true,
  tagValueProcessor: (_name, value) => xmlSafeText(String(value)),
  attributeValueProcessor: (_name, value) => xmlSafeText(String(value)),
});

/** A CDATA section holding any text (the builder splits a "]]>" inside across two sections). */
const cdata = (text: string) => ({ '#cdata': xmlSafeText(text) });

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
  const validTo = new Date(options.now.getTime() + PUBLICATION_DAYS * 86_400_000);
  const opening = {
    '@xmlns': HR_XML_NAMESPACE,
    '@xml:lang': vacancy?.fields.language ?? 'FR',
    PositionRecordInfo: {
      Id: { '@idOwner': options.partnerCode, IdValue: options.id },
      Status: { '@validFrom': isoDay(options.now), '@validTo': isoDay(validTo), '#text': options.status },
    },
    ...(vacancy ? vacancyElements(vacancy, options) : {}),
  };
  return builder.build({ '?xml': { '@version': '1.0', '@encoding': 'UTF-8' }, PositionOpening: opening }) as string;
}

/** The supplier, the profile and the number to fill of a vacancy that is published or updated. */
function vacancyElements(
  { job, fields }: { job: PostingJob; fields: VacancyFields },
  options: { partnerCode: string; now: Date },
) {
  const contact = {
    Telephone: fields.contactPhone ? { FormattedNumber: fields.contactPhone } : undefined,
    InternetEmailAddress: fields.contactEmail,
  };
  const interval = job.salary ? BASE_INTERVALS[job.salary.period] : undefined;
  const pay =
    job.salary && interval && (job.salary.min !== null || job.salary.max !== null)
      ? {
          BasePay: {
            '@baseInterval': interval,
            '@currencyCode': 'EUR',
            BasePayAmountMin: job.salary.min ?? undefined,
            BasePayAmountMax: job.salary.max ?? undefined,
          },
        }
      : undefined;
  const categories = (
    [
      ['ROMEV3', fields.romeCode],
      ['DIMECO', fields.dimecoCode],
    ] as const
  )
    .filter(([, code]) => code)
    .map(([taxonomy, code]) => ({ TaxonomyName: taxonomy, CategoryCode: code }));
  return {
    PositionSupplier: {
      SupplierId: { '@idOwner': 'PartnerCode', IdValue: options.partnerCode },
      EntityName: fields.employerName,
      ContactMethod: contact,
    },
    PositionProfile: {
      '@xml:lang': fields.language,
      PositionDateInfo: { StartDate: isoDay(options.now) },
      Organization: {
        OrganizationId: fields.enterpriseNumber ? { '@idOwner': 'BCE', '#text': fields.enterpriseNumber } : undefined,
        OrganizationName: fields.employerName,
      },
      PositionDetail: {
        IndustryCode: { '@classificationName': 'NaceBel2008', '#text': fields.industryCode },
        PhysicalLocation: {
          PostalAddress: {
            CountryCode: 'BE',
            PostalCode: fields.postalCode,
            Municipality: job.location.city || undefined,
          },
        },
        JobCategory: categories.length > 0 ? categories : undefined,
        PositionTitle: job.title,
        PositionClassification: fields.contractType,
        PositionSchedule: fields.schedule,
        Competency: competencies(fields),
        RemunerationPackage: pay,
        UserArea: { Experience: { '@unitOfMeasure': 'Months', '#text': fields.experienceMonths } },
      },
      FormattedPositionDescription: { Name: 'jobDescription', Value: cdata(fields.description ?? job.description) },
      HowToApply: {
        PersonName: { FormattedName: fields.contactName },
        ApplicationMethod: {
          InternetWebAddress: job.applyUrl || undefined,
          InternetEmailAddress: fields.contactEmail,
          Telephone: fields.contactPhone ? { FormattedNumber: fields.contactPhone } : undefined,
        },
      },
    },
    NumberToFill: fields.numberToFill,
  };
}

/** Education, driving licences and languages, as HR-XML competencies. */
function competencies(fields: VacancyFields) {
  const competency = (name: string, code: string, level?: number) => ({
    '@name': name,
    CompetencyId: { '@id': code },
    CompetencyEvidence: level === undefined ? undefined : { NumericValue: level },
  });
  const all = [
    ...(fields.educationLevel ? [competency('Study Code', fields.educationLevel)] : []),
    ...(fields.drivingLicences ?? []).map((licence) => competency('Drivers License', licence)),
    ...(fields.languages ?? []).map((language) => competency('Language', language.code, language.level)),
  ];
  return all.length > 0 ? all : undefined;
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
