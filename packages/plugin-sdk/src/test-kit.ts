// The conformance kit (`@multiposting/plugin-sdk/test-kit`): the checks every built-in board plugin passes,
// runnable with vitest against any plugin and its simulator. Call describeBoardPlugin() in a test file.
import { XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { BoardError } from './board-error.ts';
import { createPluginContext, type StructuredLogger } from './context.ts';
import { healthSchema } from './contract-health.ts';
import { credentialsSchema } from './credentials.ts';
import type { PluginState } from './extensions.ts';
import type { FeedItem } from './feeds.ts';
import { validatePlugin } from './manifest.ts';
import { generatedNames } from './naming.ts';
import type { Fault } from './simulator.ts';
import type { BoardPlugin, Credentials, PostingPayload } from './types.ts';
import { webhookResultSchema } from './webhook-events.ts';
import { WebhookError } from './webhooks.ts';

/** What the kit needs of a board simulator (`startSimulator` from the sandbox provides it). */
export interface KitSimulator {
  url: string;
  inject(fault: Fault, options?: { times?: number }): void;
  close(): Promise<void>;
}

export interface ConformanceOptions {
  plugin: BoardPlugin;
  /** Starts the plugin's simulator; called once. */
  startSimulator: () => Promise<KitSimulator>;
  /** The environment to test in (the plugin's first by default). */
  environment?: string;
  /** Credentials the simulator accepts, and credentials that are well-formed but that it refuses. */
  credentials: { valid: Credentials; refused: Credentials };
  /** A posting the board accepts, for plugins that publish (board fields as the core would pass them). */
  posting?: PostingPayload;
  /**
   * For plugins with webhooks: signs a delivery the way the board does, with these credentials and timestamp
   * (seconds since the epoch); `body` replaces the board's usual event body when given.
   */
  signWebhook?: (credentials: Credentials, options: { timestamp: number; body?: string }) => { headers: Record<string, string>; body: string };
}

const GRAPHQL_NAME = /^[_A-Za-z][_0-9A-Za-z]*$/;

/** A logger that keeps every line written to it, to look for secrets in. */
function captureLogs(): { log: StructuredLogger; lines: string[] } {
  const lines: string[] = [];
  const write = (level: string) => (fields: Record<string, unknown>, message: string) => {
    lines.push(JSON.stringify({ level, ...fields, msg: message }));
  };
  return { log: { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') }, lines };
}

/** Defines the conformance tests for one plugin. */
export function describeBoardPlugin(options: ConformanceOptions): void {
  const { plugin } = options;
  const environment = options.environment ?? plugin.environments[0]!;
  const secretValues = [options.credentials.valid, options.credentials.refused].flatMap((credentials) =>
    plugin.credentials.filter((field) => field.secret && credentials[field.key] !== undefined).map((field) => String(credentials[field.key])),
  );

  describe(`board plugin "${plugin.id}" conformance`, () => {
    let simulator: KitSimulator;
    const logs = captureLogs();
    const outputs: string[] = [];
    const contextWith = (credentials: Credentials, timeoutMs = 2000) =>
      createPluginContext({ plugin, environment, credentials, baseUrl: simulator.url, timeoutMs, log: logs.log });
    const verify = async (credentials: Credentials, timeoutMs?: number) => {
      try {
        const result = await plugin.verifyCredentials!(contextWith(credentials, timeoutMs));
        outputs.push(JSON.stringify(result));
        return result;
      } catch (error) {
        outputs.push(JSON.stringify({ message: (error as Error).message, ...(error as object) }));
        throw error;
      }
    };

    beforeAll(async () => {
      simulator = await options.startSimulator();
    });
    afterAll(() => simulator?.close());

    test('the manifest is valid and its sdkVersion accepts this SDK', () => {
      expect(() => validatePlugin(plugin, 'conformance kit')).not.toThrow();
    });

    test('its generated GraphQL names are valid and share its prefix', () => {
      const names = generatedNames(plugin.id);
      for (const name of Object.values(names)) expect(name).toMatch(GRAPHQL_NAME);
      expect(names.credentialsInput.startsWith(names.prefix)).toBe(true);
      for (const field of plugin.credentials) expect(field.key).toMatch(GRAPHQL_NAME);
    });

    test('the valid test credentials pass its credential schema; each missing required field is reported by key', () => {
      const schema = credentialsSchema(plugin);
      expect(schema.safeParse(options.credentials.valid).success).toBe(true);
      for (const field of plugin.credentials.filter((candidate) => candidate.required)) {
        const { [field.key]: _omitted, ...rest } = options.credentials.valid;
        const result = schema.safeParse(rest);
        expect(result.success).toBe(false);
        expect(result.error?.issues.map((issue) => issue.path.join('.'))).toContain(field.key);
      }
      expect(schema.safeParse({ ...options.credentials.valid, notAField: 'x' }).success).toBe(false);
    });

    describe.runIf(Boolean(plugin.verifyCredentials))('verifyCredentials', () => {
      test('accepts the credentials the board accepts', async () => {
        expect(await verify(options.credentials.valid)).toEqual({ ok: true });
      });

      test('refuses the credentials the board refuses, with a reason', async () => {
        let refused: { ok: boolean; reason?: string } | undefined;
        try {
          refused = await verify(options.credentials.refused);
        } catch (error) {
          expect(error).toBeInstanceOf(BoardError);
          expect((error as BoardError).retryable).toBe(false);
          refused = { ok: false, reason: (error as BoardError).userMessage };
        }
        expect(refused.ok).toBe(false);
        expect(refused.reason?.length).toBeGreaterThan(0);
      });

      test.each([
        ['a server error', { type: 'error', status: 503 } as Fault, 'UNAVAILABLE'],
        ['a rate limit', { type: 'rateLimit', retryAfterSeconds: 7 } as Fault, 'RATE_LIMITED'],
        ['a reset connection', { type: 'reset' } as Fault, 'NETWORK'],
        ['a malformed answer', { type: 'garbage' } as Fault, 'BAD_RESPONSE'],
      ])('maps %s to a retryable BoardError', async (_case, fault, code) => {
        simulator.inject(fault);
        const error = await verify(options.credentials.valid).then(
          () => undefined,
          (thrown: unknown) => thrown,
        );
        expect(error).toBeInstanceOf(BoardError);
        expect((error as BoardError).retryable).toBe(true);
        expect((error as BoardError).code).toBe(code);
        if (fault.type === 'rateLimit') expect((error as BoardError).retryAfterSeconds).toBe(7);
      });

      test('maps a board that does not answer to a retryable timeout', async () => {
        simulator.inject({ type: 'hang' });
        const error = await verify(options.credentials.valid, 300).then(
          () => undefined,
          (thrown: unknown) => thrown,
        );
        expect(error).toBeInstanceOf(BoardError);
        expect((error as BoardError)).toMatchObject({ code: 'TIMEOUT', retryable: true });
      });

      test('never puts a secret in a result, an error or a log line', () => {
        expect(outputs.length).toBeGreaterThan(0);
        const everything = [...outputs, ...logs.lines].join('\n');
        for (const secret of secretValues) expect(everything).not.toContain(secret);
      });
    });

    describe.runIf(plugin.capabilities.includes('publish'))('publish', () => {
      const context = () => contextWith(options.credentials.valid, 1000);
      const publish = (idempotencyKey: string) => plugin.publish!({ ...context(), posting: options.posting!, idempotencyKey });

      test('the kit was given a sample posting', () => {
        expect(options.posting, 'pass `posting` to describeBoardPlugin for a plugin that publishes').toBeDefined();
      });

      test('publishing twice with one idempotency key makes one posting', async () => {
        const key = `kit-${Date.now()}-a`;
        const first = await publish(key);
        const again = await publish(key);
        outputs.push(JSON.stringify(first), JSON.stringify(again));
        expect(first.externalId.length).toBeGreaterThan(0);
        expect(again.externalId).toBe(first.externalId);
      });

      test('an answer lost after the board acted: the retry with the same key finds the same posting', async () => {
        const key = `kit-${Date.now()}-b`;
        simulator.inject({ type: 'lost' });
        const lost = await plugin.publish!({ ...contextWith(options.credentials.valid, 300), posting: options.posting!, idempotencyKey: key }).then(
          () => undefined,
          (thrown: unknown) => thrown,
        );
        expect(lost).toMatchObject({ code: 'TIMEOUT', retryable: true });
        const retried = await publish(key);
        const other = await publish(`${key}-other`);
        expect(other.externalId).not.toBe(retried.externalId);
      });

      test.runIf(Boolean(plugin.fetchPosting))('reads back what it published, and null for a posting it does not know', async () => {
        const published = await publish(`kit-${Date.now()}-c`);
        const state = await plugin.fetchPosting!({ ...context(), externalId: published.externalId });
        expect(state?.status).toBe(published.status);
        expect(await plugin.fetchPosting!({ ...context(), externalId: 'kit-unknown-posting' })).toBeNull();
      });
    });

    describe.runIf(plugin.capabilities.includes('contractHealth'))('checkContract', () => {
      const check = () => plugin.checkContract!(contextWith(options.credentials.valid));

      test('reports a health the core can read', async () => {
        const health = await check();
        outputs.push(JSON.stringify(health));
        expect(healthSchema.safeParse(health).error?.issues ?? []).toEqual([]);
      });

      test('maps a server error to a retryable BoardError', async () => {
        simulator.inject({ type: 'error', status: 502 });
        await expect(check()).rejects.toMatchObject({ code: 'UNAVAILABLE', retryable: true });
      });
    });

    describe.runIf(plugin.capabilities.includes('webhooks'))('handleWebhook', () => {
      const now = () => Math.floor(Date.now() / 1000);
      const handle = (delivery: { headers: Record<string, string>; body: string }, credentials = options.credentials.valid) =>
        plugin.handleWebhook!({
          ...contextWith(credentials),
          request: { headers: Object.fromEntries(Object.entries(delivery.headers).map(([name, value]) => [name.toLowerCase(), value])), body: Buffer.from(delivery.body) },
        });
      const rejection = (delivery: { headers: Record<string, string>; body: string }, credentials = options.credentials.valid) =>
        handle(delivery, credentials).then(
          () => undefined,
          (thrown: unknown) => {
            outputs.push(JSON.stringify({ message: (thrown as Error).message }));
            return thrown;
          },
        );

      test('the kit was given a way to sign deliveries', () => {
        expect(options.signWebhook, 'pass `signWebhook` to describeBoardPlugin for a plugin with webhooks').toBeDefined();
      });

      test('a signed delivery gives a delivery id and events the core can read', async () => {
        const result = await handle(options.signWebhook!(options.credentials.valid, { timestamp: now() }));
        outputs.push(JSON.stringify(result));
        const parsed = webhookResultSchema.safeParse(result);
        expect(parsed.error?.issues ?? []).toEqual([]);
        expect(result.events.length).toBeGreaterThan(0);
      });

      test('a tampered body, or a signature made with another secret, is refused as a bad signature', async () => {
        const delivery = options.signWebhook!(options.credentials.valid, { timestamp: now() });
        expect(await rejection({ ...delivery, body: `${delivery.body} ` })).toMatchObject({ reason: 'signature' });
        const otherSecrets = Object.fromEntries(
          Object.entries(options.credentials.valid).map(([key, value]) => [key, plugin.credentials.find((field) => field.key === key)?.secret ? `${String(value)}-other` : value]),
        );
        expect(await rejection(delivery, otherSecrets)).toBeInstanceOf(WebhookError);
        expect(await rejection({ headers: {}, body: delivery.body })).toMatchObject({ reason: 'signature' });
      });

      test('a replay of an old delivery is refused', async () => {
        const old = options.signWebhook!(options.credentials.valid, { timestamp: now() - 3600 });
        expect(await rejection(old)).toMatchObject({ reason: 'stale' });
      });

      test('a signed body that is not one of the board\'s events is refused as malformed', async () => {
        expect(await rejection(options.signWebhook!(options.credentials.valid, { timestamp: now(), body: '{"not": "an event"' }))).toMatchObject({ reason: 'malformed' });
        expect(await rejection(options.signWebhook!(options.credentials.valid, { timestamp: now(), body: '{"type": "unheard.of"}' }))).toMatchObject({ reason: 'malformed' });
      });

      test('never puts a secret in an event or a refusal', () => {
        const everything = [...outputs, ...logs.lines].join('\n');
        for (const secret of secretValues) expect(everything).not.toContain(secret);
      });
    });

    describe.runIf(plugin.capabilities.includes('feed'))('feed', () => {
      const render = async (items: FeedItem[]) => {
        let text = '';
        const chunks = plugin.renderFeed!({
          ...contextWith(options.credentials.valid),
          items: (async function* () {
            yield* items;
          })(),
          state: emptyState,
          generatedAt: new Date('2026-01-02T03:04:05Z'),
        });
        let count = 0;
        for await (const chunk of chunks) {
          expect(typeof chunk).toBe('string');
          text += chunk;
          count += 1;
        }
        return { text, count };
      };

      test('an empty feed and a feed of hostile content are well-formed XML', async () => {
        expect(XMLValidator.validate((await render([])).text)).toBe(true);
        const hostile = '<script>alert(1)</script> & "quotes" \'apos\' ]]> \u0000\u0007 \u{1F600} <![CDATA[x]]>';
        const { text } = await render([feedItem(hostile, 1), feedItem('Ünïcödé — 職位', 2)]);
        expect(XMLValidator.validate(text)).toBe(true);
        expect(text).not.toContain('<script>');
      });

      test('it writes the feed in chunks as it reads the items, not as one string at the end', async () => {
        const items = Array.from({ length: 50 }, (_, index) => feedItem(`Vacancy ${index}`, index));
        expect((await render(items)).count).toBeGreaterThan(items.length / 2);
      });
    });
  });
}

const emptyState: PluginState = { get: async () => undefined, set: async () => {}, delete: async () => {}, list: async () => [] };

/** A publication as the core hands it to renderFeed, with `text` in every free-text field. */
function feedItem(text: string, index: number): FeedItem {
  const id = `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`;
  const date = new Date('2026-01-01T00:00:00Z');
  return {
    id,
    job: {
      id,
      title: text,
      description: `<p>${text}</p>`,
      location: { city: text, region: null, countryCode: 'NL', postalCode: '1011 AB' },
      employmentType: 'FULL_TIME',
      hoursPerWeek: 38,
      salary: { min: 3000, max: 4000, currency: 'EUR', period: 'MONTH' },
      category: text,
      applyUrl: null,
      createdAt: date,
      updatedAt: date,
    },
    boardFields: {},
    publishedAt: date,
    updatedAt: date,
    recruiter: { id, name: text, email: 'recruiter@example.org' },
    applicationPageUrl: `https://api.example.org/apply/${id}/${id}`,
  };
}
