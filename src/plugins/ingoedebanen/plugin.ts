import { definePlugin, z } from '@multiposting/plugin-sdk';
import { renderPublications } from './feed.ts';
import { DEFAULT_PHASE, DEFAULT_SOURCE, MEDIUM_CODE, settingsOf } from './settings.ts';
import { listUserEmails, setUserEmail, userEmails } from './user-emails.ts';

const label = z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters');

/** A vacancy's publication on the dedicated medium. */
const postingFields = z
  .object({
    startDate: z.iso
      .date('must be a date (YYYY-MM-DD)')
      .optional()
      .describe('First day on InGoedeBanen; the publication day when omitted'),
    endDate: z.iso
      .date('must be a date (YYYY-MM-DD)')
      .optional()
      .describe('Last day on InGoedeBanen; open-ended when omitted'),
    phase: label.optional().describe(`Publication phase; the contract's default phase when omitted`),
    source: label.optional().describe(`Publication source; the contract's default source when omitted`),
  })
  .refine((fields) => !fields.startDate || !fields.endDate || fields.endDate >= fields.startDate, {
    path: ['endDate'],
    message: 'must not be before startDate',
  });

/** InGoedeBanen, a Dutch job board that pulls an XML feed of the organisation's vacancies. */
export default definePlugin({
  id: 'ingoedebanen',
  name: 'InGoedeBanen',
  version: '1.0.0',
  sdkVersion: '^1.5.0',
  country: 'NL',
  description: 'A Dutch job board that reads your vacancies from an XML feed; nothing is pushed to it.',
  instructions: [
    'InGoedeBanen has one account per organisation and collects vacancies from a feed URL.',
    '',
    "1. Enter the **e-mail address** and the **client ID** of your organisation's InGoedeBanen account.",
    '2. Choose the **publication mode**: *own website* (the feed holds the jobs shown on your careers site) or',
    `   *dedicated medium* (medium code \`${MEDIUM_CODE}\`: the feed holds the vacancies you publish to this contract).`,
    "3. Give InGoedeBanen the contract's **feed URL** (`feedUrl`); rotate it if it leaks.",
    '4. Each recruiter can have their own **IGB e-mail** (`setIngoedebanenUserEmail`), set by an admin or by the recruiter.',
  ].join('\n'),
  docsUrl: 'https://www.ingoedebanen.nl',
  environments: ['PRODUCTION'],
  credentials: [
    {
      key: 'email',
      label: 'E-mail address',
      help: "The e-mail address of the organisation's InGoedeBanen account.",
      type: 'email',
      required: true,
      secret: false,
    },
    {
      key: 'clientId',
      label: 'Client ID',
      type: 'string',
      required: true,
      secret: false,
      pattern: { regex: '[0-9]{3,10}', message: 'must be 3 to 10 digits' },
    },
    {
      key: 'publicationMode',
      label: 'Publication mode',
      help: 'OWN_WEBSITE: the jobs shown on your careers site. DEDICATED_MEDIUM: the vacancies published to this contract, each with its own dates.',
      type: 'enum',
      options: ['OWN_WEBSITE', 'DEDICATED_MEDIUM'],
      required: true,
      secret: false,
    },
    {
      key: 'defaultPhase',
      label: 'Default phase',
      help: `Dedicated medium: the phase of a vacancy that names none ("${DEFAULT_PHASE}" when empty).`,
      type: 'string',
      required: false,
      secret: false,
    },
    {
      key: 'defaultSource',
      label: 'Default source',
      help: `Dedicated medium: the source of a vacancy that names none ("${DEFAULT_SOURCE}" when empty).`,
      type: 'string',
      required: false,
      secret: false,
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
  feedSource: ({ credentials }) =>
    settingsOf(credentials).publicationMode === 'DEDICATED_MEDIUM' ? 'postings' : 'website',
  async *renderFeed({ credentials, items, state, generatedAt }) {
    yield* renderPublications(items, settingsOf(credentials), await userEmails(state), generatedAt);
  },
  extendSchema: {
    queries: { ingoedebanenUserEmails: listUserEmails },
    mutations: { setIngoedebanenUserEmail: setUserEmail },
  },
});
