import type { IncomingMessage, ServerResponse } from 'node:http';
import { Counter, type Registry } from 'prom-client';
import { readBody } from './body.ts';
import type { Limit } from './rate-limits.ts';
import {
  InboxWriter,
  OUTCOME_STATUS,
  receiveWebhook,
  type ReceiveDeps,
  type ReceiveOutcome,
} from '../core/webhooks/receive.ts';

const ROUTE = /^\/webhooks\/([a-z][a-z0-9-]{0,63})\/([^/?]{1,100})\/?$/;

const MESSAGES: Record<ReceiveOutcome, string> = {
  accepted: 'Accepted.',
  duplicate: 'Already received.',
  unknown_board: 'No such board.',
  unknown_contract: 'No such contract for this board.',
  bad_signature: 'The signature does not verify.',
  stale: 'The delivery is too old (or from the future).',
  malformed: 'The delivery is malformed.',
  too_large: 'The delivery is too large.',
  failed: 'The delivery could not be read; try again later.',
};

/**
 * `POST /webhooks/:board/:contractId`: answers at once (202 stored, 200 duplicate, 4xx refused with nothing
 * stored); the inbox does the rest. Every delivery is counted by board and outcome and logged in one line: a refused
 * one as a warning, a stored one at debug level (the inbox row is its record; at a thousand a second, info lines cost
 * a tenth of the route's time).
 */
export function webhookRoute(
  deps: Omit<ReceiveDeps, 'inbox'> & {
    maxBytes: number;
    metrics: Registry;
    limit: Limit;
    addressOf: (request: IncomingMessage) => string;
  },
) {
  const counter = new Counter({
    name: 'webhook_inbox_received_total',
    help: 'Inbound board webhook deliveries by board and outcome.',
    labelNames: ['board', 'outcome'],
    registers: [deps.metrics],
  });
  const log = deps.log.child({ component: 'webhooks' });
  const receiving: ReceiveDeps = { ...deps, inbox: new InboxWriter(deps) };

  return async (request: IncomingMessage, response: ServerResponse): Promise<boolean> => {
    const path = (request.url ?? '').split('?')[0]!;
    if (!path.startsWith('/webhooks/')) return false;
    const match = ROUTE.exec(path);
    const answer = (outcome: ReceiveOutcome, boardLabel: string, detail?: string) => {
      counter.inc({ board: boardLabel, outcome });
      const status = OUTCOME_STATUS[outcome];
      log[status >= 500 ? 'error' : status >= 400 ? 'warn' : 'debug'](
        { board: boardLabel, contract: match?.[2], outcome, status, detail },
        'Webhook delivery',
      );
      const body =
        status < 300
          ? { ok: true, duplicate: outcome === 'duplicate' }
          : { error: outcome, message: MESSAGES[outcome] };
      if (!response.headersSent)
        response.writeHead(status, {
          'content-type': 'application/json',
          connection: status === 413 ? 'close' : 'keep-alive',
        });
      response.end(JSON.stringify(body));
    };
    // Only loaded boards become metric labels, so unknown paths cannot grow the metrics without bound.
    const boardLabel = match && deps.boards.get(match[1]!) ? match[1]! : 'unknown';
    if (request.method !== 'POST') {
      response
        .writeHead(405, { allow: 'POST', 'content-type': 'application/json' })
        .end(JSON.stringify({ error: 'method_not_allowed', message: 'Use POST.' }));
      return true;
    }
    if (!match) {
      answer('unknown_board', boardLabel);
      return true;
    }
    const verdict = await deps.limit.consume(deps.addressOf(request));
    if (!verdict.allowed) {
      counter.inc({ board: boardLabel, outcome: 'rate_limited' });
      response
        .writeHead(429, { 'content-type': 'application/json', 'retry-after': String(verdict.retryAfterSeconds) })
        .end(
          JSON.stringify({
            error: 'rate_limited',
            message: `Too many deliveries from this address; try again in ${verdict.retryAfterSeconds} s.`,
          }),
        );
      return true;
    }
    try {
      const body = await readBody(request, deps.maxBytes);
      if (body === null) {
        answer('too_large', boardLabel, `over ${deps.maxBytes} bytes`);
        return true;
      }
      const headers = Object.fromEntries(
        Object.entries(request.headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : value]),
      );
      const { outcome, detail } = await receiveWebhook(receiving, {
        boardId: match[1]!,
        contractId: match[2]!,
        headers,
        body,
      });
      answer(outcome, boardLabel, detail);
    } catch (error) {
      answer('failed', boardLabel, (error as Error).message);
    }
    return true;
  };
}
