// agora's storefront: a few pages over the public REST API, nothing else (with el() and fill()
// from /assets/dom.js). Every value from the
// server goes into the page as text (textContent, never HTML), and the page runs under a CSP
// without inline script. The cart, the session token and the access tokens of guest orders live
// in this browser's localStorage; tokens travel only in the Authorization header.
'use strict';

const KEYS = {
  session: 'agora.shop.session', // {token, expires_at, email, name}
  cart: 'agora.shop.cart',       // [{product_id, quantity, name, price_cents, currency}]
  orders: 'agora.shop.orders',   // guest orders of this browser: [{id, token, at}]
  attempt: 'agora.shop.checkout', // {body, key}: the Idempotency-Key of the checkout being tried
};
const PAGE_SIZE = 24;
const POLL_MS = 1500;
const CANCELLABLE = ['PENDING', 'RESERVED', 'PAID'];
const TERMINAL = ['DELIVERED', 'CANCELLED', 'REJECTED'];

const state = { poll: null, products: new Map(), firstRender: true };
// Money without Intl.NumberFormat: its first use loads the locale data, which measured 30-75 ms of
// the catalog's first render on this machine (bench/shop.sh). "$1,234.50", "€9.90", "12.00 CHF".
const SYMBOLS = { USD: '$', EUR: '€', GBP: '£', JPY: '¥', CAD: 'CA$', AUD: 'A$' };
const NO_CENTS = new Set(['JPY', 'KRW']);

function money(cents, currency) {
  if (typeof cents !== 'number' || !Number.isFinite(cents)) return '–';
  const code = currency || 'USD';
  const whole = NO_CENTS.has(code);
  const units = Math.abs(whole ? cents : cents / 100);
  const [int, frac] = units.toFixed(whole ? 0 : 2).split('.');
  const amount = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',') + (frac ? `.${frac}` : '');
  const sign = cents < 0 ? '-' : '';
  return SYMBOLS[code] ? `${sign}${SYMBOLS[code]}${amount}` : `${sign}${amount} ${code}`;
}

function when(iso) {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '–' : d.toLocaleString();
}

function load(key, fallback) {
  try {
    const v = JSON.parse(localStorage.getItem(key));
    return v === null ? fallback : v;
  } catch (e) {
    return fallback;
  }
}

function save(key, value) {
  try {
    if (value === null) localStorage.removeItem(key);
    else localStorage.setItem(key, JSON.stringify(value));
  } catch (e) { /* private mode or full: the page still works for this visit */ }
}

function randomKey() {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes); // works on plain http too, unlike randomUUID
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

// ---- the session, the cart and guest orders ----

function session() {
  const s = load(KEYS.session, null);
  if (s && s.token && Date.parse(s.expires_at) > Date.now()) return s;
  if (s) save(KEYS.session, null);
  return null;
}

function cart() { return load(KEYS.cart, []); }

function inCart(productId) {
  const line = cart().find((l) => l.product_id === productId);
  return line ? line.quantity : 0;
}

function setCart(lines) {
  save(KEYS.cart, lines.filter((l) => l.quantity > 0));
  header();
}

/** Adds up to `quantity` of a product, never beyond what is available; answers how many. */
function addToCart(p, quantity) {
  const lines = cart();
  let line = lines.find((l) => l.product_id === p.id);
  if (!line) {
    line = { product_id: p.id, quantity: 0 };
    lines.push(line);
  }
  const added = Math.max(0, Math.min(quantity, p.available - line.quantity));
  Object.assign(line, { name: p.name, price_cents: p.price_cents, currency: p.currency });
  line.quantity += added;
  setCart(lines);
  return added;
}

function guestOrders() { return load(KEYS.orders, []); }

function rememberOrder(id, token) {
  const list = guestOrders().filter((o) => o.id !== id);
  list.unshift({ id, token, at: new Date().toISOString() });
  save(KEYS.orders, list.slice(0, 50));
}

function orderToken(id) {
  const o = guestOrders().find((x) => x.id === id);
  return o ? o.token : null;
}

// ---- talking to the door ----

/**
 * One request to the API: {status, ok, body, headers}. A session that the server no longer
 * knows is forgotten. A network failure is status 0 with a problem in words.
 */
async function api(path, options = {}) {
  const headers = { Accept: 'application/json', ...(options.headers || {}) };
  const s = session();
  const token = options.anonymous ? null : options.token || (s && s.token);
  if (token) headers.Authorization = `Bearer ${token}`;
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  let res;
  try {
    res = await fetch(path, {
      method: options.method || 'GET',
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      cache: 'no-store',
      // The door sets no cookies; same-origin (not omit) lets /shop's preload of the first
      // catalog page be the request the catalog makes.
      credentials: 'same-origin',
    });
  } catch (e) {
    return { status: 0, ok: false, body: { detail: 'The shop cannot reach its server. Check your connection and try again.' }, headers: new Headers() };
  }
  let body = null;
  try { body = await res.json(); } catch (e) { body = null; }
  if (res.status === 401 && s && !options.token) {
    save(KEYS.session, null);
    notice('Your session has ended. Please sign in again.');
    header();
  }
  return { status: res.status, ok: res.ok, body, headers: res.headers };
}

