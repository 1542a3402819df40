import { fragment } from 'xmlbuilder2';
import type { FeedItem } from '@multiposting/plugin-sdk';

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

/**
 * One <job> of the XML job feed format Indeed made common (and many aggregators read): title, date,
 * referencenumber, url, company, city, state, country, postalcode, description, salary, jobtype, category.
 * Text is escaped (the format's examples use CDATA sections, which XML readers take the same way, but a description
 * can hold "]]>"); xmlbuilder2 drops characters XML cannot hold, so every job is well-formed whatever it contains.
 */
export function jobXml(item: FeedItem, settings: XmlFeedSettings): string {
  const { job } = item;
  const fields = (item.boardFields ?? {}) as XmlFeedFields;
  const element = fragment({ invalidCharReplacement: '' }).ele('job');
  const text = (name: string, value: string | null | undefined) => {
    if (value) element.ele(name).txt(value);
  };
  text('title', job.title);
  text('date', rfc822(item.publishedAt));
  text('referencenumber', item.id);
  text('url', applyLink(settings, item));
  text('company', settings.publisher);
  text('city', job.location.city);
  text('state', job.location.region);
  text('country', job.location.countryCode);
  text('postalcode', job.location.postalCode);
  text('description', job.description);
  text('salary', fields.salary ?? salaryOf(job));
  text('jobtype', job.employmentType ? JOB_TYPES[job.employmentType] : undefined);
  text('category', fields.category ?? job.category);
  return element.end({ headless: true, prettyPrint: false });
}

/** The feed: its <source> head, one chunk per job, then its tail. */
export async function* renderJobs(
  items: AsyncIterable<FeedItem>,
  settings: XmlFeedSettings,
  generatedAt: Date,
): AsyncIterable<string> {
  const head = fragment({ invalidCharReplacement: '' });
  head.ele('publisher').txt(settings.publisher);
  if (settings.publisherUrl) head.ele('publisherurl').txt(settings.publisherUrl);
  head.ele('lastBuildDate').txt(rfc822(generatedAt));
  yield `<?xml version="1.0" encoding="UTF-8"?>\n<source>\n${head.end({ prettyPrint: false })}\n`;
  for await (const item of items) yield `${jobXml(item, settings)}\n`;
  yield '</source>\n';
}
