// Shops in headless Chromium as a person would and reports what it saw as one JSON object on
// stdout; tests/e2e/shop_e2e.cpp sets the scene and asserts on it. Screenshots (JPEG) of every
// page at phone and desktop widths go to OUT_DIR.
// Environment: SHOP_URL (the node's origin), ADMIN_TOKEN (only to move shipments on, as the
// carrier would), OUT_DIR, CHROMIUM (default /usr/bin/chromium), MODE=shop|mail, and
//   shop: P1, P2 (two products with stock), P_LIMIT (2 available), P_LAST (1 available),
//         P_EVIL (markup in its name), GUEST_EMAIL, CUSTOMER_EMAIL, PASSWORD
//   mail: MAIL_LINK (the link of an ORDER_CREATED mail), ORDER_ID
import puppeteer from 'puppeteer-core';
import { mkdirSync } from 'node:fs';

const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set`);
  return v;
};
const base = env('SHOP_URL');
const adminToken = env('ADMIN_TOKEN');
const out = env('OUT_DIR');
const mode = process.env.MODE || 'shop';
mkdirSync(out, { recursive: true });

const report = { console_errors: [], csp_violations: [], screenshots: [], urls_with_token: [] };
const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--disable-quic'],
});
const timeout = 20000;
const desktop = { width: 1280, height: 900 };
const phone = { width: 390, height: 844, isMobile: true, hasTouch: true, deviceScaleFactor: 1 };

const pages = []; // the last one is shown in failure.jpg when a step fails

/** A page in its own browser context (its own localStorage: another shopper). */
async function shopper(viewport) {
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  await page.setViewport(viewport || desktop);
  page.setDefaultTimeout(timeout);
  pages.push(page);
  page.on('console', (m) => {
    const text = m.text();
    if (/Content Security Policy/i.test(text)) report.csp_violations.push(text);
    // Refused API calls (401, 404, 409) are logged by Chromium too and asserted on elsewhere.
    else if (m.type() === 'error' && !/^Failed to load resource/.test(text)) report.console_errors.push(text);
  });
  page.on('pageerror', (e) => report.console_errors.push(String(e)));
  // Tokens travel in headers: no API call carries one in its URL (the mail's link itself does).
  page.on('request', (r) => {
    if (r.resourceType() !== 'document' && /(ses|oat)_/.test(new URL(r.url()).search)) report.urls_with_token.push(r.url());
  });
  return page;
}

async function shot(page, name) {
  const path = `${out}/${name}.jpg`;
  await new Promise((r) => setTimeout(r, 150)); // let the last paint land
  // Whole pages, but the catalog (24 cards) as the screen shows it.
  await page.screenshot({ path, type: 'jpeg', quality: 75, fullPage: !name.startsWith('catalog') });
  report.screenshots.push(path);
}

const text = (page, sel) => page.$eval(sel, (e) => e.textContent.trim()).catch(() => null);
const visible = (page, sel) => page.$eval(sel, (e) => e.getClientRects().length > 0).catch(() => false);
const goto = (page, path) => page.goto(`${base}${path}`, { waitUntil: 'networkidle0' });
const status = (page) => page.$eval('#order', (e) => e.dataset.status).catch(() => null);

/** Waits for the order page to show `want` by itself (it polls), noting each status it showed. */
async function follow(page, want, seen) {
  await page.waitForFunction((w) => {
    const e = document.getElementById('order');
    if (!e) return false;
    const log = window.__seen && window.__seen.id === e.dataset.id ? window.__seen : { id: e.dataset.id, list: [] };
    window.__seen = log;
    if (log.list[log.list.length - 1] !== e.dataset.status) log.list.push(e.dataset.status);
    return e.dataset.status === w;
  }, { timeout, polling: 50 }, want);
  if (seen) seen.splice(0, seen.length, ...(await page.evaluate(() => window.__seen.list)));
}

/** As the carrier would: one scan of the order's shipment. */
async function advance(orderId) {
  const o = await (await fetch(`${base}/orders/${orderId}`, { headers: { Authorization: `Bearer ${adminToken}` } })).json();
  const r = await fetch(`${base}/shipments/${o.shipment.id}/advance`, {
    method: 'POST', headers: { Authorization: `Bearer ${adminToken}`, 'Content-Type': 'application/json' }, body: '{}' });
  return r.status;
}

async function fillCheckout(page, fields) {
  for (const [name, value] of Object.entries(fields)) {
    const sel = `[data-field="${name}"]`;
    await page.$eval(sel, (e) => { e.value = ''; });
    await page.type(sel, value);
  }
}

const address = {
  'shipping_address.name': 'Ann Shopper', 'shipping_address.line1': '1 Main St',
  'shipping_address.city': 'Springfield', 'shipping_address.postal_code': '12345',
};

async function addFromProductPage(page, id, quantity) {
  await goto(page, `/shop/products/${id}`);
  await page.$eval('#qty', (e, q) => { e.value = String(q); }, quantity);
  await page.click('button.add');
}

const cartOf = (page) => page.evaluate(() => JSON.parse(localStorage.getItem('agora.shop.cart') || '[]'));

async function guestBuysTwoProducts() {
  const page = await shopper();
  const t0 = Date.now();
  await goto(page, '/shop');
  await page.waitForSelector('#catalog article');
  report.catalog = { cards: (await page.$$('#catalog article')).length, total: await text(page, '#catalog-total'), ms: Date.now() - t0 };
  await shot(page, 'catalog-desktop');
  // Keyboard only: tab to the first "Add to cart" and press Enter.
  await page.focus('#q');
  for (let i = 0; i < 40; i += 1) {
    await page.keyboard.press('Tab');
    if (await page.evaluate(() => document.activeElement.classList.contains('add'))) break;
  }
  report.keyboard_focus = await page.evaluate(() => document.activeElement.className);
  await page.keyboard.press('Enter');
  report.keyboard_cart = await text(page, '#cart-count');
  // Search finds by name; the product page adds the second product.
  await page.type('#q', await page.evaluate(async (id) => (await (await fetch(`/products/${id}`)).json()).sku, process.env.P2));
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.title.startsWith('Search'));
  report.search_cards = (await page.$$('#catalog article')).length;
  await page.evaluate(() => { localStorage.removeItem('agora.shop.cart'); });
  await addFromProductPage(page, env('P1'), 1);
  await shot(page, 'product-desktop');
  await addFromProductPage(page, env('P2'), 2);
  await goto(page, '/shop/cart');
  await page.waitForSelector('table.lines');
  report.cart = { rows: (await page.$$('table.lines tbody tr')).length, total: await text(page, '.total strong'), count: await text(page, '#cart-count') };
  await shot(page, 'cart-desktop');
  await page.click('#to-checkout');
  await page.waitForSelector('#checkout');
  // Wrong input first: each error from the problem+json sits next to its field.
  await fillCheckout(page, { customer_email: 'not-an-email', ...address, 'shipping_address.city': ' ', 'payment.card_number': '4242 4242 4242 4241' });
  await page.click('#place-order');
  await page.waitForSelector('.field-error:not([hidden])');
  report.field_errors = await page.$$eval('.field-error:not([hidden])', (es) => es.map((e) => [e.id, e.textContent]));
  report.invalid_fields = await page.$$eval('[aria-invalid]', (es) => es.map((e) => e.dataset.field));
  report.focused_after_error = await page.evaluate(() => document.activeElement.dataset.field || '');
  await shot(page, 'checkout-errors-desktop');
  await fillCheckout(page, { customer_email: env('GUEST_EMAIL'), 'shipping_address.city': 'Springfield', 'payment.card_number': '4242 4242 4242 4242' });
  // A double click on "Place order": one order.
  await page.$eval('#place-order', (b) => { b.click(); b.click(); });
  await page.waitForSelector('#order');
  const id = await text(page, '#order-id');
  report.guest = { id, url: page.url(), seen: [] };
  await follow(page, 'PAID', report.guest.seen);
  for (const want of ['SHIPPED', 'SHIPPED', 'DELIVERED']) { // label → in transit → out for delivery → delivered
    report.guest.advance = await advance(id);
    await follow(page, want, report.guest.seen);
  }
  await page.waitForFunction(() => document.querySelectorAll('#scans li').length >= 4);
  report.guest.title = await text(page, '#order-title');
  report.guest.scans = await page.$$eval('#scans li strong', (es) => es.map((e) => e.textContent));
  report.guest.tracking = await text(page, '#tracking');
  report.guest.cancel_offered = await visible(page, '#cancel');
  report.guest.stored = await page.evaluate(() => JSON.parse(localStorage.getItem('agora.shop.orders') || '[]').length);
  await shot(page, 'order-desktop');
  await goto(page, '/shop/orders');
  await page.waitForSelector('#orders');
  report.guest.listed = await page.$$eval('#orders tbody a', (as) => as.map((a) => a.getAttribute('href')));

  // A declined card: the order page says so, in words.
  await addFromProductPage(page, env('P1'), 1);
  await goto(page, '/shop/checkout');
  await fillCheckout(page, { customer_email: env('GUEST_EMAIL'), ...address, 'payment.card_number': '4000000000000002' });
  // The first try is lost on the way (the network fails it); the retry carries the same
  // Idempotency-Key, and so would any later one: one order.
  const keys = [];
  let body = null;
  await page.setRequestInterception(true);
  const lose = (r) => {
    if (r.method() !== 'POST' || !r.url().endsWith('/orders')) return r.continue();
    keys.push(r.headers()['idempotency-key']);
    body = r.postData();
    return keys.length === 1 ? r.abort('connectionreset') : r.continue();
  };
  page.on('request', lose);
  await page.click('#place-order');
  await page.waitForSelector('#checkout .form-error:not([hidden])');
  report.lost_answer = await text(page, '#checkout .form-error');
  await page.waitForFunction(() => !document.getElementById('place-order').disabled);
  await page.click('#place-order');
  await page.waitForSelector('#order');
  page.off('request', lose);
  await page.setRequestInterception(false);
  const again = await fetch(`${base}/orders`, { method: 'POST', body, headers: { 'Content-Type': 'application/json', 'Idempotency-Key': keys[1] } });
  report.retry = { keys, replay_status: again.status, replay_id: (await again.json()).id };
  const declined = { id: await text(page, '#order-id'), seen: [] };
  await follow(page, 'CANCELLED', declined.seen);
  declined.title = await text(page, '#order-title');
  declined.words = await text(page, '#order-words');
  declined.payment = await text(page, '#payment');
  report.retry.same_order = report.retry.replay_id === declined.id;
  report.declined = declined;
  await shot(page, 'order-declined-desktop');
  return page;
}

async function limitsAndRaces() {
  const page = await shopper();
  // Never more than is available in the cart.
  await addFromProductPage(page, env('P_LIMIT'), 5);
  report.limit = { in_cart: (await cartOf(page)).map((l) => l.quantity), button: await text(page, 'button.add'),
    disabled: await page.$eval('button.add', (b) => b.disabled) };
  await goto(page, '/shop');
  // The last one, bought by someone else between the cart and "Place order".
  await page.evaluate(() => { localStorage.removeItem('agora.shop.cart'); });
  await addFromProductPage(page, env('P_LAST'), 1);
  await goto(page, '/shop/checkout');
  await fillCheckout(page, { customer_email: env('GUEST_EMAIL'), ...address, 'payment.card_number': '4242424242424242' });
  const rival = await fetch(`${base}/orders`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Prefer: 'wait=10' },
    body: JSON.stringify({ customer_email: 'rival@example.com', items: [{ product_id: Number(env('P_LAST')), quantity: 1 }],
      payment: { card_number: '4242424242424242' }, shipping_address: { ...{ name: 'Rival', line1: '2 Main St', city: 'Springfield', postal_code: '12345', country: 'US' } } }) });
  report.rival = (await rival.json()).status;
  await page.click('#place-order');
  await page.waitForSelector('#order');
  const seen = [];
  await follow(page, 'REJECTED', seen);
  report.race = { title: await text(page, '#order-title'), words: await text(page, '#order-words') };
  // Markup in a product's name is text, wherever it shows.
  await goto(page, `/shop/products/${env('P_EVIL')}`);
  await page.waitForSelector('.detail h1');
  await goto(page, `/shop?q=${encodeURIComponent('EVIL-')}`);
  await page.waitForSelector('#catalog article');
  report.evil = {
    h2: await text(page, '#catalog article h2'),
    xss: await page.evaluate(() => window.__xss || 0),
    injected: await page.$$eval('#view img, #view script', (es) => es.length),
  };
  await page.close();
}

async function signedIn() {
  const page = await shopper();
  await goto(page, '/shop/account');
  await page.waitForSelector('#signup');
  // A short password: the server's words next to the password field.
  await page.type('#signup [data-field=name]', 'Carla Customer');
  await page.type('#signup [data-field=email]', env('CUSTOMER_EMAIL'));
  await page.type('#signup [data-field=password]', 'short');
  await page.click('#signup button[type=submit]');
  await page.waitForSelector('#signup .field-error:not([hidden])');
  report.signup_error = await page.$$eval('#signup .field-error:not([hidden])', (es) => es.map((e) => e.textContent));
  await shot(page, 'account-desktop');
  await page.$eval('#signup [data-field=password]', (e) => { e.value = ''; });
  await page.type('#signup [data-field=password]', env('PASSWORD'));
  await page.click('#signup button[type=submit]');
  await page.waitForFunction(() => location.pathname === '/shop/orders');
  report.account_link = await text(page, '#account-link');
  // Two orders as this customer: one is cancelled from its page, the other ships before the
  // "yes" lands and gets the 409 in words.
  const ids = [];
  for (let i = 0; i < 2; i += 1) {
    await addFromProductPage(page, env('P2'), 1);
    await goto(page, '/shop/checkout');
    await fillCheckout(page, { ...address, 'payment.card_number': '4242424242424242' });
    await page.click('#place-order');
    await page.waitForSelector('#order');
    ids.push(await text(page, '#order-id'));
    await follow(page, 'PAID', []);
  }
  report.customer = { ids };
  await page.click('#cancel');
  await page.evaluate(async (id, token) => { // the carrier picks it up, then the shopper says yes
    const o = await (await fetch(`/orders/${id}`, { headers: { Authorization: `Bearer ${token}` } })).json();
    await fetch(`/shipments/${o.shipment.id}/advance`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: '{}' });
    document.getElementById('cancel-yes').click();
  }, ids[1], adminToken);
  await page.waitForSelector('#order-note');
  await follow(page, 'SHIPPED', []);
  report.customer.late_cancel = await text(page, '#order-note');
  await goto(page, `/shop/orders/${ids[0]}`);
  await page.waitForSelector('#cancel');
  await page.click('#cancel');
  await page.click('#cancel-yes');
  await follow(page, 'CANCELLED', []);
  report.customer.cancelled = await text(page, '#order-title');
  await goto(page, '/shop/orders');
  await page.waitForSelector('#orders');
  report.customer.listed = await page.$$eval('#orders tbody a', (as) => as.map((a) => a.getAttribute('href')));
  await shot(page, 'orders-desktop');
  // Sign out: the account is gone from this browser.
  await goto(page, '/shop/account');
  await page.waitForSelector('#sign-out');
  await page.click('#sign-out');
  await page.waitForFunction(() => location.pathname === '/shop');
  report.signed_out = { link: await text(page, '#account-link'), stored: await page.evaluate(() => localStorage.getItem('agora.shop.session')) };
  // Sign in again with a wrong password: refused in words.
  await goto(page, '/shop/account');
  await page.type('#signin [data-field=email]', env('CUSTOMER_EMAIL'));
  await page.type('#signin [data-field=password]', 'not the password');
  await page.click('#signin button[type=submit]');
  await page.waitForSelector('#signin .form-error:not([hidden])');
  report.wrong_password = await text(page, '#signin .form-error');
  // Again and again: the door's limit on failed sign-ins answers 429, shown as a wait in seconds
  // and a button that counts it down.
  const submit = '#signin button[type=submit]';
  for (let i = 0; i < 15; i += 1) {
    await page.click(submit);
    await page.waitForFunction((sel) => /try again/.test(document.querySelector('#signin .form-error').textContent)
      || !document.querySelector(sel).disabled, {}, submit);
    if (/try again/.test(await text(page, '#signin .form-error'))) break;
  }
  report.rate_limited = { words: await text(page, '#signin .form-error'), button: await text(page, submit),
    disabled: await page.$eval(submit, (b) => b.disabled) };
  await page.close();
}

/** Every page at both widths, filled as a shopper would see it. */
async function screenshots(guestPage) {
  const guest = report.guest.id;
  for (const [name, viewport] of [['phone', phone], ['desktop', desktop]]) {
    const page = await shopper(viewport);
    // The guest's browser: its orders, and something in the cart.
    await goto(page, '/shop');
    await page.evaluate((orders) => { localStorage.setItem('agora.shop.orders', orders); }, await guestPage.evaluate(() => localStorage.getItem('agora.shop.orders')));
    await addFromProductPage(page, env('P1'), 1);
    await addFromProductPage(page, env('P2'), 2);
    for (const [file, path, ready] of [['catalog', '/shop', '#catalog article'], ['product', `/shop/products/${env('P1')}`, '.detail'],
      ['cart', '/shop/cart', 'table.lines'], ['checkout', '/shop/checkout', '#checkout'], ['order', `/shop/orders/${guest}`, '#scans li'],
      ['orders', '/shop/orders', '#orders'], ['account', '/shop/account', '#signin']]) {
      if (name === 'desktop' && report.screenshots.some((s) => s.endsWith(`/${file}-desktop.jpg`))) continue;
      await goto(page, path);
      await page.waitForSelector(ready);
      if (name === 'phone') {
        report.phone_overflow = report.phone_overflow || [];
        // Wider than the phone: a mobile viewport grows to fit, so compare with the phone's width.
        if (await page.evaluate((w) => document.documentElement.scrollWidth > w, phone.width)) report.phone_overflow.push(file);
      }
      report.unlabelled = (report.unlabelled || []).concat(await page.$$eval('input, select, textarea', (es) => es
        .filter((e) => !(e.labels && e.labels.length) && !e.getAttribute('aria-label')).map((e) => `${location.pathname} ${e.name || e.id}`)));
      await shot(page, `${file}-${name}`);
    }
    await page.close();
  }
}

async function mailLink() {
  const page = await shopper(phone);
  await page.goto(env('MAIL_LINK'), { waitUntil: 'networkidle0' });
  await page.waitForSelector('#order-id');
  report.mail = { id: await text(page, '#order-id'), status: await status(page), address_bar: page.url(),
    title: await text(page, '#order-title') };
  await page.reload({ waitUntil: 'networkidle0' }); // the token stayed in this browser, out of the URL
  await page.waitForSelector('#order-id');
  report.mail.after_reload = await text(page, '#order-id');
  await shot(page, 'order-from-mail-phone');
}

try {
  if (mode === 'mail') {
    await mailLink();
  } else {
    const guestPage = await guestBuysTwoProducts();
    await limitsAndRaces();
    await signedIn();
    await screenshots(guestPage);
  }
} catch (e) {
  report.error = String(e && e.stack ? e.stack : e);
  const last = pages.filter((p) => !p.isClosed()).pop();
  if (last) await last.screenshot({ path: `${out}/failure.jpg`, type: 'jpeg', quality: 75, fullPage: true }).catch(() => {});
} finally {
  await browser.close();
}
console.log(JSON.stringify(report));
