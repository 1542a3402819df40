import { definePlugin } from '../../plugin-sdk/index.ts';

/** Le Forem, the public employment service of Wallonia (Belgium). */
export default definePlugin({
  id: 'le-forem',
  name: 'Le Forem',
  version: '0.1.0',
  sdkVersion: '^1.0.0',
  country: 'BE',
  description: 'The public employment and training service of Wallonia, Belgium. Vacancies in French or Dutch.',
  instructions: [
    'Le Forem works with partners under a **confidentiality agreement**: sign it with your Le Forem account manager first.',
    '',
    '1. Le Forem gives you a **partner code** and an **API key** for the **acceptance** environment.',
    '2. Connect an ACCEPTANCE contract and post test vacancies: Le Forem audits them.',
    '3. Once a test vacancy is approved, Le Forem issues production credentials: connect a PRODUCTION contract.',
    '   It is active as soon as its credentials verify.',
  ].join('\n'),
  docsUrl: 'https://www.leforem.be',
  environments: ['ACCEPTANCE', 'PRODUCTION'],
  credentials: [
    { key: 'partnerCode', label: 'Partner code', help: 'Given by Le Forem with the confidentiality agreement.', type: 'string', required: true, secret: false, pattern: { regex: '[A-Z0-9]{4,12}', message: 'must be 4 to 12 capital letters or digits' } },
    { key: 'apiKey', label: 'API key', help: 'One per environment.', type: 'string', required: true, secret: true },
  ],
  confirmations: [{ key: 'confidentialityAgreementSigned', label: 'The confidentiality agreement with Le Forem is signed.' }],
  capabilities: [],

  async verifyCredentials({ http, credentials }) {
    const response = await http.request({
      url: `/api/v1/partners/${encodeURIComponent(String(credentials.partnerCode))}`,
      headers: { 'x-api-key': String(credentials.apiKey) },
      acceptStatuses: [401, 403, 404],
    });
    if (response.status === 401) return { ok: false, reason: 'Le Forem refused the API key.' };
    if (response.status === 403) return { ok: false, reason: 'This API key belongs to another partner code.' };
    if (response.status === 404) return { ok: false, reason: 'Le Forem does not know this partner code.' };
    return { ok: true };
  },
});
