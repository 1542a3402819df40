import { definePlugin } from '../../plugin-sdk/index.ts';

/** InGoedeBanen, a Dutch job board that pulls an XML feed of the organisation's vacancies. */
export default definePlugin({
  id: 'ingoedebanen',
  name: 'InGoedeBanen',
  version: '0.1.0',
  sdkVersion: '^1.0.0',
  country: 'NL',
  description: 'A Dutch job board that reads your vacancies from an XML feed; nothing is pushed to it.',
  instructions: [
    'InGoedeBanen has one account per organisation and collects vacancies from a feed URL.',
    '',
    '1. Enter the **e-mail address** and the **client ID** of your organisation\'s InGoedeBanen account.',
    '2. Give InGoedeBanen the contract\'s **feed URL**.',
    '3. Each recruiter can have their own **IGB e-mail**, set by an admin or by the recruiter.',
  ].join('\n'),
  docsUrl: 'https://www.ingoedebanen.nl',
  environments: ['PRODUCTION'],
  credentials: [
    { key: 'email', label: 'E-mail address', help: 'The e-mail address of the organisation\'s InGoedeBanen account.', type: 'email', required: true, secret: false },
    { key: 'clientId', label: 'Client ID', type: 'string', required: true, secret: false, pattern: { regex: '[0-9]{3,10}', message: 'must be 3 to 10 digits' } },
  ],
  capabilities: [],
});
