import { createHmac, randomUUID } from 'node:crypto';
import { startSimulator } from '../simulator.ts';
import type { SignedDelivery } from '../webhooks.ts';

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

export type TopcvWebhookBody =
  | { event: 'job.approved' | 'job.expired'; data: { job_id: string | number } }
  | { event: 'job.rejected'; data: { job_id: string | number; reason?: string } }
  | {
      event: 'application.created';
      data: {
        application_id: string | number;
        job_id?: string | number | null;
        job_title?: string;
        applied_at?: string;
        candidate: { full_name: string; email?: string; phone?: string; city?: string; profile_url?: string; consent_at?: string };
        cv?: { file_name: string; mime_type: string; content_base64: string } | null;
      };
    };

/**
 * A webhook delivery signed the way TopCV signs them: HMAC-SHA256 of `<timestamp>.<body>` under the employer's
 * secret key. `timestamp` (seconds) defaults to now; an old one makes a replay. `rawBody` signs other bytes instead.
 */
export function topcvDelivery(
  secretKey: string,
  body: TopcvWebhookBody,
  options: { deliveryId?: string; timestamp?: number; rawBody?: string } = {},
): SignedDelivery {
  const text = options.rawBody ?? JSON.stringify(body);
  const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
  const signature = createHmac('sha256', secretKey).update(`${timestamp}.${text}`).digest('hex');
  return {
    headers: {
      'x-topcv-delivery': options.deliveryId ?? randomUUID(),
      'x-topcv-timestamp': timestamp,
      'x-topcv-signature': `sha256=${signature}`,
    },
    body: text,
  };
}
