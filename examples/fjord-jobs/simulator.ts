import { startSimulator } from 'multiposting-api/sandbox';

/** The part of the Fjord Jobs API the plugin uses, with these accounts: employer → API key. */
export const ACCOUNTS: Record<string, { apiKey: string; active: boolean }> = {
  '123456': { apiKey: 'fj-live-7d1f0c2a9b8e4c55', active: true },
  '654321': { apiKey: 'fj-live-closed-account-01', active: false },
};

export function startFjordJobsSimulator() {
  return startSimulator({
    'GET /v1/employers/:number': ({ params, headers }) => {
      const account = ACCOUNTS[params.number!];
      if (!account) return { status: 404, json: { error: 'unknown employer' } };
      if (headers['x-api-key'] !== account.apiKey) return { status: 401, json: { error: 'invalid api key' } };
      return { json: { number: params.number, active: account.active } };
    },
  });
}
