import { startSimulator } from '../simulator.ts';

export const TOPCV_EMPLOYERS: Record<string, { id: number; name: string; secretKey: string }> = {
  'tcv-access-8e2f41c7b9a05d36': { id: 10231, name: 'Công ty ACME Việt Nam', secretKey: 'tcv-secret-51d0e9a2c7f84b16' },
};

/** The part of TopCV's employer API the plugin uses. */
export function startTopcvSimulator(employers = TOPCV_EMPLOYERS) {
  return startSimulator({
    'GET /api/v1/employer/me': ({ headers }) => {
      const employer = employers[String(headers.authorization ?? '').replace(/^Bearer /, '')];
      if (!employer) return { status: 401, json: { success: false, message: 'Unauthenticated.' } };
      return { json: { success: true, data: { id: employer.id, name: employer.name } } };
    },
  });
}
