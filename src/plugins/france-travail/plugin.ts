import { BoardError, definePlugin } from '../../plugin-sdk/index.ts';

/** France Travail (formerly Pôle emploi), France's public employment service. */
export default definePlugin({
  id: 'france-travail',
  name: 'France Travail',
  version: '0.1.0',
  sdkVersion: '^1.0.0',
  country: 'FR',
  description: 'France\'s public employment service (formerly Pôle emploi). Offers published on francetravail.fr.',
  instructions: [
    '1. Request **sandbox** access from France Travail: it is granted to employers with a valid **SIRET** who state how many',
    '   positions they open per year.',
    '2. France Travail gives you a **client ID**, a **party ID** (your partner identifier) and a **key**.',
    '3. Connect a SANDBOX contract; it is active as soon as the credentials verify. Production works the same way.',
    '',
    'France Travail rates the quality of your offers: below 90 % it may suspend production access.',
  ].join('\n'),
  docsUrl: 'https://francetravail.io',
  environments: ['SANDBOX', 'PRODUCTION'],
  credentials: [
    { key: 'clientId', label: 'Client ID', type: 'string', required: true, secret: false, pattern: { regex: 'PAR_[a-z0-9_]{4,64}', message: 'must look like PAR_yourcompany_0123abcd' } },
    { key: 'partyId', label: 'Party ID', help: 'Your partner identifier at France Travail.', type: 'string', required: true, secret: false, pattern: { regex: '[0-9]{6,12}', message: 'must be 6 to 12 digits' } },
    { key: 'key', label: 'Key', help: 'The client secret for the OAuth2 client-credentials flow.', type: 'string', required: true, secret: true },
  ],
  capabilities: [],

  async verifyCredentials({ http, credentials }) {
    const token = await http.request({
      method: 'POST',
      url: '/connexion/oauth2/access_token',
      form: { grant_type: 'client_credentials', client_id: String(credentials.clientId), client_secret: String(credentials.key), scope: 'api_offresdemploiv2' },
      acceptStatuses: [400, 401],
    });
    if (token.status !== 200) return { ok: false, reason: 'France Travail refused the client ID or the key.' };
    const accessToken = (token.body as { access_token?: unknown }).access_token;
    if (typeof accessToken !== 'string') {
      throw new BoardError({ code: 'BAD_RESPONSE', retryable: true, userMessage: 'France Travail sent no access token.' });
    }
    const party = await http.request({
      url: `/partenaire/v1/partenaires/${encodeURIComponent(String(credentials.partyId))}`,
      headers: { authorization: `Bearer ${accessToken}` },
      acceptStatuses: [403, 404],
    });
    if (party.status === 404) return { ok: false, reason: 'France Travail does not know this party ID.' };
    if (party.status === 403) return { ok: false, reason: 'This party ID does not belong to the client ID.' };
    return { ok: true };
  },
});
