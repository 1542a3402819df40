import { definePlugin } from '../../plugin-sdk/index.ts';

/** TopCV, Vietnam's large job board, through its employer API. */
export default definePlugin({
  id: 'topcv',
  name: 'TopCV',
  version: '0.1.0',
  sdkVersion: '^1.0.0',
  country: 'VN',
  description: 'A leading job board of Việt Nam. Postings are reviewed by TopCV; applications come back by webhook.',
  instructions: [
    '1. In the TopCV employer site, open **Tích hợp / Integrations** and create API credentials.',
    '2. Paste the **employer API key** (TopCV\'s access token) and the **secret key** here.',
    '3. Paste this contract\'s **webhook URL** into TopCV so approvals, rejections and applications come back.',
  ].join('\n'),
  docsUrl: 'https://www.topcv.vn',
  environments: ['PRODUCTION'],
  credentials: [
    { key: 'employerApiKey', label: 'Employer API key', help: 'TopCV\'s access token for your employer account.', type: 'string', required: true, secret: true },
    { key: 'secretKey', label: 'Secret key', help: 'Signs the webhooks TopCV sends.', type: 'string', required: true, secret: true },
  ],
  capabilities: [],

  async verifyCredentials({ http, credentials }) {
    const response = await http.request({
      url: '/api/v1/employer/me',
      headers: { authorization: `Bearer ${String(credentials.employerApiKey)}` },
      acceptStatuses: [401],
    });
    if (response.status === 401) return { ok: false, reason: 'TopCV refused the employer API key.' };
    return { ok: true };
  },
});
