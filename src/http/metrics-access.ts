import { timingSafeEqual } from 'node:crypto';
import type { Plugin } from 'graphql-yoga';

const same = (given: string, expected: string) =>
  given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected));

/**
 * Guards /metrics: with METRICS_TOKEN, only its bearer reads it (401 otherwise); in production without one, it is
 * not served (404); elsewhere it is open. The metrics name no tenant, but they tell how the service is used.
 */
export function useMetricsAccess(token: string | null | undefined): Plugin {
  return {
    onRequest({ url, request, endResponse, fetchAPI }) {
      if (url.pathname !== '/metrics' || token === undefined) return;
      if (token === null) {
        endResponse(new fetchAPI.Response('Not found', { status: 404 }));
        return;
      }
      const given = request.headers.get('authorization')?.replace(/^Bearer /, '') ?? '';
      if (!same(given, token))
        endResponse(
          new fetchAPI.Response('A metrics token is required.', {
            status: 401,
            headers: { 'www-authenticate': 'Bearer' },
          }),
        );
    },
  };
}
