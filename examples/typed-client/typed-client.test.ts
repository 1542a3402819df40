import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from 'vitest';
import { LE_FOREM_PARTNERS, startLeForemSimulator } from '../../src/plugins/le-forem/simulator.ts';
import { runScript } from '../../test/support/process.ts';

test("the example connects a contract, publishes a job and hears Le Forem's review, against the server as npm start runs it", async () => {
  const leForem = await startLeForemSimulator({ environment: 'ACCEPTANCE', auditDelayMs: 300 });
  const dataDir = await mkdtemp(path.join(tmpdir(), 'mp-example-'));
  const server = runScript('src/server.ts', {
    DATA_DIR: dataDir,
    PORT: '0',
    HOST: '127.0.0.1',
    BOARD_BASE_URLS: `le-forem:ACCEPTANCE=${leForem.url}`,
    STATUS_POLL_BASE_MS: '200',
    WORKER_POLL_MS: '100',
  });
  try {
    const [, token] = await server.waitFor(/admin token, shown this once, is (\S+)/, 60_000);
    const [, url] = await server.waitFor(/Listening on (http:\/\/\S+) /);
    const [partnerCode, apiKey] = Object.entries(LE_FOREM_PARTNERS)[0]!;
    const example = runScript('examples/typed-client/publish-and-wait.ts', {
      API_URL: url!,
      API_TOKEN: token!,
      LE_FOREM_PARTNER_CODE: partnerCode,
      LE_FOREM_API_KEY: apiKey,
    });
    const { code } = await example.exited;
    expect(example.output()).toMatch(/contract \S+: ACTIVE/);
    expect(example.output()).toMatch(/approved: the posting is PUBLISHED \(Le Forem id \S+\)/);
    expect(code).toBe(0);
  } finally {
    server.child.kill('SIGTERM');
    await server.exited;
    await leForem.close();
  }
}, 90_000);
