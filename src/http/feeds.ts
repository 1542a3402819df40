import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { feedItems, feedValidators } from '../core/feeds/feed.ts';
import { openFeed, type FeedDeps } from '../core/feeds/open.ts';
import { pluginState } from '../core/plugins/state.ts';
import type { Logger } from '../logger.ts';

const ROUTE = /^\/feeds\/([a-z][a-z0-9-]{0,63})\/([^/]+)\.xml$/;

/** Characters gathered before a write (about 64 KB): a write per publication cost a system call each. */
const WRITE_SIZE = 64 * 1024;

/** The plugin's chunks joined into writes of about WRITE_SIZE characters. */
async function* coalesced(chunks: AsyncIterable<string>): AsyncIterable<string> {
  let pending: string[] = [];
  let size = 0;
  for await (const chunk of chunks) {
    pending.push(chunk);
    size += chunk.length;
    if (size >= WRITE_SIZE) {
      yield pending.join('');
      pending = [];
      size = 0;
    }
  }
  if (size > 0) yield pending.join('');
}

/** Whether a conditional request's validators still match what would be served. */
function notModified(request: IncomingMessage, etag: string, lastModified: Date): boolean {
  const ifNoneMatch = request.headers['if-none-match'];
  if (ifNoneMatch)
    return ifNoneMatch
      .split(',')
      .some((tag) => tag.trim().replace(/^W\//, '') === etag.replace(/^W\//, '') || tag.trim() === '*');
  const since = Date.parse(request.headers['if-modified-since'] ?? '');
  return Number.isFinite(since) && Math.floor(lastModified.getTime() / 1000) * 1000 <= since;
}

/**
 * `GET /feeds/:board/:token.xml`: the contract's publications as the board's plugin renders them, streamed in
 * batches (optionally gzip), with an entity tag and Last-Modified so the board can ask "anything new?" cheaply.
 * An unknown or rotated token is 404 and says nothing about why.
 */
export function feedRoute(deps: FeedDeps & { log: Logger }) {
  const log = deps.log.child({ component: 'feeds' });
  return async (request: IncomingMessage, response: ServerResponse): Promise<boolean> => {
    const path = (request.url ?? '').split('?')[0]!;
    if (!path.startsWith('/feeds/')) return false;
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response
        .writeHead(405, { allow: 'GET, HEAD', 'content-type': 'application/json' })
        .end(JSON.stringify({ error: 'method_not_allowed', message: 'Use GET.' }));
      return true;
    }
    const match = ROUTE.exec(path);
    const feed = match ? await openFeed(deps, match[1]!, decodeURIComponent(match[2]!)) : null;
    if (!feed) {
      response
        .writeHead(404, { 'content-type': 'application/json', 'cache-control': 'no-store' })
        .end(JSON.stringify({ error: 'not_found', message: 'No feed at this address.' }));
      return true;
    }
    const { etag, lastModified } = await feedValidators(deps.prisma, feed.scope, feed.contract);
    const headers: Record<string, string> = {
      etag: `W/"${etag}"`,
      'last-modified': lastModified.toUTCString(),
      'cache-control': 'private, no-cache',
      vary: 'Accept-Encoding',
      'x-content-type-options': 'nosniff',
    };
    if (notModified(request, `W/"${etag}"`, lastModified)) {
      response.writeHead(304, headers).end();
      return true;
    }
    const gzip = /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''));
    response.writeHead(200, {
      ...headers,
      'content-type': 'application/xml; charset=utf-8',
      ...(gzip ? { 'content-encoding': 'gzip' } : {}),
    });
    if (request.method === 'HEAD') {
      response.end();
      return true;
    }
    const chunks = feed.plugin.renderFeed({
      ...feed.context,
      items: feedItems(deps.prisma, feed.scope),
      state: pluginState(deps.prisma, feed.plugin.id, feed.contract.organizationId),
      generatedAt: new Date(),
    });
    const body = Readable.from(coalesced(chunks), { objectMode: false });
    try {
      await (gzip ? pipeline(body, createGzip(), response) : pipeline(body, response));
    } catch (error) {
      // The board hung up, or reading failed half-way: the response is cut short, so the board sees a broken feed
      // rather than a shorter valid one.
      log.warn(
        { board: feed.plugin.id, contract: feed.contract.id, err: (error as Error).message },
        'Feed interrupted',
      );
      response.destroy();
    }
    return true;
  };
}