function retryAfter(res) {
  const n = parseInt(res.headers.get('Retry-After'), 10);
  return Number.isFinite(n) && n > 0 ? n : 1;
}

/** What went wrong, in words a shopper can act on. */
function problemText(res) {
  const wait = retryAfter(res);
  if (res.status === 429) return `Too many requests from here: try again in ${wait} s.`;
  if (res.status === 503) return `The shop is busy right now: try again in ${wait} s.`;
  const p = res.body || {};
  return p.detail || p.title || `The request failed (${res.status}).`;
}

async function product(id) {
  if (state.products.has(id)) return state.products.get(id);
  const res = await api(`/products/${encodeURIComponent(id)}`);
  const p = res.ok ? res.body : null;
  if (p) state.products.set(id, p);
  return p;
}

// ---- page frame ----

function notice(message, kind) {
  const n = $('notice');
  n.textContent = message || '';
  n.className = `notice ${kind || ''}`;
  n.hidden = !message;
  clearTimeout(notice.timer);
  if (message) notice.timer = setTimeout(() => { n.hidden = true; }, 6000);
}

function header() {
  const count = cart().reduce((sum, l) => sum + l.quantity, 0);
  $('cart-count').textContent = String(count);
  $('cart-link').setAttribute('aria-label', `Cart, ${count} item${count === 1 ? '' : 's'}`);
  const s = session();
  $('account-link').textContent = s ? (s.name || s.email || 'Account') : 'Sign in';
}

function page(title, ...children) {
  document.title = `${title} · agora shop`;
  fill($('view'), children);
}

