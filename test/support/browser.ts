import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page, type Request } from 'playwright-core';
import { PASSWORD } from './fixtures';
import { createTestApp, type TestApp } from './test-app';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Debian's Chromium, headless, with the flags this closed network needs. */
export function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium fonts-noto-cjk (or set CHROMIUM_PATH)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}

/** A zh-CN context signed in as `username` on the app at `base` (the fixtures' password). */
export async function signInAt(browser: Browser, base: string, username: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1366, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${base}/login`);
  await page.fill('[data-testid=login-username]', username);
  await page.fill('[data-testid=login-password]', PASSWORD);
  await page.click('[data-testid=login-submit]');
  await page.waitForURL((url) => !url.pathname.startsWith('/login'), { timeout: 20_000 });
  return { context, page };
}

/** The api serving the built web app on a free port, and its address (`npm run build` first). */
export async function serveBuiltApp(root: string): Promise<{ t: TestApp; base: string }> {
  if (!existsSync(join(root, 'dist/apps/web/index.html'))) throw new Error('run `npm run build` first (npm test does)');
  const t = await createTestApp({ serveWeb: true });
  await t.app.listen(0, '127.0.0.1');
  return { t, base: `http://127.0.0.1:${(t.app.getHttpServer().address() as { port: number }).port}` };
}

/**
 * Follows the page's /api requests, so a test can wait until the dashboard has settled: after a
 * client-side navigation `waitForLoadState('networkidle')` answers at once (the state was reached
 * at the first load), even while the page's requests, a token refresh and their retries are still
 * on their way. Attach it before the requests it should see.
 */
export function trackApi(page: Page): { quiet: (quietMs?: number, timeoutMs?: number) => Promise<void> } {
  const inFlight = new Set<Request>();
  let changed = Date.now();
  page.on('request', (r) => {
    if (!new URL(r.url()).pathname.startsWith('/api/')) return;
    inFlight.add(r);
    changed = Date.now();
  });
  const done = (r: Request) => {
    if (inFlight.delete(r)) changed = Date.now();
  };
  page.on('requestfinished', done);
  page.on('requestfailed', done);
  return {
    /** Resolves once no /api request has been in flight for `quietMs`. */
    async quiet(quietMs = 500, timeoutMs = 20_000) {
      const until = Date.now() + timeoutMs;
      while (inFlight.size > 0 || Date.now() - changed < quietMs) {
        if (Date.now() > until) throw new Error(`api requests still in flight: ${[...inFlight].map((r) => r.url()).join(', ')}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
  };
}
