import { Writable } from 'node:stream';
import { expect, test } from 'vitest';
import { createLogger } from '../../src/logger.ts';

test('credential-like fields are redacted from log lines at any usual depth', () => {
  const lines: string[] = [];
  const log = createLogger(
    { log: { level: 'trace', pretty: false } },
    new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    }),
  );
  log.info({
    req: { headers: { authorization: 'Bearer secret-1', accept: 'json' } },
    password: 'secret-2',
    contract: { credentials: { apiKey: 'secret-3' }, apiKey: 'secret-4' },
    board: { client: { clientSecret: 'secret-5' } },
    connectionParams: { token: 'secret-6' },
  });
  const line = lines.join('');
  expect(line).toContain('"accept":"json"');
  expect(line).toContain('[redacted]');
  expect(line).not.toMatch(/secret-\d/);
});
