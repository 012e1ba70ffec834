// Logging in to the dashboard in a browser at desktop and phone sizes: the right password, a
// wrong one, the lockout after five, the language switch, logout.
'use strict';
const w = require('./support');
const d = require('./dashboard_support');

w.test('a county officer logs in, sees the overview in Chinese, switches to English and logs out', async () => {
  const county = d.staffCounty('dashboard-login');
  const server = await w.startServer(county.data, ['--monitor-every', '0']);
  const browser = await w.launchBrowser();
  try {
    for (const size of ['desktop', 'phone']) {
      const context = await w.newContext(browser, size);
      const login = await context.newPage();
      const answer = await login.goto(`${server.url}/`);
      w.assert.equal(new URL(login.url()).pathname, '/login');
      w.assert.equal(answer.headers()['content-security-policy'].includes("script-src 'self'"), true);
      await d.shot(login, 'login', size);
      await login.close();
      const page = await d.logIn(context, server, '王芳');
      w.assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), '总览');
      const cookies = await context.cookies();
      const session = cookies.find((c) => c.name === '__Host-doorstep_session');
      w.assert.ok(session, 'the session cookie is set');
      w.assert.equal(session.httpOnly, true);
      w.assert.equal(session.secure, true);
      w.assert.equal(session.sameSite, 'Strict');
      // The cookie is not readable by scripts.
      w.assert.equal(await page.evaluate(() => document.cookie.includes('doorstep_session')), false);
      // A new county with no household: every township listed with zeros, nothing overdue.
      const households = page.locator('.stats a.stat').first();
      w.assert.equal(await households.locator('.value').textContent(), '0');
      const overdue = page.locator('section.overdue-visits');
      w.assert.match(await overdue.textContent(), /大水坑镇/);
      w.assert.match(await overdue.textContent(), /花马池镇/);
      w.assert.equal(await overdue.locator('td.alert').count(), 0);
      await d.shot(page, 'overview-empty', size);
      await page.getByRole('link', { name: 'English' }).click();
      await page.waitForURL(/lang=en/);
      w.assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Overview');
      await page.goto(`${server.url}/households`);  // the cookie keeps the language
      w.assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Households');
      await page.getByRole('button', { name: 'Log out' }).click();
      await page.waitForURL(/\/login$/);
      await page.goto(`${server.url}/`);
      w.assert.equal(new URL(page.url()).pathname, '/login');
      await context.close();
    }
  } finally {
    await browser.close();
    await server.stop();
  }
});

w.test('a wrong password shows the error; five lock the account, then the right one is refused', async () => {
  const county = d.staffCounty('dashboard-lockout');
  const server = await w.startServer(county.data, ['--monitor-every', '0']);
  const browser = await w.launchBrowser();
  try {
    const context = await w.newContext(browser, 'phone');
    const page = await context.newPage();
    const attempt = async (password) => {
      await page.goto(`${server.url}/login`);
      await page.getByLabel('用户名').fill('李强');
      await page.getByLabel('密码').fill(password);
      const [response] = await Promise.all([
        page.waitForResponse((r) => r.url().endsWith('/login') && r.request().method() === 'POST'),
        page.getByRole('button', { name: '登录' }).click(),
      ]);
      await page.waitForLoadState();
      return response.status();
    };
    w.assert.equal(await attempt('not it'), 401);
    w.assert.match(await page.getByRole('alert').textContent(), /用户名或密码不正确/);
    await d.shot(page, 'login-wrong', 'phone');
    for (let i = 0; i < 4; i++) w.assert.equal(await attempt(`guess ${i}`), 401);
    w.assert.equal(await attempt(d.PASSWORD), 429);
    w.assert.match(await page.getByRole('alert').textContent(), /锁定/);
    w.assert.equal((await context.cookies()).some((c) => c.name === '__Host-doorstep_session'), false);
    await d.shot(page, 'login-locked', 'phone');
    // The county officer is not locked out.
    const other = await w.newContext(browser, 'desktop');
    await d.logIn(other, server, '王芳');
  } finally {
    await browser.close();
    await server.stop();
  }
});

w.main();
