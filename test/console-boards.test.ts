import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  LE_FOREM_PARTNERS,
  LE_FOREM_PRODUCTION_PARTNERS,
  startLeForemSimulator,
} from '../src/plugins/le-forem/simulator.ts';
import { FRANCE_TRAVAIL_CLIENTS, startFranceTravailSimulator } from '../src/plugins/france-travail/simulator.ts';
import { openBrowser, signIn } from './support/browser.ts';
import { startTestServer, TEST_DB, type TestServer, stopAll } from './support/server.ts';

/**
 * Le Forem's and France Travail's pages done in the console, in headless Chromium, against the real server and
 * the boards' simulators (test/console.test.ts does TopCV's and InGoedeBanen's).
 */
describe.runIf(TEST_DB === 'pglite')("the console with Le Forem's and France Travail's flows", () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  const simulators: { close(): Promise<void> }[] = [];

  beforeAll(async () => {
    const [acceptance, production, franceTravail] = await Promise.all([
      startLeForemSimulator({ environment: 'ACCEPTANCE', auditDelayMs: 300 }),
      startLeForemSimulator({ environment: 'PRODUCTION' }),
      startFranceTravailSimulator({ moderationDelayMs: 300, accessDecisionDelayMs: 300 }),
    ]);
    simulators.push(acceptance, production, franceTravail);
    server = await startTestServer({
      env: {
        BOARD_BASE_URLS: [
          `le-forem:ACCEPTANCE=${acceptance.url}`,
          `le-forem:PRODUCTION=${production.url}`,
          `france-travail=${franceTravail.url}`,
        ].join(','),
        WORKER_POLL_MS: '50',
        STATUS_POLL_BASE_MS: '200',
      },
    });
    ({ browser, page } = await openBrowser());
    await signIn(page, server.url, await server.tokenFor('console-boards'));
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await stopAll(server, ...simulators);
  });

  /** Picks a board's entry in the board picker. */
  async function pick(search: string, board: string, environment: string) {
    await page.fill('#board-search', search);
    await page.click(`#board-results button[data-board="${board}"][data-environment="${environment}"]`);
  }

  /** Fills the publish form with a job and the chosen contract's board fields, and sends it. */
  async function publish(
    job: { title: string; description: string; city: string; country: string },
    fields: Record<string, string>,
  ) {
    await page.fill('[data-path="input.title"]', job.title);
    await page.fill('[data-path="input.description"]', job.description);
    await page.fill('[data-path="input.location.city"]', job.city);
    await page.fill('[data-path="input.location.countryCode"]', job.country);
    for (const [path, value] of Object.entries(fields)) {
      const selector = `#publish [data-path="boardFields.${path}"]`;
      if ((await page.$eval(selector, (element) => element.tagName)) === 'SELECT')
        await page.selectOption(selector, value);
      else await page.fill(selector, value);
    }
    await page.click('#publish button[type=submit]');
  }

  const posting = (title: string) => page.locator('#postings > li', { hasText: title }).first();

  test('Le Forem: production waits for an approved posting on acceptance; the confidentiality agreement is confirmed; then production connects', async () => {
    const credentials = async (apiKey: string, confirmed: boolean) => {
      await page.fill('[data-path="input.credentials.partnerCode"]', 'ACME01');
      await page.fill('[data-path="input.credentials.apiKey"]', apiKey);
      await page.setChecked('[data-path="input.confidentialityAgreementSigned"]', confirmed);
      await page.click('#connect button[type=submit]');
    };
    await pick('forem', 'le-forem', 'PRODUCTION');
    await credentials(LE_FOREM_PRODUCTION_PARTNERS.ACME01!, true);
    await page.waitForSelector('#connect [data-error="input"]:not(:empty)');
    expect(await page.textContent('#connect [data-error="input"]')).toContain(
      'Le Forem opens PRODUCTION once it has approved one of your postings on ACCEPTANCE',
    );

    await pick('forem', 'le-forem', 'ACCEPTANCE');
    await credentials(LE_FOREM_PARTNERS.ACME01!, false);
    await page.waitForSelector('#connect [data-error="input.confidentialityAgreementSigned"]:not(:empty)');
    await credentials(LE_FOREM_PARTNERS.ACME01!, true);
    await page.waitForSelector('#contracts tbody tr >> text=ACTIVE');
    expect(await page.getAttribute('#contracts tbody tr .next-action', 'data-code')).toBe('PASS_ACCEPTANCE');

    await publish(
      {
        title: 'Magasinier (h/f/x)',
        description:
          '<p>Réception, contrôle et rangement des marchandises dans notre entrepôt; préparation des commandes, inventaires et chargement des camions.</p>',
        city: 'Liège',
        country: 'BE',
      },
      {
        romeCode: 'N1103',
        industryCode: '99999',
        postalCode: '4000',
        employerName: 'Entrepôts Mosans',
        contactName: 'Claire Dupont',
        contactEmail: 'rh@entrepots-mosans.example',
      },
    );
    // Le Forem's code list refuses the industry code: the message is under its field, nothing is published.
    await page.waitForSelector('#publish [data-error="boardFields.industryCode"]:not(:empty)');
    await page.fill('#publish [data-path="boardFields.industryCode"]', '52100');
    await page.click('#publish button[type=submit]');
    await posting('Magasinier (h/f/x)').locator('.status', { hasText: 'PUBLISHED' }).waitFor({ timeout: 30_000 });
    await page.waitForSelector('#notifications li[data-kind="approved"]');
    await page.waitForSelector('#contracts tbody tr .next-action[data-code="NOTHING"]', { timeout: 20_000 });

    await pick('forem', 'le-forem', 'PRODUCTION');
    await credentials(LE_FOREM_PRODUCTION_PARTNERS.ACME01!, true);
    await page.waitForFunction(
      () =>
        [...document.querySelectorAll('#contracts tbody tr')].filter((row) => row.textContent?.includes('ACTIVE'))
          .length === 2,
      undefined,
      { timeout: 20_000 },
    );
    expect(await page.textContent('#contracts tbody')).toContain('PRODUCTION');
  }, 90_000);

  test("France Travail: sandbox access asked and granted on the page, then the sandbox connects; its ROME code list refuses on the field; moderation's verdict arrives live", async () => {
    const clientId = 'PAR_initech_3c4d5e6f';
    const client = FRANCE_TRAVAIL_CLIENTS[clientId]!;
    await pick('france', 'france-travail', 'SANDBOX');
    const access = page.locator('#board-extra form.sandbox-access');
    await access.locator('[data-path="input.clientId"]').fill(clientId);
    await access.locator('[data-path="input.siret"]').fill('73282932000075');
    await access.locator('[data-path="input.companyName"]').fill('Initech Lyon');
    await access.locator('[data-path="input.contactEmail"]').fill('rh@initech.example');
    await access.locator('[data-path="input.openPositionsPerYear"]').fill('12');
    await access.locator('button[type=submit]').click();
    await access.locator('[data-error="input.siret"]:not(:empty)').waitFor();
    await access.locator('[data-path="input.siret"]').fill('73282932000074');
    await access.locator('button[type=submit]').click();
    await page.waitForSelector('#board-extra li[data-status="GRANTED"]', { timeout: 20_000 });

    await page.fill('[data-path="input.credentials.clientId"]', clientId);
    await page.fill('[data-path="input.credentials.partyId"]', client.partyId);
    await page.fill('[data-path="input.credentials.key"]', client.key);
    await page.click('#connect button[type=submit]');
    await page.waitForSelector('#contracts tbody tr >> text=France Travail');
    const row = page.locator('#contracts tbody tr', { hasText: 'France Travail' });
    await row.locator('.status', { hasText: 'ACTIVE' }).waitFor({ timeout: 20_000 });

    await page.selectOption('[data-path="contractId"]', { label: 'France Travail (SANDBOX)' });
    await publish(
      {
        title: 'Comptable (H/F)',
        description:
          '<p>Tenue de la comptabilité générale, déclarations fiscales et sociales, clôtures mensuelles et annuelles.</p>',
        city: 'Lyon',
        country: 'FR',
      },
      { romeCode: 'Z9999' },
    );
    await page.waitForSelector('#publish [data-error="boardFields.romeCode"]:not(:empty)');
    await page.fill('#publish [data-path="boardFields.romeCode"]', 'M1203');
    await page.click('#publish button[type=submit]');
    await posting('Comptable (H/F)').locator('.status', { hasText: 'PUBLISHED' }).waitFor({ timeout: 30_000 });
    expect(await posting('Comptable (H/F)').locator('.timeline').textContent()).toMatch(/PENDING_REVIEW → .*PUBLISHED/);
  }, 90_000);
});