function navigate(url, replace) {
  if (replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  render();
}

function stopPolling() {
  clearTimeout(state.poll);
  state.poll = null;
}

/** A form field with its label and a place for its error; `field` is the API's field name. */
function field(label, field, attrs) {
  const { hint, scope, ...rest } = attrs || {}; // scope: ids stay unique with two forms on a page
  const id = `${scope || 'f'}-${field.replace(/[^a-z0-9]+/gi, '-')}`;
  return el('div', { class: 'field' },
    el('label', { for: id }, label),
    el('input', { id, name: field, 'data-field': field, 'aria-describedby': `${id}-error`, ...rest }),
    hint ? el('p', { class: 'hint' }, hint) : null,
    el('p', { class: 'field-error', id: `${id}-error`, hidden: true }));
}

function clearErrors(form) {
  for (const p of form.querySelectorAll('.field-error')) { p.hidden = true; p.textContent = ''; }
  for (const i of form.querySelectorAll('[aria-invalid]')) i.removeAttribute('aria-invalid');
  const top = form.querySelector('.form-error');
  if (top) { top.hidden = true; top.textContent = ''; }
}

/**
 * Shows a failed answer on its form: each problem+json error next to the field it names, the
 * rest above the button. Answers the seconds to wait for a 429 or 503 (0 otherwise).
 */
function showErrors(form, res, words) {
  clearErrors(form);
  const rest = [];
  let first = null;
  for (const e of (res.body && Array.isArray(res.body.errors) ? res.body.errors : [])) {
    const input = form.querySelector(`[data-field="${CSS.escape(String(e.field))}"]`);
    if (!input) { rest.push(`${e.field}: ${e.message}`); continue; }
    const p = $(input.getAttribute('aria-describedby'));
    p.textContent = e.message;
    p.hidden = false;
    input.setAttribute('aria-invalid', 'true');
    first = first || input;
  }
  const top = form.querySelector('.form-error');
  if (rest.length || !first) {
    top.textContent = rest.length ? rest.join(' · ') : (words || problemText(res));
    top.hidden = false;
  }
  if (first) first.focus();
  return res.status === 429 || res.status === 503 ? retryAfter(res) : 0;
}

/** Keeps a button disabled for `seconds`, counting down in its label. */
function holdButton(button, seconds, label) {
  let left = seconds;
  button.disabled = true;
  const tick = () => {
    if (left <= 0) { button.disabled = false; button.textContent = label; return; }
    button.textContent = `${label} (wait ${left} s)`;
    left -= 1;
    setTimeout(tick, 1000);
  };
  tick();
}

// ---- catalog and product ----

function availability(p) {
  if (p.available <= 0) return el('span', { class: 'stock out' }, 'Out of stock');
  if (p.available <= 5) return el('span', { class: 'stock low' }, `Only ${p.available} left`);
  return el('span', { class: 'stock' }, 'In stock');
}

function tile(p) {
  const letters = String(p.name || '?').trim().split(/\s+/).slice(0, 2)
    .map((w) => Array.from(w)[0] || '').join('').toUpperCase();
  return el('div', { class: 'tile', 'aria-hidden': 'true', style: `--hue:${(p.id * 47) % 360}` }, letters);
}

function addButton(p, quantityOf) {
  const full = () => inCart(p.id) >= p.available;
  const b = el('button', { type: 'button', class: 'add', disabled: full() },
    p.available <= 0 ? 'Out of stock' : (full() ? 'All in your cart' : 'Add to cart'));
  b.addEventListener('click', () => {
    const wanted = quantityOf ? quantityOf() : 1;
    const added = addToCart(p, wanted);
    if (added > 0) notice(`Added ${added} × ${p.name} to your cart.`, 'ok');
    if (added < wanted) notice(`Only ${p.available} of ${p.name} available: your cart has them all.`, 'warn');
    if (full()) { b.disabled = true; b.textContent = 'All in your cart'; }
  });
  return b;
}

async function catalogView(_, params) {
  const q = (params.get('q') || '').trim();
  const pageNo = Math.max(1, parseInt(params.get('page'), 10) || 1);
  $('q').value = q;
  const query = new URLSearchParams({ limit: PAGE_SIZE, offset: (pageNo - 1) * PAGE_SIZE });
  if (q) query.set('q', q);
  const res = await api(`/products?${query}`);
  if (!res.ok) return page('Catalog', el('h1', {}, 'Catalog'), el('p', { class: 'error', role: 'alert' }, problemText(res)));
  const { items, total } = res.body;
  for (const p of items) state.products.set(String(p.id), p);
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  const link = (n) => `/shop?${new URLSearchParams({ ...(q ? { q } : {}), page: n })}`;
  const cards = items.map((p) => el('article', { class: 'card product' },
    tile(p),
    el('h2', {}, el('a', { href: `/shop/products/${p.id}`, 'data-nav': true }, p.name)),
    el('p', { class: 'desc' }, p.description || ''),
    el('div', { class: 'buy' }, el('span', { class: 'price' }, money(p.price_cents, p.currency)), availability(p)),
    addButton(p)));
  page(q ? `Search: ${q}` : 'Catalog',
    el('div', { class: 'heading' },
      el('h1', {}, q ? `Results for “${q}”` : 'Catalog'),
      el('span', { class: 'muted', id: 'catalog-total' }, count(total, 'product'))),
    items.length ? el('div', { class: 'grid', id: 'catalog' }, cards)
      : el('p', { class: 'empty' }, q ? `No product matches “${q}”.` : 'The catalog is empty.'),
    pages > 1 ? el('nav', { class: 'pager', 'aria-label': 'Pages' },
      pageNo > 1 ? el('a', { href: link(pageNo - 1), 'data-nav': true, rel: 'prev' }, '← Previous') : el('span'),
      el('span', { class: 'muted' }, `Page ${pageNo} of ${pages}`),
      pageNo < pages ? el('a', { href: link(pageNo + 1), 'data-nav': true, rel: 'next' }, 'Next →') : el('span'))
      : null);
  document.documentElement.dataset.rendered = 'catalog';
  // For real-user timing (and bench/shop.sh): the frame after the products are in the page.
  if (!performance.getEntriesByName('catalog-rendered').length)
    requestAnimationFrame(() => performance.mark('catalog-rendered'));
}

async function productView(id) {
  state.products.delete(id); // availability changes: always ask
  const p = await product(id);
  if (!p) return page('Not found', el('h1', {}, 'No such product'), el('p', {}, el('a', { href: '/shop', 'data-nav': true }, 'Back to the catalog')));
  const room = Math.max(0, p.available - inCart(p.id));
  const qty = el('input', { id: 'qty', type: 'number', min: 1, max: Math.max(1, room), value: 1, inputmode: 'numeric', disabled: room === 0 });
  page(p.name,
    el('p', { class: 'crumbs' }, el('a', { href: '/shop', 'data-nav': true }, 'Catalog'), ' › ', p.name),
    el('article', { class: 'card detail' },
      tile(p),
      el('div', {},
        el('h1', {}, p.name),
        el('p', { class: 'muted' }, `SKU ${p.sku}`),
        el('p', {}, p.description || ''),
        el('p', { class: 'buy' }, el('span', { class: 'price big' }, money(p.price_cents, p.currency)), availability(p)),
        el('div', { class: 'row' },
          el('label', { for: 'qty' }, 'Quantity'), qty,
          addButton(p, () => Math.max(1, Math.min(parseInt(qty.value, 10) || 1, room)))),
        inCart(p.id) ? el('p', { class: 'muted' }, `${inCart(p.id)} in your cart. `, el('a', { href: '/shop/cart', 'data-nav': true }, 'View cart')) : null)));
}

// ---- cart and checkout ----

function cartTotal(lines) {
  return lines.reduce((sum, l) => sum + l.price_cents * l.quantity, 0);
}

async function cartView() {
  let lines = cart();
  if (!lines.length) return page('Cart', el('h1', {}, 'Your cart'), el('p', { class: 'empty' }, 'Your cart is empty. ', el('a', { href: '/shop', 'data-nav': true }, 'Browse the catalog')));
  const fresh = await Promise.all(lines.map((l) => { state.products.delete(String(l.product_id)); return product(String(l.product_id)); }));
  const notes = [];
  lines = lines.map((l, i) => {
    const p = fresh[i];
    if (!p) { notes.push(`${l.name} is no longer sold and was removed.`); return { ...l, quantity: 0 }; }
    const quantity = Math.min(l.quantity, p.available);
    if (quantity < l.quantity) notes.push(p.available ? `Only ${p.available} of ${p.name} left: quantity lowered.` : `${p.name} is out of stock and was removed.`);
    return { product_id: p.id, quantity, name: p.name, price_cents: p.price_cents, currency: p.currency, available: p.available };
  });
  setCart(lines);
  lines = lines.filter((l) => l.quantity > 0);
  const currencies = new Set(lines.map((l) => l.currency));
  const rows = lines.map((l) => {
    const qty = el('input', { type: 'number', min: 1, max: l.available, value: l.quantity, 'aria-label': `Quantity of ${l.name}`, inputmode: 'numeric' });
    qty.addEventListener('change', () => {
      const all = cart();
      const line = all.find((x) => x.product_id === l.product_id);
      line.quantity = Math.max(1, Math.min(parseInt(qty.value, 10) || 1, l.available));
      setCart(all);
      render();
    });
    return el('tr', {},
      el('td', {}, el('a', { href: `/shop/products/${l.product_id}`, 'data-nav': true }, l.name)),
      el('td', { class: 'num unit' }, money(l.price_cents, l.currency)),
      el('td', {}, qty),
      el('td', { class: 'num' }, money(l.price_cents * l.quantity, l.currency)),
      el('td', {}, el('button', { type: 'button', class: 'quiet', onclick: () => { setCart(cart().filter((x) => x.product_id !== l.product_id)); render(); } }, 'Remove')));
  });
  const mixed = currencies.size > 1;
  page('Cart',
    el('h1', {}, 'Your cart'),
    notes.length ? el('div', { class: 'warnbox', role: 'alert' }, notes.map((n) => el('p', {}, n))) : null,
    lines.length ? el('div', { class: 'card' },
      el('table', { class: 'lines' },
        el('thead', {}, el('tr', {}, el('th', {}, 'Product'), el('th', { class: 'num unit' }, 'Price'), el('th', {}, 'Quantity'), el('th', { class: 'num' }, 'Total'), el('th', {}, el('span', { class: 'sr' }, 'Remove')))),
        el('tbody', {}, rows)),
      mixed ? el('p', { class: 'error' }, 'These items are priced in different currencies: order them separately.')
        : el('p', { class: 'total' }, 'Total ', el('strong', {}, money(cartTotal(lines), lines[0].currency))),
      el('div', { class: 'actions' },
        el('a', { href: '/shop', 'data-nav': true }, 'Continue shopping'),
        el('a', { href: '/shop/checkout', 'data-nav': true, class: `button${mixed ? ' disabled' : ''}`, 'aria-disabled': mixed ? 'true' : null, id: 'to-checkout' }, 'Checkout')))
      : el('p', { class: 'empty' }, 'Nothing left in your cart. ', el('a', { href: '/shop', 'data-nav': true }, 'Browse the catalog')));
}

function checkoutBody(form, s) {
  const v = (name) => form.elements[name] ? form.elements[name].value.trim() : '';
  return {
    customer_email: s ? s.email : v('customer_email'),
    items: cart().map((l) => ({ product_id: l.product_id, quantity: l.quantity })),
    payment: { card_number: v('payment.card_number').replace(/[\s-]/g, '') },
    shipping_address: {
      name: v('shipping_address.name'), line1: v('shipping_address.line1'), city: v('shipping_address.city'),
      postal_code: v('shipping_address.postal_code'), country: v('shipping_address.country'),
    },
  };
}

/** The same body keeps its Idempotency-Key (a double click or a retry is one order); another body gets a new one. */
function idempotencyKey(body) {
  const text = JSON.stringify(body);
  const attempt = load(KEYS.attempt, null);
  if (attempt && attempt.body === text) return attempt.key;
  const key = randomKey();
  save(KEYS.attempt, { body: text, key });
  return key;
}

async function placeOrder(form, button, s) {
  if (form.dataset.busy) return; // a second click while the first is on its way
  form.dataset.busy = '1';
  button.disabled = true;
  button.textContent = 'Placing your order…';
  const body = checkoutBody(form, s);
  const res = await api('/orders', { method: 'POST', body, headers: { 'Idempotency-Key': idempotencyKey(body) } });
  delete form.dataset.busy;
  if (res.ok && res.body && res.body.id) {
    if (res.body.access_token) rememberOrder(res.body.id, res.body.access_token);
    save(KEYS.attempt, null);
    setCart([]);
    return navigate(`/shop/orders/${encodeURIComponent(res.body.id)}`);
  }
  if (res.status === 422) save(KEYS.attempt, null); // a key we must not reuse: the next try gets another
  const wait = showErrors(form, res);
  if (wait) holdButton(button, wait, 'Place order');
  else { button.disabled = false; button.textContent = 'Place order'; }
}

function testCards() {
  return el('details', { class: 'cards', open: true },
    el('summary', {}, 'Test cards (this shop charges nobody)'),
    el('ul', {},
      el('li', {}, el('code', {}, '4242 4242 4242 4242'), ' is approved (so is any other number that passes the Luhn check)'),
      el('li', {}, el('code', {}, '4000 0000 0000 0002'), ' is declined'),
      el('li', {}, el('code', {}, '4000 0000 0000 9995'), ' is declined for insufficient funds'),
      el('li', {}, 'a number that fails the Luhn check is refused before anything happens')));
}

async function checkoutView() {
  const lines = cart();
  if (!lines.length) return page('Checkout', el('h1', {}, 'Checkout'), el('p', { class: 'empty' }, 'Your cart is empty. ', el('a', { href: '/shop', 'data-nav': true }, 'Browse the catalog')));
  const s = session();
  const button = el('button', { type: 'submit', id: 'place-order' }, 'Place order');
  const form = el('form', { class: 'card checkout', novalidate: true, id: 'checkout' },
    el('fieldset', {}, el('legend', {}, 'Contact'),
      s ? el('p', {}, 'Ordering as ', el('strong', {}, s.email), '. ', el('a', { href: '/shop/account', 'data-nav': true }, 'Not you?'))
        : [field('Email', 'customer_email', { type: 'email', autocomplete: 'email', required: true }),
          el('p', { class: 'hint' }, 'A guest order: the confirmation mail links back to its page. ', el('a', { href: '/shop/account', 'data-nav': true }, 'Sign in'), ' to keep your orders in an account.')]),
    el('fieldset', {}, el('legend', {}, 'Shipping address'),
      field('Full name', 'shipping_address.name', { autocomplete: 'name', required: true, value: s ? s.name || '' : '' }),
      field('Street and number', 'shipping_address.line1', { autocomplete: 'address-line1', required: true }),
      el('div', { class: 'pair' },
        field('City', 'shipping_address.city', { autocomplete: 'address-level2', required: true }),
        field('Postal code', 'shipping_address.postal_code', { autocomplete: 'postal-code', required: true })),
      field('Country', 'shipping_address.country', { autocomplete: 'country', required: true, value: 'US' })),
    el('fieldset', {}, el('legend', {}, 'Payment'),
      field('Card number', 'payment.card_number', { autocomplete: 'cc-number', inputmode: 'numeric', required: true }),
      testCards()),
    el('p', { class: 'form-error', role: 'alert', hidden: true }),
    el('div', { class: 'actions' }, el('a', { href: '/shop/cart', 'data-nav': true }, 'Back to cart'), button));
  form.addEventListener('submit', (ev) => { ev.preventDefault(); placeOrder(form, button, s); });
  page('Checkout',
    el('h1', {}, 'Checkout'),
    el('div', { class: 'split' }, form,
      el('aside', { class: 'card summary', 'aria-label': 'Order summary' },
        el('h2', {}, 'Summary'),
        el('ul', { class: 'plain' }, lines.map((l) => el('li', {}, `${l.quantity} × ${l.name}`, el('span', { class: 'num' }, money(l.price_cents * l.quantity, l.currency))))),
        el('p', { class: 'total' }, 'Total ', el('strong', {}, money(cartTotal(lines), lines[0].currency))),
        el('p', { class: 'hint' }, 'Prices are confirmed by the catalog when you place the order.'))));
}

// ---- orders ----

const STEPS = [['PENDING', 'Placed'], ['PAID', 'Paid'], ['SHIPPED', 'Shipped'], ['DELIVERED', 'Delivered']];
const RANK = { PENDING: 0, RESERVED: 0, PAID: 1, SHIPPED: 2, DELIVERED: 3 };

function outcome(o) {
  const why = {
    OUT_OF_STOCK: 'Some items were no longer in stock when we tried to reserve them. Nothing was charged.',
    PAYMENT_DECLINED: 'Your card was declined. Nothing was charged, and the items went back on the shelf.',
    CUSTOMER_REQUEST: 'You cancelled this order. Any charge has been refunded and the items released.',
    TIMEOUT: 'We could not complete this order in time, so we cancelled it. Any charge has been refunded.',
  };
  if (o.status === 'REJECTED') return ['Rejected: out of stock', why[o.reason] || why.OUT_OF_STOCK];
  if (o.status === 'CANCELLED') {
    const title = { PAYMENT_DECLINED: 'Cancelled: payment declined', CUSTOMER_REQUEST: 'Cancelled at your request', TIMEOUT: 'Cancelled: it took too long' }[o.reason];
    return [title || 'Cancelled', why[o.reason] || 'This order was cancelled.'];
  }
  return {
    PENDING: ['Received', 'We are reserving your items.'],
    RESERVED: ['Items reserved', 'We are charging your card.'],
    PAID: ['Paid', 'Your order is being packed for the carrier.'],
    SHIPPED: ['Shipped', 'Your parcel is on its way.'],
    DELIVERED: ['Delivered', 'Your parcel has arrived. Enjoy!'],
  }[o.status] || [o.status, ''];
}

function progress(o) {
  if (!(o.status in RANK)) return null;
  const at = RANK[o.status];
  const done = (i) => i < at || o.status === 'DELIVERED';
  return el('ol', { class: 'steps', 'aria-label': 'Progress' }, STEPS.map(([, label], i) =>
    el('li', { class: done(i) ? 'done' : (i === at ? 'current' : ''), 'aria-current': i === at ? 'step' : null }, label)));
}

async function trackingEvents(o, token) {
  const t = o.shipment && o.shipment.tracking_number;
  if (!t) return [];
  const res = await api(`/tracking/${encodeURIComponent(t)}`, { token });
  return res.ok && Array.isArray(res.body.events) ? res.body.events : [];
}

function scans(o, events) {
  if (!o.shipment || !o.shipment.tracking_number) return null;
  const words = { LABEL_CREATED: 'Label created', IN_TRANSIT: 'In transit', OUT_FOR_DELIVERY: 'Out for delivery', DELIVERED: 'Delivered', CANCELLED: 'Cancelled' };
  return el('section', { class: 'card' },
    el('h2', {}, 'Shipment'),
    el('p', {}, `${o.shipment.carrier} · tracking number `, el('code', { id: 'tracking' }, o.shipment.tracking_number)),
    el('ol', { class: 'scans', id: 'scans' }, events.slice().reverse().map((e) =>
      el('li', {}, el('strong', {}, words[e.status] || e.status), el('span', { class: 'muted' }, when(e.at))))));
}

function cancelBox(o, token, refresh, tell) {
  if (!CANCELLABLE.includes(o.status)) return null;
  const box = el('div', { class: 'cancel' });
  const message = el('p', { class: 'error', role: 'alert', hidden: true, id: 'cancel-error' });
  const ask = el('button', { type: 'button', class: 'quiet', id: 'cancel' }, 'Cancel order');
  const yes = el('button', { type: 'button', class: 'danger', id: 'cancel-yes' }, 'Yes, cancel it');
  const no = el('button', { type: 'button', class: 'quiet' }, 'Keep it');
  const confirm = el('div', { class: 'row', hidden: true }, el('span', {}, 'Cancel this order?'), yes, no);
  ask.addEventListener('click', () => { ask.hidden = true; confirm.hidden = false; yes.focus(); });
  no.addEventListener('click', () => { ask.hidden = false; confirm.hidden = true; ask.focus(); });
  yes.addEventListener('click', async () => {
    yes.disabled = true;
    const res = await api(`/orders/${encodeURIComponent(o.id)}/cancel`, { method: 'POST', body: {}, token });
    if (res.ok) return refresh(true);
    if (res.status === 409) { // the order moved on meanwhile: say so, and show where it is now
      tell(`This order can no longer be cancelled: ${(res.body && res.body.detail) || 'it has moved on'}.`);
      return refresh(true);
    }
    yes.disabled = false;
    message.textContent = problemText(res);
    message.hidden = false;
  });
  box.append(ask, confirm, message);
  return box;
}

async function itemRows(o) {
  const names = await Promise.all(o.items.map((i) => product(String(i.product_id))));
  return o.items.map((i, n) => el('tr', {},
    el('td', {}, names[n] ? el('a', { href: `/shop/products/${i.product_id}`, 'data-nav': true }, names[n].name) : `Product ${i.product_id}`),
    el('td', { class: 'num' }, String(i.quantity)),
    el('td', { class: 'num' }, money(i.unit_price_cents * i.quantity, o.currency))));
}

function paymentLine(o) {
  if (!o.payment) return null;
  const words = { AUTHORIZED: 'authorized', CAPTURED: 'charged', DECLINED: 'declined', REFUNDED: 'refunded', PARTIALLY_REFUNDED: 'partly refunded' };
  return el('p', { id: 'payment' }, `Payment of ${money(o.payment.amount_cents, o.currency)}: `,
    el('strong', {}, words[o.payment.status] || o.payment.status));
}

async function orderView(id, params) {
  let token = params.get('access_token');
  if (token) { // from the mail's link: keep it here, and out of the address bar
    rememberOrder(id, token);
    history.replaceState(null, '', `/shop/orders/${encodeURIComponent(id)}`);
  } else {
    token = orderToken(id);
  }
  const path = location.pathname;
  let shown = ''; // what the page shows: redrawn only when the order or its scans change
  let note = '';
  const tell = (words) => { note = words; };
  const refresh = async (force) => {
    stopPolling();
    if (location.pathname !== path) return;
    let res = await api(`/orders/${encodeURIComponent(id)}`, { token });
    if (res.status === 404 && token && session()) res = await api(`/orders/${encodeURIComponent(id)}`); // a guest token gone stale: the account may own it
    if (location.pathname !== path) return;
    if (!res.ok) {
      if (res.status === 429 || res.status === 503) {
        if (!shown) page('Order', el('h1', {}, 'Your order'), el('p', { class: 'muted', role: 'status' }, problemText(res)));
        state.poll = setTimeout(refresh, retryAfter(res) * 1000);
        return;
      }
      return page('Order', el('h1', {}, 'Order not found'), el('p', {}, res.status === 404
        ? 'We cannot find this order for you. Open the link in your confirmation mail, or sign in with the account that placed it.'
        : problemText(res)), el('p', {}, el('a', { href: '/shop/account', 'data-nav': true }, 'Sign in')));
    }
    const o = res.body;
    const [title, words] = outcome(o);
    const [rows, events] = await Promise.all([itemRows(o), trackingEvents(o, token)]);
    if (location.pathname !== path) return;
    const next = () => {
      if (!TERMINAL.includes(o.status) || (o.shipment && !['DELIVERED', 'CANCELLED'].includes(o.shipment.status)))
        state.poll = setTimeout(refresh, document.hidden ? POLL_MS * 4 : POLL_MS);
    };
    const seen = JSON.stringify([o, events]);
    if (seen === shown && !force) return next();
    shown = seen;
    const failed = o.status === 'REJECTED' || o.status === 'CANCELLED';
    const a = o.shipping_address || {};
    page(`Order ${title}`,
      el('p', { class: 'crumbs' }, el('a', { href: '/shop/orders', 'data-nav': true }, 'My orders'), ' › order'),
      el('section', { class: `card status ${failed ? 'failed' : ''} ${o.status === 'DELIVERED' ? 'delivered' : ''}`, id: 'order', 'data-status': o.status, 'data-id': o.id },
        el('h1', { id: 'order-title' }, title),
        el('p', { id: 'order-words' }, words),
        progress(o),
        el('p', { class: 'muted' }, 'Order ', el('code', { id: 'order-id' }, o.id), ` · placed ${when(o.created_at)}`),
        note ? el('p', { class: 'error', role: 'alert', id: 'order-note' }, note) : null,
        cancelBox(o, token, refresh, tell)),
      el('div', { class: 'split' },
        el('section', { class: 'card' },
          el('h2', {}, 'Items'),
          el('table', { class: 'lines' }, el('tbody', {}, rows)),
          el('p', { class: 'total' }, 'Total ', el('strong', {}, money(o.total_cents, o.currency))),
          paymentLine(o)),
        el('section', { class: 'card' },
          el('h2', {}, 'Shipping to'),
          el('address', {}, [a.name, a.line1, a.line2, `${a.postal_code || ''} ${a.city || ''}`.trim(), a.country].filter(Boolean).map((l) => el('div', {}, l))),
          el('p', { class: 'muted' }, `Confirmation to ${o.customer_email}`))),
      scans(o, events));
    next();
  };
  await refresh();
}

const count = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;

function orderRow(o) {
  return el('tr', {},
    el('td', {}, el('a', { href: `/shop/orders/${encodeURIComponent(o.id)}`, 'data-nav': true }, when(o.created_at))),
    el('td', {}, el('span', { class: `badge ${o.status}` }, o.status.toLowerCase())),
    el('td', { class: 'num' }, money(o.total_cents, o.currency)),
    el('td', { class: 'muted' }, count(o.items.reduce((n, i) => n + i.quantity, 0), 'item')));
}

function orderTable(rows) {
  return el('table', { class: 'lines', id: 'orders' },
    el('thead', {}, el('tr', {}, el('th', {}, 'Placed'), el('th', {}, 'Status'), el('th', { class: 'num' }, 'Total'), el('th', {}, 'Items'))),
    el('tbody', {}, rows));
}

async function ordersView(_, params) {
  const s = session();
  if (s) {
    const offset = Math.max(0, parseInt(params.get('offset'), 10) || 0);
    const res = await api(`/orders?limit=20&offset=${offset}`);
    if (!res.ok) return page('My orders', el('h1', {}, 'My orders'), el('p', { class: 'error', role: 'alert' }, problemText(res)));
    const { items, total } = res.body;
    return page('My orders', el('h1', {}, 'My orders'),
      items.length ? el('div', { class: 'card' }, orderTable(items.map(orderRow))) : el('p', { class: 'empty' }, 'No orders yet. ', el('a', { href: '/shop', 'data-nav': true }, 'Start shopping')),
      total > 20 ? el('nav', { class: 'pager' },
        offset > 0 ? el('a', { href: `/shop/orders?offset=${Math.max(0, offset - 20)}`, 'data-nav': true }, '← Newer') : el('span'),
        el('span', { class: 'muted' }, `${offset + 1}–${Math.min(total, offset + 20)} of ${total}`),
        offset + 20 < total ? el('a', { href: `/shop/orders?offset=${offset + 20}`, 'data-nav': true }, 'Older →') : el('span')) : null);
  }
  const mine = guestOrders().slice(0, 20);
  const found = await Promise.all(mine.map((o) => api(`/orders/${encodeURIComponent(o.id)}`, { token: o.token })));
  const rows = found.filter((r) => r.ok).map((r) => orderRow(r.body));
  page('My orders', el('h1', {}, 'My orders'),
    el('p', {}, el('a', { href: '/shop/account', 'data-nav': true }, 'Sign in'), ' to see the orders of your account.'),
    rows.length ? el('section', { class: 'card' }, el('h2', {}, 'Guest orders placed in this browser'), orderTable(rows)) : el('p', { class: 'empty' }, 'No guest orders in this browser.'));
}

// ---- accounts ----

async function signIn(email, password) {
  const res = await api('/sessions', { method: 'POST', body: { email, password }, anonymous: true });
  if (!res.ok) return res;
  const s = { token: res.body.token, expires_at: res.body.expires_at, email };
  save(KEYS.session, s);
  const me = await api('/customers/me');
  if (me.ok) save(KEYS.session, { ...s, email: me.body.email, name: me.body.name });
  header();
  return res;
}

function accountForm(id, title, fields, label, act) {
  const button = el('button', { type: 'submit' }, label);
  const form = el('form', { class: 'card', id, novalidate: true, 'aria-labelledby': `${id}-title` },
    el('h2', { id: `${id}-title` }, title), fields, el('p', { class: 'form-error', role: 'alert', hidden: true }), button);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (button.disabled) return;
    button.disabled = true;
    const res = await act(form);
    if (res.ok) return navigate(new URLSearchParams(location.search).get('next') || '/shop/orders');
    const wait = showErrors(form, res, res.status === 401 ? 'The email or the password is wrong.' : undefined);
    if (wait) holdButton(button, wait, label);
    else button.disabled = false;
  });
  return form;
}

