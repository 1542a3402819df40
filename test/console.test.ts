import { mkdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTopcvSimulator, topcvDelivery, TOPCV_EMPLOYERS, vietnamTime } from '../src/plugins/topcv/simulator.ts';
import { sendWebhook } from '@multiposting/plugin-sdk/simulator';
import { openBrowser } from './support/browser.ts';
import { eventually, startTestServer, TEST_DB, type TestServer } from './support/server.ts';

/**
 * The console in a real browser (headless Chromium, test/support/browser.ts) against the real server and the TopCV
 * simulator. CONSOLE_SCREENSHOTS=docs/console writes the screenshots kept in the docs.
 */

const SCREENSHOTS = process.env.CONSOLE_SCREENSHOTS;
const [employerKey, employer] = Object.entries(TOPCV_EMPLOYERS)[0]!;

// One browser run is enough: the console speaks only GraphQL, which the other suites cover on both databases.
describe.runIf(TEST_DB === 'pglite')('the console', () => {
  let topcv: Awaited<ReturnType<typeof startTopcvSimulator>>;
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let token: string;

  beforeAll(async () => {
    topcv = await startTopcvSimulator();
    server = await startTestServer({
      env: { BOARD_BASE_URLS: `topcv=${topcv.url}`, WORKER_POLL_MS: '50', STATUS_POLL_BASE_MS: '600000' },
    });
    token = await server.tokenFor('console');
    ({ browser, page } = await openBrowser());
    if (SCREENSHOTS) await mkdir(SCREENSHOTS, { recursive: true });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await topcv?.close();
  });

  const snap = async (name: string) => {
    if (SCREENSHOTS) await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
  };

  test('signs in with an API token; a wrong one is refused on the page', async () => {
    await page.goto(`${server.url}/console`);
    await snap('sign-in');
    await page.fill('#token', 'mpa_not-a-token');
    await page.click('#sign-in button[type=submit]');
    await page.waitForSelector('[data-error="token"]:not(:empty)');
    expect(await page.textContent('[data-error="token"]')).toMatch(/unknown or revoked/);
    await page.fill('#token', token);
    await page.click('#sign-in button[type=submit]');
    await page.waitForSelector('#app:not([hidden])');
    expect(await page.textContent('#who')).toContain('(ADMIN)');
  });

  test('finds a board by name or country, one entry per environment, with its instructions', async () => {
    await page.fill('#board-search', 'forem');
    await page.waitForFunction(() => document.querySelectorAll('#board-results button').length === 2);
    expect(
      await page.$$eval('#board-results button', (buttons) => buttons.map((button) => button.textContent)),
    ).toEqual(['Le Forem | Belgium (Acceptance Testing)', 'Le Forem (Belgium)']);
    await page.click('#board-results button[data-environment="ACCEPTANCE"]');
    // The plugin's Markdown instructions, rendered and sanitised, then its confirmation and credential fields.
    expect(await page.textContent('#board-instructions h4')).toBe('Le Forem | Belgium (Acceptance Testing)');
    expect(
      await page.$$eval('#board-instructions strong, #board-instructions li', (nodes) => nodes.length),
    ).toBeGreaterThan(0);
    expect(await page.$$eval('#board-instructions script', (nodes) => nodes.length)).toBe(0);
    expect(await page.getAttribute('[data-path="input.environment"]', 'value')).toBe('ACCEPTANCE');
    expect(await page.$('[data-path="input.confidentialityAgreementSigned"]')).not.toBeNull();
    await snap('board-picker');
  });

  test('connects TopCV through the form generated from its descriptors', async () => {
    await page.fill('#board-search', 'vietnam');
    await page.waitForSelector('#board-results button[data-board="topcv"]');
    expect(
      await page.$$eval('#board-results button', (buttons) => buttons.map((button) => button.textContent)),
    ).toEqual(['TopCV (Vietnam)']);
    await page.click('#board-results button[data-board="topcv"]');
    expect(await page.getAttribute('[data-path="input.credentials.secretKey"]', 'type')).toBe('password');
    await page.fill('[data-path="input.credentials.employerApiKey"]', employerKey);
    await page.fill('[data-path="input.credentials.secretKey"]', employer.secretKey);
    await page.click('#connect button[type=submit]');
    await page.waitForSelector('#contracts tbody tr >> text=ACTIVE');
    expect(await page.textContent('#contracts tbody tr .next-action')).toBe('Ready to publish on TopCV.');
  });

  test('publishes from the form generated from the posting-field schema: server errors show on their field, then the review and a candidate arrive live', async () => {
    await page.fill('[data-path="input.title"]', 'Nhân viên kinh doanh');
    await page.fill('[data-path="input.description"]', '<p>Bán hàng cho doanh nghiệp.</p>');
    await page.fill('[data-path="input.location.city"]', 'Hà Nội');
    await page.fill('[data-path="input.location.countryCode"]', 'VN');
    await page.click('#publish button[type=submit]');
    await page.waitForSelector('[data-error="boardFields.job_family_category"]:not(:empty)');
    expect(await page.textContent('[data-error="boardFields.job_family_category"]')).toBeTruthy();
    await snap('validation');

    await page.selectOption('[data-path="boardFields.job_family_category"]', 'SALES');
    await page.click('#publish button[type=submit]');
    await page.waitForSelector('#postings li >> text=PENDING_REVIEW', { timeout: 20_000 }).catch(async (error) => {
      throw new Error(
        `${(error as Error).message}\nerrors: ${await page.$$eval('#publish [data-error]', (nodes) => nodes.map((node) => `${node.getAttribute('data-error')}=${node.textContent}`).join(' | '))}\npostings: ${await page.textContent('#postings')}`,
      );
    });
    expect(await page.textContent('[data-error="boardFields.job_family_category"]')).toBe('');

    // TopCV approves it and calls the contract's webhook URL; the page hears it on its subscription.
    const { contracts } = (
      await server.graphql(
        `{ contracts(first: 5) { edges { node { webhookUrl postings(first: 1) { edges { node { externalId } } } } } } }`,
        { token },
      )
    ).body.data!;
    const contract = contracts.edges[0].node;
    await fetch(`${topcv.url}/api/v1/employer/webhook`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${employerKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ url: contract.webhookUrl }),
    });
    const externalId = Number(contract.postings.edges[0].node.externalId);
    expect((await topcv.review(externalId, true))?.status).toBe(202);
    await page.waitForSelector('#postings li >> text=Approved by the board', { timeout: 20_000 });
    expect(await page.textContent('#postings li')).toContain('PUBLISHED');
    expect(await page.textContent('#postings li .timeline')).toMatch(
      /QUEUED → .*SUBMITTED → .*PENDING_REVIEW → .*PUBLISHED/,
    );

    const application = {
      job_id: externalId,
      apply_at: vietnamTime(),
      candidate_name: 'Trần Thị Console',
      candidate_email: 'console@example.vn',
    };
    expect((await sendWebhook(contract.webhookUrl, topcvDelivery(employer.secretKey, application))).status).toBe(202);
    await page.waitForSelector('#candidates li >> text=Trần Thị Console', { timeout: 20_000 });
    expect(await page.textContent('#candidates')).toContain('Nhân viên kinh doanh');
    // Both arrived as notifications too, the latest first.
    await page.waitForSelector('#notifications li[data-kind="candidate"]');
    expect(
      await page.$$eval('#notifications li', (items) => items.map((item) => item.getAttribute('data-kind'))),
    ).toEqual(['candidate', 'approved']);
    expect(await page.textContent('#notifications li[data-kind="approved"]')).toContain(
      'TopCV approved “Nhân viên kinh doanh”.',
    );
    expect(await page.textContent('#notifications li[data-kind="candidate"]')).toContain(
      'New candidate Trần Thị Console for “Nhân viên kinh doanh” from TopCV.',
    );
    // The board's figures follow: one application through TopCV, for one credit.
    await page.waitForSelector('#figures tr[data-board="topcv"] meter[value="1"]', { timeout: 20_000 });
    expect(
      await page.$$eval('#figures tr[data-board="topcv"] td', (cells) => cells.map((cell) => cell.textContent?.trim())),
    ).toEqual(['TopCV', '1', '1', '1', '—']);
    await snap('dashboard');
  }, 60_000);

  test('candidates by stage; one no job matched waits in the pending pool and is assigned from it', async () => {
    const stage = await page.textContent('#candidates [data-stage="Applied"]');
    expect(stage).toContain('Trần Thị Console');
    // TopCV sends a CV for a title none of the jobs has.
    await topcv.apply(employerKey, null, { name: 'Lê Văn Pending', email: 'pending@example.vn' }, { title: 'Thủ kho' });
    await page.waitForSelector('#pending li >> text=Lê Văn Pending', { timeout: 20_000 });
    const item = page.locator('#pending li', { hasText: 'Lê Văn Pending' });
    expect(await item.textContent()).toContain('applied for “Thủ kho”');
    await item.locator('select').selectOption({ label: 'Nhân viên kinh doanh' });
    await item.locator('button').click();
    await page.waitForSelector('#candidates [data-stage="Applied"] li >> text=Lê Văn Pending', { timeout: 20_000 });
    expect(await page.$$eval('#pending li', (items) => items.length)).toBe(0);
  }, 60_000);

  test('withdraws a live posting, reposts it with one more credit, and schedules another for later', async () => {
    const item = page.locator('#postings li', { hasText: 'Nhân viên kinh doanh' }).first();
    await item.locator('button[data-action="withdrawPosting"]').click();
    await page.waitForSelector('#postings li >> text=WITHDRAWN', { timeout: 20_000 });
    await page.locator('#postings li', { hasText: 'WITHDRAWN' }).locator('button[data-action="repostPosting"]').click();
    // The repost is a new posting of the same job, on its way to TopCV's review.
    await page.waitForFunction(() => document.querySelectorAll('#postings li').length === 2, undefined, {
      timeout: 20_000,
    });
    await page.waitForSelector('#postings li >> text=PENDING_REVIEW', { timeout: 20_000 });
    const { contracts } = (
      await server.graphql('{ contracts(first: 1) { edges { node { credits { used } } } } }', { token })
    ).body.data!;
    expect(contracts.edges[0].node.credits.used).toBe(2);

    // Scheduled a day ahead, to be taken off when the contract expires (it has no expiry: refused on its field).
    await page.fill('[data-path="input.title"]', 'Kế toán trưởng');
    await page.fill('[data-path="input.description"]', '<p>Quản lý sổ sách kế toán của công ty.</p>');
    await page.selectOption('[data-path="boardFields.job_family_category"]', 'SALES');
    const tomorrow = new Date(Date.now() + 86_400_000);
    const local = new Date(tomorrow.getTime() - tomorrow.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
    await page.fill('[data-path="input.publishAt"]', local);
    await page.check('[data-path="input.closeWithContract"]');
    await page.click('#publish button[type=submit]');
    await page.waitForSelector('[data-error="input.closeWithContract"]:not(:empty)');
    expect(await page.textContent('[data-error="input.closeWithContract"]')).toBe('the contract has no expiry date');
    await page.uncheck('[data-path="input.closeWithContract"]');
    await page.click('#publish button[type=submit]');
    await page.waitForSelector('#postings li >> text=Scheduled: it goes to TopCV at', { timeout: 20_000 });
    expect(await page.textContent('#postings')).toContain('Kế toán trưởng');
    await snap('postings');
  }, 60_000);

  test("postings per job; a posting's board fields edited on the page, the board's rule under its field", async () => {
    const job = page.locator('#jobs > li', { hasText: 'Nhân viên kinh doanh' });
    await job.locator('[data-posting]').nth(1).waitFor();
    expect(await job.locator('[data-posting]').count()).toBe(2);
    const inReview = page.locator('#postings > li', { hasText: 'PENDING_REVIEW' }).first();
    await inReview.locator('button[data-action="editBoardFields"]').click();
    const category = inReview.locator('[data-path="boardFields.job_family_category"]');
    expect(await category.inputValue()).toBe('SALES');
    await category.selectOption('ACCOUNTING');
    await inReview.locator('[data-path="boardFields.salary_from"]').fill('15000000');
    await inReview.locator('form.board-fields button[type=submit]').click();
    await inReview.locator('[data-error="boardFields.salary_from"]:not(:empty)').waitFor();
    expect(await inReview.locator('[data-error="boardFields.salary_from"]').textContent()).toBe(
      'is only for salary_type 1 (a range)',
    );
    await inReview.locator('[data-path="boardFields.salary_from"]').fill('');
    await inReview.locator('form.board-fields button[type=submit]').click();
    // The update goes to TopCV, which reviews the changed posting again.
    await page.waitForSelector('#postings > li >> text=UPDATE_QUEUED', { timeout: 20_000 });
    const postingId = await page.locator('#postings > li', { hasText: 'UPDATE_QUEUED' }).getAttribute('data-posting');
    await eventually(
      async () =>
        (
          await server.graphql(`query ($id: ID!) { posting(id: $id) { status boardFields } }`, {
            token,
            variables: { id: postingId },
          })
        ).body.data!.posting.boardFields.job_family_category === 'ACCOUNTING',
      20_000,
      'the new category stored',
    );
  }, 60_000);

  test('the contract page: credits as a live meter, its webhook URL to copy, details and settings with errors on their field, history, link, disconnect', async () => {
    const { contracts } = (
      await server.graphql('{ contracts(first: 1) { edges { node { id webhookUrl credits { used } } } } }', { token })
    ).body.data!;
    const contract = contracts.edges[0].node;
    await page.click('#contracts [data-open-contract]');
    await page.waitForSelector('#contract-page:not([hidden]) h2');
    expect(await page.inputValue('#board-address')).toBe(contract.webhookUrl);
    expect(await page.textContent('#contract-page .credits')).toContain(`${contract.credits.used} used, no limit set`);
    expect(await page.$$eval('#contract-page .contract-postings > li', (items) => items.length)).toBe(3);

    const details = page.locator('#contract-page .contract-details');
    await details.locator('[data-path="input.credits"]').fill('1');
    await details.locator('button[type=submit]').click();
    await details.locator('[data-error="input.credits"]:not(:empty)').waitFor();
    expect(await details.locator('[data-error="input.credits"]').textContent()).toBe(
      `must be at least the ${contract.credits.used} credits already used`,
    );
    await details.locator('[data-path="input.credits"]').fill('10');
    await details.locator('[data-path="input.alias"]').fill('TopCV Hà Nội');
    await details.locator('[data-path="input.expiresAt"]').fill('2027-06-30');
    await details.locator('[data-path="input.purchasePrice.amount"]').fill('2500000');
    await details.locator('[data-path="input.purchasePrice.currency"]').fill('VND');
    await details.locator('button[type=submit]').click();
    await page.waitForSelector('#contract-page .contract-details .saved:has-text("Saved.")');
    expect(await page.getAttribute('#credits-meter', 'max')).toBe('10');
    expect(await page.textContent('#contracts [data-open-contract]')).toBe('TopCV Hà Nội');
    expect(await page.textContent('#contract-page .history li[data-type="UPDATED"]')).toContain(
      'alias — → TopCV Hà Nội',
    );

    // A publication made elsewhere (here through the API) moves the meter live.
    const { createJob } = (
      await server.graphql(
        `mutation { createJob(input: { title: "Lái xe", description: "<p>Lái xe giao hàng.</p>",
          location: { city: "Hà Nội", countryCode: "VN" } }) { ... on Job { id } } }`,
        { token },
      )
    ).body.data!;
    const published = await server.graphql(
      `mutation ($input: PublishPostingInput!) { publishPosting(input: $input) { __typename } }`,
      {
        token,
        variables: {
          input: { jobId: createJob.id, contractId: contract.id, boardFields: { job_family_category: 'SALES' } },
        },
      },
    );
    expect(published.body.data!.publishPosting.__typename).toBe('Posting');
    await page.waitForSelector(`#credits-meter[value="${contract.credits.used + 1}"]`, { timeout: 20_000 });

    // A secret is never shown: its hint, and a new value replaces it.
    const secret = page.locator('#contract-page [data-path="input.credentials.secretKey"]');
    expect(await secret.getAttribute('type')).toBe('password');
    expect(await secret.inputValue()).toBe('');
    expect(await secret.getAttribute('placeholder')).toMatch(/^••••.* \(unchanged\)$/);
    await secret.fill('topcv-secret-rotated-from-the-console');
    await page.click('#contract-page .contract-settings button[type=submit]');
    await page.waitForSelector('#contract-page .contract-settings .saved:has-text("Saved.")');
    expect(await page.textContent('#contract-page .history')).toContain('credentials.secretKey');

    await page.fill('#contract-page [data-path="input.externalId"]', '987654321');
    await page.click('#contract-page .link-posting button[type=submit]');
    await page.waitForSelector('#contract-page .link-posting .error:not(:empty)');
    await snap('contract-page');

    await page.click('#contract-page [data-action="disconnectContract"]');
    expect(await page.textContent('#contract-page [data-action="disconnectContract"]')).toBe(
      'Erase the credentials and disconnect',
    );
    await page.click('#contract-page [data-action="disconnectContract"]');
    await page.waitForSelector('#contract-page .contract-status >> text=NOT_CONFIGURED', { timeout: 20_000 });
    expect(await page.textContent('#contracts tbody')).toContain('NOT_CONFIGURED');
  }, 90_000);

  test('is usable on a narrow screen and passes an accessibility audit (axe-core)', async () => {
    await page.setViewportSize({ width: 375, height: 800 });
    try {
      await page.reload();
      await page.waitForSelector('#app:not([hidden])');
      await page.click('#contracts [data-open-contract]');
      await page.waitForSelector('#contract-page:not([hidden]) h2');
      // Nothing wider than the screen: no sideways scrolling of the page.
      const wider = await page.evaluate(() =>
        [...document.querySelectorAll<HTMLElement>('#app *, header *')]
          .filter((element) => element.getBoundingClientRect().right > window.innerWidth + 0.5)
          .map((element) => `${element.tagName.toLowerCase()}#${element.id}.${element.className}`),
      );
      expect(wider).toEqual([]);
      await snap('narrow');
      // Evaluated by the test driver: the console's content security policy rightly refuses injected scripts.
      await page.evaluate(await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8'));
      const violations = await page.evaluate(async () => {
        const axe = (window as unknown as { axe: { run: (options: object) => Promise<{ violations: any[] }> } }).axe;
        const result = await axe.run({ runOnly: ['wcag2a', 'wcag2aa'] });
        return result.violations.map((violation) => `${violation.id}: ${violation.nodes.length} (${violation.help})`);
      });
      expect(violations).toEqual([]);
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 });
    }
  }, 60_000);

  test("my details: I set my own InGoedeBanen e-mail, and as an admin a colleague's; a wrong address shows on its field", async () => {
    await server.tokenFor('console', 'RECRUITER');
    await page.reload();
    await page.waitForSelector('#details-section:not([hidden]) .team-email');
    await page.fill('#igb-email', 'not an address');
    await page.click('#my-igb-email button[type=submit]');
    await page.waitForSelector('#my-igb-email [data-error="input"]:not(:empty)');
    expect(await page.textContent('#my-igb-email [data-error="input"]')).toBe('must be an e-mail address');
    await page.fill('#igb-email', 'Console@IGB.example');
    await page.click('#my-igb-email button[type=submit]');
    await page.waitForSelector('#my-igb-email .saved:has-text("Saved.")');
    expect(await page.textContent('#my-igb-email [data-error="input"]')).toBe('');
    const colleague = page.locator('.team-email', { hasText: 'recruiter@console.invalid' }).first();
    await colleague.locator('input').fill('recruiter@igb.example');
    await colleague.locator('button').click();
    await colleague.locator('.saved:has-text("Saved.")').waitFor();
    const emails = async () =>
      (
        await server.graphql(
          '{ ingoedebanenUserEmails { ... on IngoedebanenUserEmailsResult { emails { email } } } }',
          {
            token,
          },
        )
      ).body
        .data!.ingoedebanenUserEmails.emails.map((entry: { email: string }) => entry.email)
        .sort();
    await eventually(async () => (await emails()).length === 2, 10_000, 'both e-mails saved');
    expect(await emails()).toEqual(['console@igb.example', 'recruiter@igb.example']);
    await snap('my-details');
  });

  test('connects InGoedeBanen: its page gives the feed URL to copy, its settings change the feed, a new URL retires the old', async () => {
    await page.fill('#board-search', 'netherlands');
    await page.click('#board-results button[data-board="ingoedebanen"]');
    await page.fill('[data-path="input.credentials.email"]', 'vacatures@console.example');
    await page.fill('[data-path="input.credentials.clientId"]', '40213');
    await page.selectOption('[data-path="input.credentials.publicationMode"]', 'OWN_WEBSITE');
    await page.click('#connect button[type=submit]');
    const open = page.locator('#contracts [data-open-contract]', { hasText: 'InGoedeBanen' });
    await open.waitFor();
    await open.click();
    await page.waitForSelector('#contract-page h2 >> text=InGoedeBanen');
    const feedUrl = await page.inputValue('#board-address');
    expect(feedUrl).toMatch(/\/feeds\/ingoedebanen\//);
    const feed = await fetch(feedUrl);
    expect([feed.status, (await feed.text()).startsWith('<?xml')]).toEqual([200, true]);

    // Own-website mode: the feed holds the jobs shown on the careers site, as the publish form marks them.
    await page.fill('[data-path="input.title"]', 'Logistiek medewerker');
    await page.fill('[data-path="input.description"]', '<p>Orderpicken en laden in ons magazijn in Utrecht.</p>');
    await page.fill('[data-path="input.location.city"]', 'Utrecht');
    await page.fill('[data-path="input.location.countryCode"]', 'NL');
    await page.check('[data-path="input.onWebsite"]');
    await page.selectOption('[data-path="contractId"]', { label: 'InGoedeBanen (PRODUCTION)' });
    await page.click('#publish button[type=submit]');
    // Nothing to publish one by one in this mode: the board's plugin says why, and the job is in the feed already.
    await page.waitForSelector('#publish [data-error="publish"]:not(:empty)');
    expect(await page.textContent('#publish [data-error="publish"]')).toContain('mirrors your website');
    expect(await (await fetch(feedUrl)).text()).toContain('<titleInformation>Logistiek medewerker</titleInformation>');

    const mode = page.locator('#contract-page [data-path="input.credentials.publicationMode"]');
    expect(await mode.inputValue()).toBe('OWN_WEBSITE');
    await mode.selectOption('DEDICATED_MEDIUM');
    await page.click('#contract-page .contract-settings button[type=submit]');
    await page.waitForSelector('#contract-page .contract-settings .saved:has-text("Saved.")');
    expect(await page.textContent('#contract-page .history')).toContain('credentials.publicationMode');
    expect(await (await fetch(feedUrl)).text()).toContain('mode="DEDICATED_MEDIUM"');

    await page.click('#contract-page [data-action="rotateFeedToken"]');
    await page.waitForFunction(
      (old) => (document.querySelector<HTMLInputElement>('#board-address')?.value ?? old) !== old,
      feedUrl,
    );
    const rotated = await page.inputValue('#board-address');
    expect([(await fetch(feedUrl)).status, (await fetch(rotated)).status]).toEqual([404, 200]);
  }, 60_000);

  test('is served with its own content security policy, and nothing outside its build', async () => {
    const page = await fetch(`${server.url}/console`);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect((await fetch(`${server.url}/console/../package.json`)).status).toBe(404);
    expect((await fetch(`${server.url}/console/%2e%2e/package.json`)).status).toBe(404);
  });
});
