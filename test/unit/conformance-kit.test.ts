import { createHmac, randomUUID } from 'node:crypto';
import { BoardError, type BoardPlugin, type PluginContext, type WebhookResult } from '@multiposting/plugin-sdk';
import { checkBoardPlugin } from '@multiposting/plugin-sdk/conformance';
import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import fjord from '../../examples/fjord-jobs/plugin.ts';
import { fjordKitOptions } from '../../examples/fjord-jobs/kit-options.ts';

/**
 * The kit's own proof: deliberately broken copies of a real plugin (the Fjord Jobs example), one per fault a plugin
 * author has been seen to make, each of which must fail the check named for it, while the plugin itself passes.
 */

/** Re-throws a BoardError changed by `change`, when `when` says so. */
const rethrowing =
  <Args extends unknown[], T>(
    work: (...args: Args) => Promise<T>,
    when: (error: BoardError) => boolean,
    change: (error: BoardError) => BoardError,
  ) =>
  async (...args: Args): Promise<T> => {
    try {
      return await work(...args);
    } catch (error) {
      if (error instanceof BoardError && when(error)) throw change(error);
      throw error;
    }
  };
const copy = (
  error: BoardError,
  changes: Partial<{
    code: BoardError['code'];
    retryable: boolean;
    userMessage: string;
    retryAfterSeconds: number | undefined;
  }>,
) => {
  const { code, retryable, userMessage, retryAfterSeconds, status } = {
    ...error,
    userMessage: error.userMessage,
    ...changes,
  };
  return new BoardError({
    code,
    retryable,
    userMessage,
    ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
    ...(status === undefined ? {} : { status }),
  });
};
const mapEvents =
  (plugin: BoardPlugin, change: (result: WebhookResult) => WebhookResult): BoardPlugin['handleWebhook'] =>
  async (context) =>
    change(await plugin.handleWebhook!(context));
const withQueryKey = (context: PluginContext): PluginContext => ({
  ...context,
  http: {
    request: (request) =>
      context.http.request({ ...request, url: `${request.url}?key=${String(context.credentials.apiKey)}` }),
  },
});

