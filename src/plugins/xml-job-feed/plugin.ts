import { type CredentialValue, definePlugin, z } from '@multiposting/plugin-sdk';
import { renderJobs, type XmlFeedSettings } from './feed.ts';

const postingFields = z.object({
  category: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .optional()
    .describe("The job's category in the feed; the job's own when omitted"),
  salary: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .optional()
    .describe('The salary as the reader shows it, in words; from the job when omitted'),
});

const settingsOf = (credentials: Readonly<Record<string, CredentialValue | undefined>>): XmlFeedSettings => ({
  publisher: String(credentials.publisher),
  ...(credentials.publisherUrl ? { publisherUrl: String(credentials.publisherUrl) } : {}),
  ...(credentials.applyUrlTemplate ? { applyUrlTemplate: String(credentials.applyUrlTemplate) } : {}),
});

/**
 * Any board or aggregator that reads the XML job feed format Indeed made common: the contract's published postings
 * as a feed URL, on the same streaming, token, entity-tag and gzip machinery as the other feeds.
 */
export default definePlugin({
  id: 'xml-job-feed',
  name: 'XML job feed',
  version: '1.0.0',
  sdkVersion: '^1.5.0',
  country: 'US',
  description:
    'Your published vacancies as an XML feed in the format Indeed made common, for any board or aggregator that reads one.',
  instructions: [
    'Many boards and aggregators collect vacancies from an XML feed in the format Indeed made common.',
    '',
    '1. Enter the **publisher** name shown as the company of each job, and optionally your website.',
    "2. Give the board the contract's **feed URL** (`feedUrl`); rotate it if it leaks.",
    '3. Publish vacancies to the contract: each is in the feed at once and leaves it when withdrawn.',
    '',
    'Each apply link carries `source` and `posting`, so applications made through it say where they came from.',
  ].join('\n'),
  docsUrl: 'https://www.indeed.com/intl/en/xmlinfo.html',
  environments: ['PRODUCTION'],
  credentials: [
    {
      key: 'publisher',
      label: 'Publisher',
      help: "Your organisation's name, as the feed's publisher and each job's company.",
      type: 'string',
      required: true,
      secret: false,
    },
    {
      key: 'publisherUrl',
      label: 'Website',
      type: 'string',
      required: false,
      secret: false,
      pattern: { regex: 'https?://[^\\s<>"]+', message: 'must be an http(s) URL' },
    },
    {
      key: 'applyUrlTemplate',
      label: 'Apply link template',
      help: "Your own application page, with {jobId} where the job's id goes. Empty: the application page this API hosts.",
      type: 'string',
      required: false,
      secret: false,
      pattern: {
        regex: 'https?://[^\\s{}<>"]+\\{jobId\\}[^\\s{}<>"]*',
        message: 'must be an http(s) URL containing {jobId}, e.g. https://example.org/jobs/{jobId}/apply',
      },
    },
  ],
  capabilities: ['feed'],
  postingFields,
  feedSource: () => 'postings',
  async *renderFeed({ credentials, items, generatedAt }) {
    yield* renderJobs(items, settingsOf(credentials), generatedAt);
  },
});
