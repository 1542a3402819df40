import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * `/ready`: 200 once the database answers with every migration applied, 503 until then (and while it does not
 * answer). Routed before GraphQL: Yoga's readiness plugin matched a URL pattern against every request to find it.
 */
export function readinessRoute(isReady: () => Promise<boolean>) {
  return async (request: IncomingMessage, response: ServerResponse): Promise<boolean> => {
    const url = request.url ?? '';
    if (url !== '/ready' && !url.startsWith('/ready?')) return false;
    response.writeHead((await isReady()) ? 200 : 503, { 'cache-control': 'no-store' }).end();
    return true;
  };
}
