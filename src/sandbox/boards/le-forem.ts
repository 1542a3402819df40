import { startSimulator } from '../simulator.ts';

/** Partner code → API key per environment (the simulator is one per environment: pass which). */
export const LE_FOREM_PARTNERS: Record<string, string> = {
  ACME01: 'lf-acc-3b9a61f0e2d74c18',
  GLOBEX2: 'lf-acc-9d0c2b7e5a1f4e63',
};

/** The part of Le Forem's partner API the plugin uses. */
export function startLeForemSimulator(partners: Record<string, string> = LE_FOREM_PARTNERS) {
  return startSimulator({
    'GET /api/v1/partners/:code': ({ params, headers }) => {
      const key = headers['x-api-key'];
      if (!Object.values(partners).includes(String(key))) return { status: 401, json: { error: 'invalid_api_key' } };
      if (!(params.code! in partners)) return { status: 404, json: { error: 'unknown_partner' } };
      if (partners[params.code!] !== key) return { status: 403, json: { error: 'api_key_of_another_partner' } };
      return { json: { partnerCode: params.code, confidentialityAgreement: 'SIGNED' } };
    },
  });
}
