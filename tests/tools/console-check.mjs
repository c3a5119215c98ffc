// Drives the console in headless Chromium as a person would and reports what it saw as one JSON
// object on stdout; tests/e2e/console_e2e.cpp asserts on it. Screenshots (JPEG) of every view go to
// OUT_DIR. Environment: CONSOLE_URL (the node's origin), OPERATOR_TOKEN, ADMIN_TOKEN, ORDER_ID,
// FAILED_MAIL_ID, OUT_DIR, CHROMIUM (default /usr/bin/chromium).
import puppeteer from 'puppeteer-core';
import { mkdirSync } from 'node:fs';

const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set`);
  return v;
};
const base = env('CONSOLE_URL');
const operatorToken = env('OPERATOR_TOKEN');
const adminToken = env('ADMIN_TOKEN');
const orderId = env('ORDER_ID');
const failedMail = env('FAILED_MAIL_ID');
const out = env('OUT_DIR');
mkdirSync(out, { recursive: true });

const report = { urls_with_token: [], console_errors: [], csp_violations: [], screenshots: [] };
const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--disable-quic'],
});
const timeout = 15000;
try {
  const page = await browser.newPage();
  await page.setViewport({ width: 1360, height: 900 });
  page.setDefaultTimeout(timeout);
  page.on('request', (r) => {
    for (const t of [operatorToken, adminToken]) if (r.url().includes(t)) report.urls_with_token.push(r.url());
  });
  page.on('console', (m) => {
    const text = m.text();
    if (/Content Security Policy/i.test(text)) report.csp_violations.push(text);
    // A refused API call (401, 403, 404) is logged by Chromium too; those are asserted on
    // elsewhere: only script errors count here.
    else if (m.type() === 'error' && !/^Failed to load resource/.test(text)) report.console_errors.push(text);
  });
  page.on('pageerror', (e) => report.console_errors.push(String(e)));
  const shot = async (name) => {
    const path = `${out}/${name}.jpg`;
    await new Promise((r) => setTimeout(r, 150)); // let the last paint land
    await page.screenshot({ path, type: 'jpeg', quality: 80 });
    report.screenshots.push(path);
  };
  // What a person sees: laid out on the page, not merely without the hidden attribute.
  const visible = (sel) => page.$eval(sel, (e) => e.getClientRects().length > 0).catch(() => false);
  const count = (sel) => page.$$eval(sel, (es) => es.length);
  const go = async (hash, ready) => {
    await page.evaluate((h) => { location.hash = h; }, hash);
    await page.waitForFunction(ready, { timeout });
  };

  // Without a token: the sign-in, and no data anywhere in the page.
  await page.goto(`${base}/console`, { waitUntil: 'networkidle0' });
  report.signin = {
    visible: await visible('#signin'),
    data_rows: await count('[data-row]'),
    tabs_hidden: !(await visible('#tabs')) && !(await visible('#strip')) && !(await visible('#signout')),
  };
  await shot('signin');

  // A wrong token is refused with a message.
  await page.type('#token', 'not-a-staff-token-000000000000');
  await page.click('#signin-button');
  await page.waitForFunction(() => !document.getElementById('signin-error').hidden);
  report.wrong_token = await page.$eval('#signin-error', (e) => e.textContent);

  // The operator signs in: the cluster view.
  await page.type('#token', operatorToken);
  await page.click('#signin-button');
  await page.waitForFunction(() => document.querySelectorAll('#cluster-rows tr').length >= 2);
  await page.waitForFunction(() => document.getElementById('strip-nodes').textContent !== '–');
  report.cluster = await page.$$eval('#cluster-rows tr', (rows) => rows.map((r) => [...r.cells].map((c) => c.textContent)));
  report.token_in_storage = await page.evaluate(() => sessionStorage.getItem('agora.console.token') !== null);
  report.url_after_signin = page.url();
  // Two strip samples make a rate.
  await page.waitForFunction(() => document.getElementById('strip-rate').textContent !== '–', { timeout: 8000 })
    .catch(() => {});
  report.strip = await page.evaluate(() => ({
    rate: document.getElementById('strip-rate').textContent,
    p99: document.getElementById('strip-p99').textContent,
    nodes: document.getElementById('strip-nodes').textContent,
    actors: document.getElementById('strip-actors').textContent,
  }));
  await shot('cluster');

  // The shard map: one cell per shard, each with its owner.
  await go('#shards', () => document.querySelectorAll('[data-row=shard]').length > 0);
  report.shards = await page.$$eval('[data-row=shard]', (cells) => cells.map((c) => ({
    kind: c.dataset.kind, shard: Number(c.dataset.shard), owner: c.dataset.owner })));
  await shot('shards');

  // Actors, filtered to the order actors, then one actor's detail.
  await go('#actors', () => document.querySelectorAll('[data-row=actor]').length > 0);
  report.actors_all = await count('[data-row=actor]');
  await page.select('#actor-sort', 'messages');
  await page.waitForFunction(() => document.querySelectorAll('[data-row=actor]').length > 0);
  // Read and click the first row in one turn of the page: the list re-renders every 2 s.
  const first = await page.$eval('[data-row=actor]', (r) => {
    r.click();
    return r.dataset.id;
  });
  await page.waitForFunction(() => !document.getElementById('actor-detail').hidden
    && document.getElementById('actor-detail').textContent !== '');
  report.actor_detail = await page.$eval('#actor-detail', (e) => e.textContent);
  report.actor_first = first;
  await page.waitForFunction(() => document.querySelectorAll('[data-row=message]').length > 0, { timeout: 8000 })
    .catch(() => {});
  report.actor_messages = await count('[data-row=message]');
  await shot('actors');

  // One order: its journal, the slider through the replayed states, its mail and items.
  await go(`#order/${orderId}`, () => document.querySelectorAll('[data-row=event]').length > 0);
  report.order = {
    steps: await count('[data-row=event]'),
    verdict: await page.$eval('#replay-verdict', (e) => e.textContent),
    slider_max: await page.$eval('#replay-slider', (e) => Number(e.max)),
  };
  const statusAt = async (step) => {
    await page.$eval('#replay-slider', (e, v) => {
      e.value = String(v);
      e.dispatchEvent(new Event('input', { bubbles: true }));
    }, step);
    return page.$eval('[data-row=state][data-field=status] td:last-child', (e) => e.textContent);
  };
  report.order.first_status = await statusAt(1);
  await shot('order-first-step');
  report.order.last_status = await statusAt(report.order.slider_max);
  report.order.items = await page.$$eval('[data-row=item] td:first-child', (es) => es.map((e) => e.textContent));
  report.order.address = await page.$eval('#order-address', (e) => e.textContent);
  report.order.xss_ran = await page.evaluate(() => window.__xss !== undefined);
  report.order.injected_elements = await page.evaluate(
    () => document.querySelectorAll('#view-order script, #view-order img').length);
  await shot('order');

  // The outbox: an operator may not retry (403 said plainly), an admin may.
  await go('#outbox', () => document.querySelectorAll('[data-row=mail]').length > 0);
  await shot('outbox');
  const retry = `[data-retry="${failedMail}"]`;
  await page.waitForSelector(retry);
  await page.$eval(retry, (b) => b.click()); // in one turn: the table re-renders every 2 s
  await page.waitForFunction(() => !document.getElementById('outbox-note').hidden);
  report.operator_retry = await page.$eval('#outbox-note', (e) => e.textContent);
  await Promise.all([page.waitForNavigation({ waitUntil: 'networkidle0' }), page.click('#signout')]);
  await page.waitForFunction(() => !document.getElementById('signin').hidden);
  report.signed_out = {
    storage_cleared: await page.evaluate(() => sessionStorage.getItem('agora.console.token') === null),
    data_rows: await count('[data-row]'),
  };
  await page.type('#token', adminToken);
  await page.click('#signin-button');
  await page.waitForFunction(() => document.querySelectorAll('#cluster-rows tr').length >= 1);
  await go('#outbox', () => document.querySelectorAll('[data-row=mail]').length > 0);
  await page.waitForSelector(retry);
  await page.$eval(retry, (b) => b.click()); // in one turn: the table re-renders every 2 s
  await page.waitForFunction(() => !document.getElementById('outbox-note').hidden);
  report.admin_retry = await page.$eval('#outbox-note', (e) => e.textContent);
  await page.select('#outbox-status', ''); // every status: the mail, queued or tried again
  await page.waitForFunction((id) => [...document.querySelectorAll('[data-row=mail]')]
    .some((r) => r.dataset.id === id), { timeout: 8000 }, failedMail).catch(() => {});
  await shot('outbox-after-retry');
  report.html_has_token = (await page.content()).includes(adminToken)
    || (await page.content()).includes(operatorToken);
} catch (e) {
  report.error = String(e && e.stack ? e.stack : e);
} finally {
  await browser.close();
}
process.stdout.write(`${JSON.stringify(report)}\n`);