/** Each broken copy, and the check that must catch it (a part of its name). */
const BROKEN: [string, BoardPlugin, string][] = [
  [
    'update sends a fresh idempotency key of its own',
    { ...fjord, update: (context) => fjord.update!({ ...context, idempotencyKey: randomUUID() }) },
    'update › sends the idempotency key',
  ],
  [
    'publish sends a fresh idempotency key of its own',
    { ...fjord, publish: (context) => fjord.publish!({ ...context, idempotencyKey: randomUUID() }) },
    'publish › twice with one idempotency key',
  ],
  [
    'a secret in a publish error',
    {
      ...fjord,
      publish: (context) =>
        rethrowing(
          fjord.publish!,
          () => true,
          (error) => copy(error, { userMessage: `${error.userMessage} (key ${String(context.credentials.apiKey)})` }),
        )(context),
    },
    'secrets › no secret',
  ],
  [
    "a secret in fetchPosting's URL",
    { ...fjord, fetchPosting: (context) => fjord.fetchPosting!(withQueryKey(context) as typeof context) },
    'requests › no secret travels in a URL',
  ],
  [
    'a console.log of the token',
    {
      ...fjord,
      verifyCredentials: async (context) => {
        console.log('verifying with', context.credentials.apiKey);
        return fjord.verifyCredentials!(context);
      },
    },
    'secrets › no secret',
  ],
  [
    'a review verdict inverted',
    {
      ...fjord,
      handleWebhook: mapEvents(fjord, (result) => ({
        ...result,
        events: result.events.map((event) =>
          event.type === 'posting.reviewed' ? { ...event, approved: !event.approved } : event,
        ),
      })),
    },
    'webhooks › each sample gives the events it means',
  ],
  [
    "the board's ad id used as the delivery id",
    {
      ...fjord,
      handleWebhook: mapEvents(fjord, (result) => ({
        ...result,
        deliveryId: result.events
          .map((event) => ('externalId' in event ? event.externalId : event.externalPostingId))
          .join(),
      })),
    },
    'webhooks › distinct deliveries have distinct delivery ids',
  ],
  [
    'withdraw fails on a posting the board no longer has (404)',
    {
      ...fjord,
      withdraw: async (context) => {
        if ((await fjord.fetchPosting!(context)) === null)
          throw new BoardError({
            code: 'NOT_FOUND',
            retryable: false,
            userMessage: 'Fjord Jobs does not know this job.',
          });
        return fjord.withdraw!(context);
      },
    },
    'withdraw › is safe to repeat',
  ],
  [
    'a 5xx on publish classed as not retryable',
    {
      ...fjord,
      publish: rethrowing(
        fjord.publish!,
        (error) => error.code === 'UNAVAILABLE',
        (error) => copy(error, { retryable: false }),
      ),
    },
    'faults › publish: a server error (503)',
  ],
  [
    'a timeout on update classed as not retryable',
    {
      ...fjord,
      update: rethrowing(
        fjord.update!,
        (error) => error.code === 'TIMEOUT',
        (error) => copy(error, { retryable: false }),
      ),
    },
    'faults › update: no answer',
  ],
  [
    'a 400 on publish classed as retryable',
    {
      ...fjord,
      publish: rethrowing(
        fjord.publish!,
        (error) => error.code === 'VALIDATION',
        (error) => copy(error, { retryable: true }),
      ),
    },
    'faults › publish: a 400 refusal',
  ],
  [
    "the board's Retry-After dropped on withdraw",
    {
      ...fjord,
      withdraw: rethrowing(
        fjord.withdraw!,
        (error) => error.code === 'RATE_LIMITED',
        (error) => copy(error, { retryAfterSeconds: undefined }),
      ),
    },
    'faults › withdraw: a rate limit',
  ],
  [
    "a rule of postingFields removed (the municipality's length)",
    {
      ...fjord,
      postingFields: z.object({
        sector: z.enum(['FISHERIES', 'ENERGY', 'TOURISM', 'PUBLIC']),
        remote: z.boolean().default(false),
        municipality: z.string(),
      }),
    },
    'posting fields › the board fields the board would refuse are refused',
  ],
  [
    "the candidate's e-mail mapped as the name, and the CV dropped",
    {
      ...fjord,
      handleWebhook: mapEvents(fjord, (result) => ({
        ...result,
        events: result.events.map((event) => {
          if (event.type !== 'candidate.applied') return event;
          const { document: _dropped, ...rest } = event;
          return { ...rest, candidate: { ...event.candidate, name: event.candidate.email ?? event.candidate.name } };
        }),
      })),
    },
    'webhooks › each sample gives the events it means',
  ],
  [
    'fetchPosting finds postings the board does not have',
    { ...fjord, fetchPosting: async (context) => (await fjord.fetchPosting!(context)) ?? { status: 'PUBLISHED' } },
    "linkExisting › another customer's posting is not found",
  ],
  [
    'webhook signatures not checked',
    {
      ...fjord,
      // Signs whatever arrives with the right key before reading it: the same as checking nothing.
      handleWebhook: (context) => {
        const t =
          /t=(\d+)/.exec(context.request.headers['fjord-signature'] ?? '')?.[1] ??
          String(Math.floor(Date.now() / 1000));
        const v1 = createHmac('sha256', String(context.credentials.apiKey))
          .update(`${t}.${context.request.body.toString('utf8')}`)
          .digest('hex');
        const headers = { ...context.request.headers, 'fjord-signature': `t=${t},v1=${v1}` };
        return fjord.handleWebhook!({ ...context, request: { ...context.request, headers } });
      },
    },
    'webhooks › a tampered body',
  ],
];

describe('the conformance kit', () => {
  test('passes the unbroken plugin', async () => {
    const failed = (await checkBoardPlugin(fjordKitOptions(fjord))).filter((outcome) => outcome.status === 'failed');
    expect(failed).toEqual([]);
  }, 60_000);

  test.each(BROKEN)(
    'catches a copy in which %s',
    async (_fault, broken, check) => {
      const outcomes = await checkBoardPlugin(fjordKitOptions(broken));
      const caught = outcomes.filter((outcome) => outcome.status === 'failed').map((outcome) => outcome.name);
      expect(
        caught.some((name) => name.includes(check)),
        `expected "${check}" among the failed checks: ${JSON.stringify(caught)}`,
      ).toBe(true);
    },
    60_000,
  );
});
