import { createHmac } from 'node:crypto';
import {
  assertFreshTimestamp,
  definePlugin,
  hmacMatches,
  htmlToText,
  validatePlugin,
  WebhookError,
} from '@multiposting/plugin-sdk';
import { createPluginContext } from '@multiposting/plugin-sdk/host';
import { startSimulator } from '@multiposting/plugin-sdk/simulator';
import { describe, expect, test } from 'vitest';

const manifest = {
  id: 'acme-jobs',
  name: 'Acme Jobs',
  version: '0.1.0',
  sdkVersion: '^1.2.0',
  country: 'NL',
  description: 'A board.',
  instructions: 'Paste the key.',
  docsUrl: 'https://example.org/docs',
  environments: ['PRODUCTION'],
  capabilities: [],
} as const;

describe('the plugin SDK', () => {
  test('credentials are typed from their descriptors', () => {
    const plugin = definePlugin({
      ...manifest,
      credentials: [
        { key: 'apiKey', label: 'API key', type: 'string', required: true, secret: true },
        { key: 'tier', label: 'Tier', type: 'enum', options: ['GOLD', 'SILVER'], required: false, secret: false },
        { key: 'seats', label: 'Seats', type: 'number', required: true, secret: false },
      ],
      async verifyCredentials({ credentials }) {
        const key: string = credentials.apiKey;
        const tier: 'GOLD' | 'SILVER' | undefined = credentials.tier;
        const seats: number = credentials.seats;
        // @ts-expect-error: no such credential
        void credentials.apiKee;
        return key.length > 0 && seats > 0 && tier !== undefined ? { ok: true } : { ok: false, reason: 'no' };
      },
    });
    expect(validatePlugin(plugin, 'test').id).toBe('acme-jobs');
  });

  test('an auth declaration puts its header on every request to the board, and on no other host', async () => {
    const board = await startSimulator({ 'GET /v1/me': () => ({ json: { ok: true } }) });
    const elsewhere = await startSimulator({ 'GET /file': () => ({ text: 'x' }) });
    try {
      for (const [auth, header] of [
        [{ type: 'bearer', credential: 'apiKey' }, 'Bearer k-123'],
        [{ type: 'header', name: 'X-Api-Key', credential: 'apiKey' }, 'k-123'],
        [
          { type: 'basic', username: 'user', password: 'apiKey' },
          `Basic ${Buffer.from('me:k-123').toString('base64')}`,
        ],
      ] as const) {
        const plugin = { name: 'Acme Jobs', auth };
        const context = createPluginContext({
          plugin,
          environment: 'PRODUCTION',
          credentials: { apiKey: 'k-123', user: 'me' },
          baseUrl: board.url,
          timeoutMs: 2000,
          log: console as never,
        });
        await context.http.request({ url: '/v1/me' });
        await context.http.request({ url: `${elsewhere.url}/file` });
        const sent = board.calls.at(-1)!.headers;
        expect(auth.type === 'header' ? sent['x-api-key'] : sent.authorization).toBe(header);
        expect(JSON.stringify(elsewhere.calls.at(-1)!.headers)).not.toContain('k-123');
      }
      expect(() =>
        validatePlugin(
          definePlugin({ ...manifest, credentials: [], auth: { type: 'bearer', credential: 'token' } }),
          'test',
        ),
      ).toThrow(/auth\.credential: "token" is not one of the plugin's credential keys/);
    } finally {
      await board.close();
      await elsewhere.close();
    }
  });

  test('HMAC signatures in hex or base64, with a prefix, compare in constant time and refuse anything else', () => {
    const payload = '1700000000.{"event":"x"}';
    const digest = createHmac('sha256', 'secret').update(payload).digest();
    expect(hmacMatches({ secret: 'secret', payload, signature: digest.toString('hex') })).toBe(true);
    expect(
      hmacMatches({
        secret: 'secret',
        payload,
        signature: `sha256=${digest.toString('base64')}`,
        encoding: 'base64',
        prefix: 'sha256=',
      }),
    ).toBe(true);
    expect(
      hmacMatches({
        secret: 'secret',
        payload,
        signature: digest.toString('base64'),
        encoding: 'base64',
        prefix: 'sha256=',
      }),
    ).toBe(false);
    expect(hmacMatches({ secret: 'other', payload, signature: digest.toString('hex') })).toBe(false);
    expect(hmacMatches({ secret: 'secret', payload, signature: digest.toString('hex').slice(2) })).toBe(false);
    expect(hmacMatches({ secret: 'secret', payload, signature: 'not hex at all' })).toBe(false);
    expect(hmacMatches({ secret: 'secret', payload, signature: undefined })).toBe(false);
  });

  test('timestamps are read in seconds, milliseconds or ISO 8601, and an old or missing one is refused', () => {
    const now = new Date('2026-11-26T12:00:00Z');
    for (const fresh of ['1795694400', '1795694400000', '2026-11-26T11:58:00Z', '2026-11-26T13:58:00+02:00'])
      expect(() => assertFreshTimestamp(fresh, now)).not.toThrow();
    expect(() => assertFreshTimestamp('2026-11-26T11:00:00Z', now)).toThrow(
      expect.objectContaining({ reason: 'stale' }),
    );
    expect(() => assertFreshTimestamp('yesterday', now)).toThrow(WebhookError);
    expect(() => assertFreshTimestamp(undefined, now)).toThrow(expect.objectContaining({ reason: 'signature' }));
  });

  test('htmlToText: paragraphs and list items become lines, entities characters, blank runs one space', () => {
    const html =
      '<p>Wij  zoeken\teen&nbsp;collega &amp; meer.</p><ul><li>Rijbewijs&#32;B</li><li> 38 uur </li></ul>x<br>y';
    expect(htmlToText(html)).toBe('Wij zoeken een collega & meer.\n- Rijbewijs B\n- 38 uur\nx\ny');
    expect(htmlToText('<p>one space stays one</p>')).toBe('one space stays one');
  });
});
