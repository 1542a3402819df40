import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import type { Services } from '../core/services.ts';

const ROUTE = /^\/documents\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

/**
 * `GET /documents/:id?expires&key&signature`: a candidate's document through the signed, expiring link the API
 * gives the organisation's users. A wrong, expired or tampered link is 403 and tells nothing about the document.
 */
export function documentRoute(deps: Pick<Services, 'prisma' | 'documents' | 'log'>) {
  return async (request: IncomingMessage, response: ServerResponse): Promise<boolean> => {
    if (!request.url?.startsWith('/documents/')) return false;
    const url = new URL(request.url, 'http://server');
    const json = (status: number, error: string, message: string) =>
      response
        .writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' })
        .end(JSON.stringify({ error, message }));
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' }).end();
      return true;
    }
    const match = ROUTE.exec(url.pathname);
    if (!match || !deps.documents.links.verify(match[1]!.toLowerCase(), url.searchParams)) {
      json(403, 'forbidden', 'This link is invalid or has expired; ask the API for a new one.');
      return true;
    }
    const document = await deps.prisma.document.findUnique({ where: { id: match[1]!.toLowerCase() } });
    const stream = document ? await deps.documents.storage.get(document.storageKey) : null;
    if (!document || !stream) {
      json(404, 'not_found', 'The document no longer exists.');
      return true;
    }
    response.writeHead(200, {
      'content-type': document.contentType,
      'content-length': String(document.size),
      'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(document.fileName)}`,
      'cache-control': 'private, no-store',
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'; sandbox",
    });
    if (request.method === 'HEAD') {
      stream.destroy();
      response.end();
      return true;
    }
    try {
      await pipeline(stream, response);
    } catch (error) {
      deps.log.warn({ document: document.id, err: (error as Error).message }, 'Document download interrupted');
    }
    return true;
  };
}
