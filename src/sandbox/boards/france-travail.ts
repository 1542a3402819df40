import { randomBytes } from 'node:crypto';
import { startSimulator } from '../simulator.ts';

export const FRANCE_TRAVAIL_CLIENTS: Record<string, { key: string; partyId: string }> = {
  PAR_acme_5f2c9d01: { key: 'ft-key-6b1e0a94d3c2477f', partyId: '4401230' },
  PAR_globex_7a3e1b22: { key: 'ft-key-2f8d5c61a9b04e13', partyId: '7788990' },
};

/** The part of France Travail's API the plugin uses: OAuth2 client credentials, then the partner record. */
export function startFranceTravailSimulator(clients = FRANCE_TRAVAIL_CLIENTS) {
  const tokens = new Map<string, string>();
  return startSimulator({
    'POST /connexion/oauth2/access_token': ({ body }) => {
      const form = body as Record<string, string>;
      if (form.grant_type !== 'client_credentials') return { status: 400, json: { error: 'unsupported_grant_type' } };
      const client = clients[form.client_id ?? ''];
      if (!client || client.key !== form.client_secret) return { status: 401, json: { error: 'invalid_client' } };
      const token = randomBytes(16).toString('hex');
      tokens.set(token, form.client_id!);
      return { json: { access_token: token, token_type: 'Bearer', expires_in: 1499, scope: form.scope } };
    },
    'GET /partenaire/v1/partenaires/:partyId': ({ params, headers }) => {
      const clientId = tokens.get(String(headers.authorization ?? '').replace(/^Bearer /, ''));
      if (!clientId) return { status: 401, json: { error: 'invalid_token' } };
      if (!Object.values(clients).some((client) => client.partyId === params.partyId)) return { status: 404, json: { error: 'unknown_party' } };
      if (clients[clientId]!.partyId !== params.partyId) return { status: 403, json: { error: 'forbidden' } };
      return { json: { partyId: params.partyId, status: 'ACTIF' } };
    },
  });
}
