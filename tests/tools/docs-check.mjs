// Reads and uses /docs in headless Chromium as a developer would, and reports what it saw as one
// JSON object on stdout; tests/e2e/observability_e2e.cpp asserts on it. It places an order with
// "try it out", authorizes with the order's access token and reads the order back.
// Environment: DOCS_URL (the node's origin), STAFF_TOKEN, OUT_DIR, CHROMIUM.
import puppeteer from 'puppeteer-core';
import { mkdirSync } from 'node:fs';

const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set`);
  return v;
};
const base = env('DOCS_URL');
const out = env('OUT_DIR');
mkdirSync(out, { recursive: true });

const report = { console_errors: [], csp_violations: [], screenshots: [] };
const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--disable-quic'],
});
const timeout = 15000;

async function send(page, opId) {
  const sel = `#${opId}`;
  await page.$eval(sel, (d) => { d.open = true; });
  await page.$eval(`${sel} .answer`, (a) => { a.hidden = true; a.replaceChildren(); });
  await page.click(`${sel} button.send`);
  await page.waitForSelector(`${sel} .answer [data-status], ${sel} .try p[role=alert]:not([hidden])`);
  const problem = await page.$eval(sel, (d) => { const p = d.querySelector('.try p[role=alert]'); return p.hidden ? null : p.textContent; });
  if (problem) throw new Error(`${opId}: ${problem}`);
  return page.$eval(sel, (d) => {
    let body = null;
    try { body = JSON.parse(d.querySelector('.answer-body').textContent); } catch (e) { body = null; }
    return { status: Number(d.querySelector('.answer [data-status]').dataset.status), body,
      headers: d.querySelector('.answer .headers').textContent };
  });
}

try {
  const page = await browser.newPage();
  await page.setViewport({ width: 1360, height: 900 });
  page.setDefaultTimeout(timeout);
  page.on('console', (m) => {
    const text = m.text();
    if (/Content Security Policy/i.test(text)) report.csp_violations.push(text);
    else if (m.type() === 'error' && !/^Failed to load resource/.test(text)) report.console_errors.push(text);
  });
  page.on('pageerror', (e) => report.console_errors.push(String(e)));
  await page.goto(`${base}/docs`, { waitUntil: 'networkidle0' });
  await page.waitForSelector('body[data-rendered]');
  Object.assign(report, await page.evaluate(() => {
    const typeOfField = (schema, field) => {
      for (const row of document.querySelectorAll(`#schema-${schema} table.fields > tbody > tr`))
        if (row.querySelector('td code').textContent === field) return row.querySelector('td.type').textContent;
      return null;
    };
    return {
      rendered: Number(document.body.dataset.rendered),
      operations: Array.from(document.querySelectorAll('[data-operation]'), (e) => e.dataset.operation),
      tags: Array.from(document.querySelectorAll('section.tag > h2'), (e) => e.textContent),
      summaries: Array.from(document.querySelectorAll('.op .summary'), (e) => e.textContent).join('\n'),
      order_schemas: document.querySelectorAll('[id="schema-Order"]').length,
      // The Order's fields are listed in its schema only; operations link to it.
      order_field_tables: Array.from(document.querySelectorAll('table.fields')).filter((t) =>
        Array.from(t.querySelectorAll(':scope > tbody > tr > td:first-child code')).some((c) => c.textContent === 'shipping_address')
        && Array.from(t.querySelectorAll(':scope > tbody > tr > td:first-child code')).some((c) => c.textContent === 'shipment')).length,
      order_links: document.querySelectorAll('.op a[href="#schema-Order"]').length,
      reason_type: typeOfField('Order', 'reason'),
      payment_type: typeOfField('Order', 'payment'),
      intro_backticks: document.getElementById('intro').textContent.includes('`'),
      intro_code: document.querySelectorAll('#intro code').length,
      any_backticks: Array.from(document.querySelectorAll('.md')).some((e) => e.textContent.includes('`')),
    };
  }));
  await page.screenshot({ path: `${out}/docs-desktop.jpg`, type: 'jpeg', quality: 75 });
  report.screenshots.push(`${out}/docs-desktop.jpg`);

  // Place an order as a guest: the body comes prefilled from the example.
  report.prefilled = await page.$eval('#POST-orders textarea', (t) => JSON.parse(t.value));
  const placed = await send(page, 'POST-orders');
  report.placed = { status: placed.status, id: placed.body && placed.body.id, has_token: !!(placed.body && placed.body.access_token),
    request_id: /x-request-id: /.test(placed.headers) };
  await page.$eval('#POST-orders .answer', (d) => d.scrollIntoView({ block: 'center' }));
  await page.screenshot({ path: `${out}/docs-try.jpg`, type: 'jpeg', quality: 75 });
  report.screenshots.push(`${out}/docs-try.jpg`);
  // Anonymous, the order is not there for this caller; with its access token it is.
  const anonymous = await send(page, 'GET-orders-id-');
  report.anonymous = { status: anonymous.status, id_prefilled: await page.$eval('#GET-orders-id- input[data-in=path]', (i) => i.value) };
  await page.click('#POST-orders .use-token');
  report.auth_state = await page.$eval('#auth-state', (e) => e.textContent);
  report.stored = await page.evaluate(() => (sessionStorage.getItem('agora.docs.token') || '').slice(0, 4));
  const read = await send(page, 'GET-orders-id-');
  report.read = { status: read.status, id: read.body && read.body.id, status_field: read.body && read.body.status };
  // A staff token through the Authorize box.
  await page.type('#token', env('STAFF_TOKEN'));
  await page.click('#authorize button[type=submit]');
  const cluster = await send(page, 'GET-admin-cluster');
  report.staff = { status: cluster.status, nodes: cluster.body && Array.isArray(cluster.body.nodes) ? cluster.body.nodes.length : null };
  await page.click('#forget');
  report.forgotten = await page.evaluate(() => sessionStorage.getItem('agora.docs.token'));
  // A deep link opens its operation.
  await page.goto(`${base}/docs#GET-products`, { waitUntil: 'networkidle0' });
  report.deep_link_open = await page.$eval('#GET-products', (d) => d.open);
  await page.setViewport({ width: 390, height: 844, isMobile: true });
  await page.goto(`${base}/docs#POST-orders`, { waitUntil: 'networkidle0' });
  report.phone_overflow = await page.evaluate(() => document.documentElement.scrollWidth > 390);
  await page.screenshot({ path: `${out}/docs-phone.jpg`, type: 'jpeg', quality: 75 });
  report.screenshots.push(`${out}/docs-phone.jpg`);
} catch (e) {
  report.error = String(e && e.stack ? e.stack : e);
} finally {
  await browser.close();
}
console.log(JSON.stringify(report));
