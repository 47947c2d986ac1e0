/**
 * The built demo (`demo/dist`) under the server's Content-Security-Policy, in
 * Chromium: it logs in, opens its socket and sends, with no CSP violation;
 * inline script is blocked; and its logout revokes the session on the server.
 */
import type { Page } from 'playwright-core';
import { CONTENT_SECURITY_POLICY } from '../../server/security';
import {
  connection,
  describeInBrowser,
  expectVisible,
  messageWithText,
  send,
  useDemoHarness,
} from '../browser/harness';
import { rawRequest } from '../support/server';
import { API } from './fixtures';

jest.setTimeout(90_000);

/** Records every CSP violation of the page from its very first script on. */
async function watchViolations(page: Page): Promise<() => Promise<string[]>> {
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { cspViolations: string[] }).cspViolations = seen;
    document.addEventListener('securitypolicyviolation', (event) => {
      seen.push(`${event.violatedDirective} ${event.blockedURI}`);
    });
  });
  return () =>
    page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations);
}

describeInBrowser('the demo under the CSP', () => {
  const harness = useDemoHarness();

  afterEach(() => {
    expect(harness.pageErrors).toEqual([]);
  });

  test('works with no violation: login, socket, send; inline script is refused; logout revokes', async () => {
    const aibekApi = await harness.server.login('aibek');
    const room = await aibekApi.request<{ id: string }>('POST', `${API}/conversations/`, {
      type: 'group',
      title: 'Под CSP',
    });
    const page = await harness.newPage('aibek');
    const violations = await watchViolations(page);
    const consoleErrors: string[] = [];
    page.on('console', (entry) => {
      if (entry.type() === 'error') consoleErrors.push(entry.text());
    });
    const response = await page.goto(harness.url);
    expect(response?.headers()['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    await page.locator(`[data-username="aibek"]`).click();
    await page.locator('.login__submit').click();
    await page.locator('.ucr-chat-select').waitFor();

    await page.getByText('Под CSP').first().click();
    await expectVisible(connection(page, 'open'));
    await send(page, 'сквозь CSP');
    await expectVisible(messageWithText(page, 'сквозь CSP'));
    expect(await violations()).toEqual([]);
    expect(consoleErrors.filter((text) => /Content Security Policy/i.test(text))).toEqual([]);

    // An injected inline script does not run, and is reported as a violation.
    const ran = await page.evaluate(async () => {
      const script = document.createElement('script');
      script.textContent = 'window.inlineRan = true;';
      document.body.append(script);
      await new Promise((done) => setTimeout(done, 100));
      return (window as unknown as { inlineRan?: boolean }).inlineRan === true;
    });
    expect(ran).toBe(false);
    expect((await violations()).some((entry) => entry.startsWith('script-src'))).toBe(true);

    // Logout revokes the session on the server, not only in the tab.
    const refresh = await page.evaluate(
      () =>
        (JSON.parse(sessionStorage.getItem('auth_data') ?? '{}') as { refresh?: string }).refresh,
    );
    expect(typeof refresh).toBe('string');
    await page.locator('.demo__logout').click();
    await page.locator('.login__submit').waitFor();
    let code: string | undefined;
    for (let attempt = 0; attempt < 50 && code !== 'token_revoked'; attempt += 1) {
      const answer = await rawRequest<{ code?: string }>(
        harness.url,
        'POST',
        '/api/auth/refresh/',
        {
          body: { refresh },
        },
      );
      code = answer.body.code;
      if (code !== 'token_revoked') await new Promise((done) => setTimeout(done, 100));
    }
    expect(code).toBe('token_revoked');
    expect(room.status).toBe(201);
  });
});
