import path from 'node:path';
import packagedChromium from '@sparticuz/chromium';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build } from 'vite';
import { ROOT } from './process.ts';

/**
 * Headless Chromium for the console's browser tests, driven by playwright-core. The browser comes with the dev
 * dependencies: @sparticuz/chromium ships one inside its npm package and unpacks it on first use (no download).
 * CHROMIUM_PATH points the tests at another build instead.
 */
async function chromiumPath(): Promise<string> {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  // WebGL is not needed: skip unpacking the software GL stack.
  packagedChromium.setGraphicsMode = false;
  return packagedChromium.executablePath();
}

/** Builds the console as the server serves it, and opens a page in a new headless browser. */
export async function openBrowser(): Promise<{ browser: Browser; page: Page }> {
  await build({ configFile: path.join(ROOT, 'console/vite.config.ts') });
  const browser = await chromium.launch({
    executablePath: await chromiumPath(),
    args: ['--no-sandbox', '--disable-dev-shm-usage'],
  });
  return { browser, page: await browser.newPage({ viewport: { width: 1280, height: 900 } }) };
}

/** Opens the console of the server at `url` and signs in with `token`. */
export async function signIn(page: Page, url: string, token: string): Promise<void> {
  await page.goto(`${url}/console`);
  await page.fill('#token', token);
  await page.click('#sign-in button[type=submit]');
  await page.waitForSelector('#app:not([hidden])');
}
