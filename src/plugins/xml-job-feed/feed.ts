import { type FeedItem, xmlSafeText } from '@multiposting/plugin-sdk';
import { XMLBuilder } from 'fast-xml-parser';

export interface XmlFeedSettings {
  /** The organisation as the feed's publisher and each job's company. */
  publisher: string;
  publisherUrl?: string;
  applyUrlTemplate?: string;
}

/** The board-only fields of a job in the feed. */
export interface XmlFeedFields {
  category?: string;
  /** What the reader shows as the salary, in words (e.g. "€3,200 to €4,100 a month"); from the job when omitted. */
  salary?: string;
}

const JOB_TYPES: Record<string, string> = {
  FULL_TIME: 'fulltime',
  PART_TIME: 'parttime',
  TEMPORARY: 'temporary',
  INTERNSHIP: 'internship',
  FREELANCE: 'contract',
};

const PERIODS: Record<string, string> = { HOUR: 'per hour', MONTH: 'per month', YEAR: 'per year' };

/** RFC 822 dates, as the format's readers expect (`Tue, 24 Nov 2026 13:30:00 GMT`). */
const rfc822 = (date: Date) => date.toUTCString();

/**
 * The apply link of a job: the organisation's own page from the template, else the page the API hosts; either way
 * tagged with the publication (`source`, `posting`) so that an application can be told apart by where it came from.
 */
export function applyLink(settings: XmlFeedSettings, item: FeedItem): string {
  const url = new URL(
    settings.applyUrlTemplate
      ? settings.applyUrlTemplate.replaceAll('{jobId}', encodeURIComponent(item.job.id))
      : item.applicationPageUrl,
  );
  url.searchParams.set('source', 'xml-job-feed');
  url.searchParams.set('posting', item.id);
  return url.toString();
}

function salaryOf(job: FeedItem['job']): string | undefined {
  if (!job.salary || (job.salary.min === null && job.salary.max === null)) return undefined;
  const range = [job.salary.min, job.salary.max].filter((amount) => amount !== null).join(' - ');
  return `${job.salary.currency} ${range} ${PERIODS[job.salary.period] ?? ''}`.trim();
}

/** Text passes xmlSafeText, then is escaped: every job is well-formed whatever it holds. */
const builder = new XMLBuilder({
  tagValueProcessor: (_name, value) => xmlSafeText(String(value)),
  attributeValueProcessor: (_name, value) => xmlSafeText(String(value)),
});

/**
 * One <job> of the XML job feed format Indeed made common (and many aggregators read): title, date,
 * referencenumber, url, company, city, state, country, postalcode, description, salary, jobtype, category.
 * Text is escaped (the format's examples use CDATA sections, which XML readers take the same way, but a description
 * can hold "]]>"). Empty values are left out (the builder writes nothing for undefined).
 */
export function jobXml(item: FeedItem, settings: XmlFeedSettings): string {
  const { job } = item;
  const fields = (item.boardFields ?? {}) as XmlFeedFields;
  const element = {
    title: job.title || undefined,
    date: rfc822(item.publishedAt),
    referencenumber: item.id,
    url: applyLink(settings, item),
    company: settings.publisher || undefined,
    city: job.location.city || undefined,
    state: job.location.region || undefined,
    country: job.location.countryCode || undefined,
    postalcode: job.location.postalCode || undefined,
    description: job.description || undefined,
    salary: fields.salary || salaryOf(job),
    jobtype: job.employmentType ? JOB_TYPES[job.employmentType] : undefined,
    category: fields.category || job.category || undefined,
  };
  return builder.build({ job: element }) as string;
}

/** The feed: its <source> head, one chunk per job, then its tail. */
export async function* renderJobs(
  items: AsyncIterable<FeedItem>,
  settings: XmlFeedSettings,
  generatedAt: Date,
): AsyncIterable<string> {
  const head = builder.build({
    publisher: settings.publisher,
    publisherurl: settings.publisherUrl || undefined,
    lastBuildDate: rfc822(generatedAt),
  }) as string;
  yield `<?xml version="1.0" encoding="UTF-8"?>\n<source>\n${head}\n`;
  for await (const item of items) yield `${jobXml(item, settings)}\n`;
  yield '</source>\n';
}
