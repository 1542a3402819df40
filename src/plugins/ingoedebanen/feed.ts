import { fragment } from 'xmlbuilder2';
import type { FeedItem } from '@multiposting/plugin-sdk';
import { applyUrl, MEDIUM_CODE, type IgbSettings } from './settings.ts';

const isoDay = (date: Date) => date.toISOString().slice(0, 10);

/** Board fields of a vacancy on the dedicated medium (see postingFields). */
interface MediumFields {
  startDate?: string;
  endDate?: string;
  phase?: string;
  source?: string;
}

/**
 * One <vacancy> element. xmlbuilder2 escapes text and attributes and drops characters XML cannot hold (control
 * characters in a pasted description), so every fragment is well-formed whatever the job contains.
 */
export function vacancyXml(item: FeedItem, settings: IgbSettings, igbEmails: ReadonlyMap<string, string>): string {
  const { job } = item;
  const vacancy = fragment({ invalidCharReplacement: '' }).ele('vacancy', { id: item.id, jobId: job.id });
  const text = (name: string, value: string | number | null | undefined) => {
    if (value !== null && value !== undefined && value !== '') vacancy.ele(name).txt(String(value));
  };
  text('title', job.title);
  text('description', job.description);
  const location = vacancy.ele('location');
  for (const [name, value] of [
    ['city', job.location.city],
    ['region', job.location.region],
    ['postalCode', job.location.postalCode],
    ['countryCode', job.location.countryCode],
  ] as const) {
    if (value) location.ele(name).txt(value);
  }
  text('employmentType', job.employmentType);
  text('hoursPerWeek', job.hoursPerWeek);
  text('category', job.category);
  if (job.salary) {
    const salary: Record<string, string> = { currency: job.salary.currency, period: job.salary.period };
    if (job.salary.min !== null) salary.min = String(job.salary.min);
    if (job.salary.max !== null) salary.max = String(job.salary.max);
    vacancy.ele('salary', salary);
  }
  const fields = (item.boardFields ?? {}) as MediumFields;
  const publication: Record<string, string> = {
    medium: settings.publicationMode === 'DEDICATED_MEDIUM' ? MEDIUM_CODE : 'WEBSITE',
    phase: fields.phase ?? settings.defaultPhase,
    source: fields.source ?? settings.defaultSource,
    startDate: fields.startDate ?? isoDay(item.publishedAt),
  };
  if (fields.endDate) publication.endDate = fields.endDate;
  vacancy.ele('publication', publication);
  const contact = vacancy.ele('recruiter');
  if (item.recruiter) contact.ele('name').txt(item.recruiter.name);
  // The recruiter's own IGB e-mail; the organisation's account address when they have none.
  contact.ele('email').txt((item.recruiter && igbEmails.get(item.recruiter.id)) ?? settings.email);
  text('applyUrl', applyUrl(settings, item));
  text('updatedAt', item.updatedAt.toISOString());
  return vacancy.end({ headless: true, prettyPrint: false });
}

/** The feed, one chunk per vacancy between the document's head and tail. */
export async function* renderVacancies(
  items: AsyncIterable<FeedItem>,
  settings: IgbSettings,
  igbEmails: ReadonlyMap<string, string>,
  generatedAt: Date,
): AsyncIterable<string> {
  yield `<?xml version="1.0" encoding="UTF-8"?>\n<vacancies version="1" client="${settings.clientId}" mode="${settings.publicationMode}" generatedAt="${generatedAt.toISOString()}">\n`;
  for await (const item of items) yield `${vacancyXml(item, settings, igbEmails)}\n`;
  yield '</vacancies>\n';
}
