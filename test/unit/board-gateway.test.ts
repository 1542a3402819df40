import { BoardError, WebhookError } from '@multiposting/plugin-sdk';
import pino from 'pino';
import { Registry } from 'prom-client';
import { expect, test } from 'vitest';
import { z } from 'zod';
import fjordJobs from '../../examples/fjord-jobs/plugin.ts';
import { BoardRegistry } from '../../src/core/boards.ts';
import { BoardUnavailableError } from '../../src/core/errors.ts';

const SECRET = 'fj-live-very-secret-key';
const target = { environment: 'SANDBOX', credentials: { employerNumber: '123456', apiKey: SECRET } };

function gateway(timeoutMs = 1000) {
  const lines: string[] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => lines.push(line) });
  const metrics = new Registry();
  const boards = new BoardRegistry([fjordJobs], { baseUrls: {}, timeoutMs, log, metrics });
  return { boards, lines, metrics };
}

const failureOf = (work: Promise<unknown>) =>
  work.then(
    () => {
      throw new Error('the call did not fail');
    },
    (error: unknown) => error,
  );

test("a BoardError becomes the API's BoardUnavailableError: code, retry, wait and fields kept, secrets removed", async () => {
  const { boards } = gateway();
  const error = await failureOf(
    boards.call(fjordJobs, 'publish', target, () => {
      throw new BoardError({
        code: 'VALIDATION',
        retryable: false,
        userMessage: `Refused for key ${SECRET}.`,
        fields: [{ path: ['municipality'], message: `Unknown for ${SECRET}` }],
      });
    }),
  );
  expect(error).toBeInstanceOf(BoardUnavailableError);
  expect(error).toMatchObject({
    code: 'VALIDATION',
    retryable: false,
    message: expect.not.stringContaining(SECRET),
    fields: [{ path: ['municipality'], message: expect.not.stringContaining(SECRET) }],
  });
  const limited = await failureOf(
    boards.call(fjordJobs, 'withdraw', target, () => {
      throw new BoardError({ code: 'RATE_LIMITED', retryable: true, userMessage: 'Slow down.', retryAfterSeconds: 9 });
    }),
  );
  expect(limited).toMatchObject({ code: 'RATE_LIMITED', retryable: true, retryAfterSeconds: 9 });
});

test('anything else a plugin throws is a PLUGIN_FAILED that is not retried, logged once with its stack redacted', async () => {
  const { boards, lines } = gateway();
  const error = await failureOf(
    boards.call(fjordJobs, 'update', target, () => {
      throw new TypeError(`cannot read properties of undefined (key ${SECRET})`);
    }),
  );
  expect(error).toMatchObject({
    code: 'PLUGIN_FAILED',
    retryable: false,
    message: 'The Fjord Jobs plugin failed unexpectedly.',
  });
  const logged = lines.filter((line) => line.includes('Board plugin failed unexpectedly'));
  expect(logged).toHaveLength(1);
  expect(logged[0]).toContain('TypeError');
  expect(logged[0]).not.toContain(SECRET);

  const unreadable = await failureOf(boards.call(fjordJobs, 'checkContract', target, () => z.number().parse('x')));
  expect(unreadable).toMatchObject({
    code: 'PLUGIN_FAILED',
    message: 'The Fjord Jobs plugin gave an answer the API cannot read.',
  });
});

test('a call that outlasts its deadline is a retryable TIMEOUT, and its signal is aborted', async () => {
  const { boards } = gateway(50);
  let aborted = false;
  const error = await failureOf(
    boards.call(
      fjordJobs,
      'fetchPosting',
      target,
      (context) =>
        new Promise(() => {
          context.signal.addEventListener('abort', () => {
            aborted = true;
          });
        }),
    ),
  );
  expect(error).toMatchObject({ code: 'TIMEOUT', retryable: true });
  expect(aborted).toBe(true);
});

test("the plugin's refusal of a webhook passes through as it is; an error already translated is not translated again", async () => {
  const { boards } = gateway();
  const refusal = new WebhookError('signature', 'Bad signature.');
  expect(await failureOf(boards.call(fjordJobs, 'handleWebhook', target, () => Promise.reject(refusal)))).toBe(refusal);
  const inner = new BoardUnavailableError('Fjord Jobs cannot publish.', false);
  expect(await failureOf(boards.call(fjordJobs, 'publish', target, () => Promise.reject(inner)))).toBe(inner);
});

test('every call is counted by board, operation and outcome', async () => {
  const { boards, metrics } = gateway();
  await boards.call(fjordJobs, 'publish', target, () => ({ externalId: 'fj-1' }));
  await failureOf(
    boards.call(fjordJobs, 'publish', target, () => {
      throw new BoardError({ code: 'UNAVAILABLE', retryable: true, userMessage: 'Down.' });
    }),
  );
  const text = await metrics.metrics();
  expect(text).toContain('board_calls_total{board="fjord-jobs",operation="publish",outcome="ok"} 1');
  expect(text).toContain('board_calls_total{board="fjord-jobs",operation="publish",outcome="unavailable"} 1');
  expect(text).toContain('board_call_duration_seconds_count{board="fjord-jobs",operation="publish"} 2');
});