async function accountView() {
  const s = session();
  if (s) {
    const me = await api('/customers/me');
    if (me.ok) {
      const out = el('button', { type: 'button', id: 'sign-out', class: 'quiet' }, 'Sign out');
      out.addEventListener('click', async () => {
        await api('/sessions/current', { method: 'DELETE' });
        save(KEYS.session, null);
        header();
        notice('You are signed out.', 'ok');
        navigate('/shop');
      });
      return page('Account', el('h1', {}, 'Your account'),
        el('section', { class: 'card narrow' },
          el('p', {}, el('strong', { id: 'me-name' }, me.body.name || me.body.email)),
          el('p', { id: 'me-email' }, me.body.email),
          el('p', { class: 'muted' }, `Customer since ${when(me.body.created_at)}`),
          el('div', { class: 'actions' }, el('a', { href: '/shop/orders', 'data-nav': true }, 'My orders'), out)));
    }
  }
  const v = (form, n) => form.elements[n].value;
  page('Sign in', el('h1', {}, 'Sign in or create an account'),
    el('div', { class: 'split even' },
      accountForm('signin', 'Sign in', [
        field('Email', 'email', { type: 'email', autocomplete: 'username', required: true, scope: 'signin' }),
        field('Password', 'password', { type: 'password', autocomplete: 'current-password', required: true, scope: 'signin' })],
      'Sign in', (f) => signIn(v(f, 'email').trim(), v(f, 'password'))),
      accountForm('signup', 'New here? Create an account', [
        field('Name', 'name', { autocomplete: 'name', scope: 'signup' }),
        field('Email', 'email', { type: 'email', autocomplete: 'email', required: true, scope: 'signup' }),
        field('Password', 'password', { type: 'password', autocomplete: 'new-password', required: true, hint: 'At least 10 characters.', scope: 'signup' })],
      'Create account', async (f) => {
        const email = v(f, 'email').trim();
        const made = await api('/customers', { method: 'POST', body: { email, password: v(f, 'password'), name: v(f, 'name').trim() }, anonymous: true });
        return made.ok ? signIn(email, v(f, 'password')) : made;
      })));
}

