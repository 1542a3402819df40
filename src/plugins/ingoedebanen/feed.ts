import { fragment } from 'xmlbuilder2';
import { type FeedItem, htmlToText } from '@multiposting/plugin-sdk';
import { applyUrl, type IgbSettings, MEDIUM_CODE, WEBSITE_MEDIUM_CODE } from './settings.ts';

const isoDay = (date: Date) => date.toISOString().slice(0, 10);

/** Board fields of a vacancy on the dedicated medium (see postingFields). */
interface MediumFields {
  startDate?: string;
  endDate?: string;
  phase?: string;
  source?: string;
}

/**
 * One <publication> in Carerix's publication vocabulary, the one InGoedeBanen reads from Carerix customers.
 * xmlbuilder2 escapes text and attributes and drops characters XML cannot hold (control characters in a pasted
 * description), so every fragment is well-formed whatever the job contains.
 */
export function publicationXml(item: FeedItem, settings: IgbSettings, igbEmails: ReadonlyMap<string, string>): string {
  const { job } = item;
  const fields = (item.boardFields ?? {}) as MediumFields;
  const publication = fragment({ invalidCharReplacement: '' }).ele('publication');
  const text = (name: string, value: string | number | null | undefined) => {
    if (value !== null && value !== undefined && value !== '') publication.ele(name).txt(String(value));
  };
  text('publicationID', item.id);
  text('vacancyNo', job.id);
  publication.ele('toMedium', {
    code: settings.publicationMode === 'DEDICATED_MEDIUM' ? MEDIUM_CODE : WEBSITE_MEDIUM_CODE,
  });
  text('status', fields.phase ?? settings.defaultPhase);
  text('source', fields.source ?? settings.defaultSource);
  text('publicationStart', fields.startDate ?? isoDay(item.publishedAt));
  text('publicationEnd', fields.endDate);
  text('titleInformation', job.title);
  text('introInformation', introOf(job.description));
  text('vacancyInformation', job.description);
  text('offerInformation', offerOf(job));
  const location = publication.ele('workLocation');
  for (const [name, value] of [
    ['city', job.location.city],
    ['region', job.location.region],
    ['postalCode', job.location.postalCode],
    ['countryCode', job.location.countryCode],
  ] as const) {
    if (value) location.ele(name).txt(value);
  }
  if (job.employmentType) publication.ele('employmentType').txt(job.employmentType);
  if (job.hoursPerWeek !== null) publication.ele('hoursPerWeek').txt(String(job.hoursPerWeek));
  if (job.category) publication.ele('category').txt(job.category);
  if (job.salary) {
    const salary: Record<string, string> = { currency: job.salary.currency, period: job.salary.period };
    if (job.salary.min !== null) salary.min = String(job.salary.min);
    if (job.salary.max !== null) salary.max = String(job.salary.max);
    publication.ele('salary', salary);
  }
  const contact = publication.ele('applicationContactInformation');
  if (item.recruiter) contact.ele('name').txt(item.recruiter.name);
  // The recruiter's own IGB e-mail; the organisation's account address when they have none.
  contact.ele('email').txt((item.recruiter && igbEmails.get(item.recruiter.id)) ?? settings.email);
  text('applyUrl', withPublicationId(applyUrl(settings, item), item.id));
  text('modificationDate', item.updatedAt.toISOString());
  return publication.end({ headless: true, prettyPrint: false });
}

/** Carerix apply links name the publication: `pub_id`. */
function withPublicationId(link: string, publicationId: string): string {
  const url = new URL(link);
  url.searchParams.set('pub_id', publicationId);
  return url.toString();
}

/** The first paragraph of the description, as text: Carerix's short introduction. */
function introOf(description: string): string {
  const first = description.split(/<\/p>|<br\s*\/?>|\n/i).find((part) => part.replace(/<[^>]*>/g, '').trim());
  return htmlToText(first ?? '').slice(0, 500);
}

/** What the job offers, in words: hours and salary. */
function offerOf(job: FeedItem['job']): string | undefined {
  const parts: string[] = [];
  if (job.hoursPerWeek !== null) parts.push(`${job.hoursPerWeek} uur per week`);
  if (job.salary && (job.salary.min !== null || job.salary.max !== null)) {
    const period = { HOUR: 'per uur', MONTH: 'per maand', YEAR: 'per jaar' }[job.salary.period] ?? '';
    const range = [job.salary.min, job.salary.max].filter((amount) => amount !== null).join(' – ');
    parts.push(`${job.salary.currency} ${range} ${period}`.trim());
  }
  return parts.length > 0 ? parts.join('; ') : undefined;
}

/** The feed, one chunk per publication between the document's head and tail. */
export async function* renderPublications(
  items: AsyncIterable<FeedItem>,
  settings: IgbSettings,
  igbEmails: ReadonlyMap<string, string>,
  generatedAt: Date,
): AsyncIterable<string> {
  // ASSUMPTION (the feed's element names are not public): a <publications> root around Carerix publications.
  yield `<?xml version="1.0" encoding="UTF-8"?>\n<publications version="2" client="${settings.clientId}" mode="${settings.publicationMode}" generatedAt="${generatedAt.toISOString()}">\n`;
  for await (const item of items) yield `${publicationXml(item, settings, igbEmails)}\n`;
  yield '</publications>\n';
}
