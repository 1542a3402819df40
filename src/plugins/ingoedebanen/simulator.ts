import { XMLParser, XMLValidator } from 'fast-xml-parser';

type XmlNode = Record<string, any>;

/** A vacancy as the simulated board keeps it from the feed. */
export interface IgbVacancy {
  publicationId: string;
  vacancyNo: string;
  title: string;
  applyUrl: string;
  recruiterEmail: string;
  medium: string;
  status: string;
  source: string;
  publicationStart: string;
  publicationEnd?: string;
}

/** Settings the simulated board's account has (InGoedeBanen has no API to refuse anything else). */
export const IGB_ACCOUNT = { email: 'vacatures@acme.example', clientId: '40213' };

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  isArray: (name) => name === 'publication',
  parseTagValue: false,
  parseAttributeValue: false,
});

/** What InGoedeBanen needs of a Carerix publication, in the board's own words; a feed missing them is refused. */
const REQUIRED = ['publicationID', 'titleInformation', 'vacancyInformation', 'applyUrl', 'publicationStart'] as const;

/**
 * InGoedeBanen's side of a feed: it reads the feed URL it was given the way the board does — gzip, and a
 * conditional GET with the last entity tag so an unchanged feed costs a 304 — and keeps the vacancies it saw.
 */
export function startIngoedebanenReader(feedUrl: string) {
  let etag: string | undefined;
  let vacancies: IgbVacancy[] = [];
  const reads: { status: number; bytes: number }[] = [];
  return {
    reads,
    get vacancies() {
      return vacancies;
    },
    /** One pull. A malformed feed throws (the real board would reject it) and keeps what it had. */
    async read(): Promise<{ status: number; changed: boolean }> {
      const response = await fetch(feedUrl, {
        headers: { 'accept-encoding': 'gzip', ...(etag ? { 'if-none-match': etag } : {}) },
      });
      const text = response.status === 200 ? await response.text() : '';
      reads.push({ status: response.status, bytes: Buffer.byteLength(text) });
      if (response.status === 304) return { status: 304, changed: false };
      if (response.status !== 200) throw new Error(`InGoedeBanen could not read the feed: HTTP ${response.status}`);
      const valid = XMLValidator.validate(text);
      if (valid !== true) throw new Error(`InGoedeBanen refused a malformed feed: ${valid.err.msg}`);
      const items = (parser.parse(text).publications?.publication ?? []) as XmlNode[];
      for (const item of items) {
        const missing = REQUIRED.filter((name) => !item[name]);
        if (missing.length > 0) throw new Error(`InGoedeBanen refused a publication without ${missing.join(', ')}`);
        if (new URL(item.applyUrl).searchParams.get('pub_id') !== item.publicationID)
          throw new Error('InGoedeBanen refused an apply link that does not name its publication (pub_id)');
      }
      vacancies = items.map((item) => ({
        publicationId: item.publicationID,
        vacancyNo: item.vacancyNo,
        title: item.titleInformation,
        applyUrl: item.applyUrl,
        recruiterEmail: item.applicationContactInformation?.email,
        medium: item.toMedium?.code,
        status: item.status,
        source: item.source,
        publicationStart: item.publicationStart,
        ...(item.publicationEnd ? { publicationEnd: item.publicationEnd } : {}),
      }));
      etag = response.headers.get('etag') ?? undefined;
      return { status: 200, changed: true };
    },
  };
}