// ---- routing ----

const ROUTES = [
  [/^\/shop\/?$/, catalogView],
  [/^\/shop\/products\/([^/]+)$/, productView],
  [/^\/shop\/cart$/, cartView],
  [/^\/shop\/checkout$/, checkoutView],
  [/^\/shop\/orders$/, ordersView],
  [/^\/shop\/orders\/([^/]+)$/, orderView],
  [/^\/shop\/account$/, accountView],
];

async function render() {
  stopPolling();
  const params = new URLSearchParams(location.search);
  for (const [pattern, view] of ROUTES) {
    const m = location.pathname.match(pattern);
    if (!m) continue;
    await view(m[1] === undefined ? undefined : decodeURIComponent(m[1]), params);
    if (!state.firstRender) $('view').focus({ preventScroll: true });
    state.firstRender = false;
    window.scrollTo(0, 0);
    return;
  }
  page('Not found', el('h1', {}, 'This page does not exist'), el('p', {}, el('a', { href: '/shop', 'data-nav': true }, 'Back to the catalog')));
}

document.addEventListener('click', (ev) => {
  const a = ev.target.closest('a[data-nav]');
  if (!a || ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
  if (a.getAttribute('aria-disabled') === 'true') { ev.preventDefault(); return; }
  ev.preventDefault();
  navigate(a.getAttribute('href'));
});

window.addEventListener('popstate', render);
window.addEventListener('storage', header); // another tab changed the cart or signed in or out

document.addEventListener('DOMContentLoaded', () => {
  $('search').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const q = $('q').value.trim();
    navigate(q ? `/shop?${new URLSearchParams({ q })}` : '/shop');
  });
  header();
  render();
});
