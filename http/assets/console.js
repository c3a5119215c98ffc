// agora's introspection console. Every value from the server goes into the page as text
// (textContent, never HTML), the page runs under a CSP without inline script, and the staff
// token lives in this tab's sessionStorage and travels only in the Authorization header.
'use strict';

const TOKEN_KEY = 'agora.console.token';
const NOTICE_KEY = 'agora.console.notice';
const POLL_MS = 2000;
const PALETTE = ['#2f5fd0', '#1f8a4c', '#a84fc4', '#d0632f', '#0f8a8a', '#b8407a', '#6b7a1f',
  '#7a5230'];

const state = {
  view: 'cluster',
  stats: null,        // the last /admin/stats, for rates between two samples
  timer: null,
  actors: { type: '', node: '', q: '', sort: 'id', offset: 0, limit: 50, total: 0 },
  actor: null,        // "<id>@<node>" shown in the detail panel
  orderId: '',
  replay: null,
  step: 0,            // the replay step shown (1-based; 0: follow the last)
  epochs: {},         // "kind/shard" -> {epoch, owner}, to notice handoffs
  moved: {},          // "kind/shard" -> when it last changed hands (ms)
  outboxOrder: '',
};

const text = (v) => (v === null || v === undefined || v === '' ? '–' : String(v));
const money = (cents, currency) => (typeof cents === 'number'
  ? `${(cents / 100).toFixed(2)} ${currency || ''}`.trim() : '–');

function ago(iso) {
  if (!iso) return '–';
  const ms = Date.now() - Date.parse(iso);
  if (!Number.isFinite(ms)) return iso;
  if (ms < 1000) return 'now';
  if (ms < 60000) return `${Math.round(ms / 1000)} s ago`;
  if (ms < 3600000) return `${Math.round(ms / 60000)} min ago`;
  return `${Math.round(ms / 3600000)} h ago`;
}

function clock(iso) {
  if (!iso) return '–';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleTimeString();
}

function duration(ms) {
  if (typeof ms !== 'number' || ms < 0) return '–';
  if (ms < 1000) return `${ms} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}

// ---- talking to the door ----

class SignedOut extends Error {}

async function api(path, method) {
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (!token) throw new SignedOut('no token');
  const r = await fetch(path, {
    method: method || 'GET',
    headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' },
    cache: 'no-store',
    credentials: 'omit',
    referrerPolicy: 'no-referrer',
  });
  let body = null;
  try { body = await r.json(); } catch (e) { body = null; }
  if (r.status === 401) {
    signOut('The node no longer accepts this token (401). Sign in again.');
    throw new SignedOut('401');
  }
  return { status: r.status, body };
}

/** The detail of a problem+json answer, or the status. */
const why = (r) => (r.body && (r.body.detail || r.body.title)) || `HTTP ${r.status}`;

// ---- sign-in ----

async function signIn() {
  const input = $('token');
  const token = input.value.trim();
  input.value = '';
  const error = $('signin-error');
  error.hidden = true;
  if (!token) {
    error.textContent = 'Paste a staff token first.';
    error.hidden = false;
    return;
  }
  sessionStorage.setItem(TOKEN_KEY, token);
  let r;
  try {
    r = await fetch('/admin/cluster', { headers: { Authorization: `Bearer ${token}` },
      cache: 'no-store', credentials: 'omit' });
  } catch (e) {
    r = { status: 0 };
  }
  if (r.status !== 200) {
    sessionStorage.removeItem(TOKEN_KEY);
    error.textContent = r.status === 401 ? 'That token is not valid here.'
      : r.status === 403 ? 'That token may not read the console (staff only).'
        : 'The node did not answer; try again.';
    error.hidden = false;
    return;
  }
  start();
}

/** Forgets the token and everything shown: the page starts again from a clean document. */
function signOut(message) {
  sessionStorage.removeItem(TOKEN_KEY);
  if (message) sessionStorage.setItem(NOTICE_KEY, message);
  clearTimeout(state.timer);
  location.replace(location.pathname);
}

function showSignIn() {
  for (const v of document.querySelectorAll('.view')) v.hidden = true;
  $('tabs').hidden = true;
  $('strip').hidden = true;
  $('signout').hidden = true;
  $('signin').hidden = false;
  const notice = sessionStorage.getItem(NOTICE_KEY);
  sessionStorage.removeItem(NOTICE_KEY);
  const error = $('signin-error');
  error.textContent = notice || '';
  error.hidden = !notice;
  $('token').focus();
}

function start() {
  $('signin').hidden = true;
  $('tabs').hidden = false;
  $('strip').hidden = false;
  $('signout').hidden = false;
  route();
}

// ---- routing and polling ----

function route() {
  if (!sessionStorage.getItem(TOKEN_KEY)) return showSignIn();
  const [view, ...rest] = (location.hash.slice(1) || 'cluster').split('/');
  const arg = decodeURIComponent(rest.join('/'));
  state.view = ['cluster', 'shards', 'actors', 'actor', 'order', 'outbox'].includes(view)
    ? view : 'cluster';
  if (state.view === 'actor') {
    state.view = 'actors';
    state.actor = arg || null;
  } else if (state.view === 'actors') {
    state.actor = null;
  }
  if (state.view === 'order' && arg && arg !== state.orderId) {
    state.orderId = arg;
    state.replay = null;
    state.step = 0;
    $('order-id').value = arg;
  }
  if (state.view === 'outbox') state.outboxOrder = view === 'outbox' && rest[0] === 'order' ? decodeURIComponent(rest[1] || '') : '';
  for (const v of document.querySelectorAll('.view')) v.hidden = v.id !== `view-${state.view}`;
  for (const a of document.querySelectorAll('#tabs a')) {
    a.classList.toggle('active', a.dataset.tab === state.view);
  }
  refresh(true);
}

async function refresh(now) {
  clearTimeout(state.timer);
  if (!sessionStorage.getItem(TOKEN_KEY)) return;
  // Nobody looking, nothing asked: a hidden tab polls nothing until it is shown again.
  if (document.hidden && !now) return;
  try {
    await Promise.all([refreshStrip(), refreshView()]);
  } catch (e) {
    if (e instanceof SignedOut) return;
    console.warn('refresh failed', e);
  }
  state.timer = setTimeout(refresh, POLL_MS);
}

async function refreshView() {
  switch (state.view) {
    case 'cluster': return showCluster();
    case 'shards': return showShards();
    case 'actors': return showActors();
    case 'order': return showOrder();
    case 'outbox': return showOutbox();
    default: return undefined;
  }
}

// ---- the live strip ----

function quantile(le, before, after, q) {
  const d = after.map((c, i) => c - (before ? before[i] || 0 : 0));
  const total = d[d.length - 1];
  if (!(total > 0)) return null;
  const rank = q * total;
  for (let i = 0; i < le.length; i += 1) {
    if (d[i] >= rank) {
      const lower = i === 0 ? 0 : le[i - 1];
      const below = i === 0 ? 0 : d[i - 1];
      const inBucket = d[i] - below;
      return inBucket <= 0 ? le[i] : lower + ((le[i] - lower) * (rank - below)) / inBucket;
    }
  }
  return le[le.length - 1];
}

async function refreshStrip() {
  const r = await api('/admin/stats');
  if (r.status !== 200) return;
  const now = r.body;
  const prev = state.stats;
  state.stats = now;
  let rate = null;
  let le = null;
  let after = null;
  let before = null;
  const byType = {};
  for (const n of now.nodes) {
    for (const [type, count] of Object.entries(n.actors)) byType[type] = (byType[type] || 0) + count;
    le = le || n.latency_seconds.le;
    after = (after || n.latency_seconds.counts.map(() => 0)).map((c, i) => c + n.latency_seconds.counts[i]);
    const p = prev && prev.nodes.find((x) => x.node === n.node);
    if (p) {
      const seconds = Math.max(0.001, (Date.parse(n.at) - Date.parse(p.at)) / 1000);
      rate = (rate || 0) + (n.orders_created - p.orders_created) / seconds;
      before = (before || p.latency_seconds.counts.map(() => 0)).map((c, i) => c + p.latency_seconds.counts[i]);
    }
  }
  $('strip-rate').textContent = rate === null ? '–' : rate.toFixed(1);
  const p99 = le && before ? quantile(le, before, after, 0.99) : null;
  $('strip-p99').textContent = p99 === null ? '–' : `${(p99 * 1000).toFixed(1)} ms`;
  $('strip-nodes').textContent = String(now.nodes.length);
  const top = Object.entries(byType).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const shown = top.slice(0, 8).map(([t, c]) => `${t} ${c}`);
  if (top.length > 8) shown.push(`${top.length - 8} more types`);
  $('strip-actors').textContent = shown.join(' · ') || '–';
  $('strip-actors').title = top.map(([t, c]) => `${t} ${c}`).join('\n');
  const missing = $('strip-missing');
  missing.hidden = now.missing.length === 0;
  missing.textContent = `not answering: ${now.missing.join(', ')}`;
  const types = $('actor-type');
  const nodes = $('actor-node');
  syncOptions(types, Object.keys(byType).sort());
  syncOptions(nodes, now.nodes.map((n) => n.node).sort());
}

function syncOptions(select, values) {
  const have = [...select.options].map((o) => o.value).filter((v) => v !== '');
  if (have.join('\u0000') === values.join('\u0000')) return;
  const keep = select.value;
  fill(select, el('option', { value: '' }, 'all'), values.map((v) => el('option', { value: v }, v)));
  select.value = values.includes(keep) ? keep : '';
}

// ---- cluster ----

function statusBadge(status) {
  const kind = { live: 'ok', down: 'bad', left: '', PAID: 'ok', DELIVERED: 'ok', SHIPPED: 'ok',
    CANCELLED: 'warn', REJECTED: 'bad', FAILED: 'bad', SENT: 'ok', QUEUED: 'warn',
    SUPPRESSED: '' }[status];
  return el('span', { class: `badge ${kind || ''}` }, text(status));
}

async function showCluster() {
  const r = await api('/admin/cluster');
  if (r.status !== 200) return;
  fill($('cluster-rows'), r.body.nodes.map((n) => el('tr', { dataset: { row: 'node' } },
    el('td', {}, el('strong', {}, n.id)),
    el('td', {}, statusBadge(n.status)),
    el('td', {}, n.roles.join(', ')),
    el('td', { class: 'num' }, n.incarnation),
    el('td', { class: 'num' }, duration(n.heartbeat_age_ms)),
    el('td', { class: 'num' }, n.shards.orders),
    el('td', { class: 'num' }, n.shards.inventory),
    el('td', { class: 'mono' }, text(n.address)),
    el('td', {}, ago(n.joined_at)))));
}

// ---- shards ----

async function showShards() {
  const r = await api('/admin/shards');
  if (r.status !== 200) return;
  const items = r.body.items;
  const owners = [...new Set(items.map((s) => s.owner).filter(Boolean))].sort();
  const colour = (o) => PALETTE[owners.indexOf(o) % PALETTE.length];
  const now = Date.now();
  const log = $('handoffs');
  for (const s of items) {
    const key = `${s.kind}/${s.shard}`;
    const seen = state.epochs[key];
    if (seen && seen.epoch !== s.epoch) {
      state.moved[key] = now;
      if (log.firstElementChild && log.firstElementChild.classList.contains('muted')) fill(log);
      log.prepend(el('li', {}, `${clock(new Date().toISOString())} · ${s.kind} shard ${s.shard}: `
        + `${text(seen.owner)} → ${text(s.owner)} (epoch ${s.epoch})`));
    }
    state.epochs[key] = { epoch: s.epoch, owner: s.owner };
  }
  fill($('shard-legend'), owners.map((o) => el('span', {},
    el('i', { class: 'swatch', style: `background:${colour(o)}` }), o,
    el('span', { class: 'muted' }, `(${items.filter((s) => s.owner === o).length})`))),
  el('span', {}, el('i', { class: 'swatch cell unowned' }), 'unowned'),
  el('span', {}, el('i', { class: 'swatch', style: 'outline:3px solid #f0b429' }), 'changed hands in the last minute'));
  const kinds = [...new Set(items.map((s) => s.kind))];
  fill($('shard-maps'), kinds.map((kind) => {
    const shards = items.filter((s) => s.kind === kind).sort((a, b) => a.shard - b.shard);
    return el('div', { class: 'shardmap' }, el('h2', {}, `${kind} · ${shards.length} shards`),
      el('div', { class: 'cells' }, shards.map((s) => {
        const moved = now - (state.moved[`${kind}/${s.shard}`] || 0) < 60000;
        return el('div', {
          class: `cell${s.owner ? '' : ' unowned'}${moved ? ' moved' : ''}`,
          style: s.owner ? `background:${colour(s.owner)}` : null,
          title: `${kind} shard ${s.shard} · ${s.owner || 'unowned'} · epoch ${s.epoch}`
            + ` · since ${clock(s.since)}${s.expires_at ? ` · lease until ${clock(s.expires_at)}` : ''}`,
          dataset: { row: 'shard', kind, shard: s.shard, owner: s.owner || '' },
        }, String(s.shard), el('small', {}, `e${s.epoch}`));
      })));
  }));
}

// ---- actors ----

async function showActors() {
  const a = state.actors;
  const q = new URLSearchParams({ limit: a.limit, offset: a.offset, sort: a.sort });
  if (a.type) q.set('type', a.type);
  if (a.node) q.set('node', a.node);
  if (a.q) q.set('q', a.q);
  const r = await api(`/admin/actors?${q}`);
  if (r.status !== 200) return;
  const page = r.body;
  a.total = page.total;
  if (page.items.length === 0) {
    fill($('actor-rows'), el('tr', {}, el('td', { class: 'empty', colspan: 8 }, 'No live actor matches.')));
  } else {
    fill($('actor-rows'), page.items.map((x) => el('tr', {
      class: `link${x.id === state.actor ? ' selected' : ''}`,
      dataset: { row: 'actor', id: x.id },
      onclick: () => { location.hash = `#actor/${encodeURIComponent(x.id)}`; },
    },
    el('td', { class: 'mono' }, x.id), el('td', {}, x.type), el('td', {}, x.node),
    el('td', { class: 'mono' }, text(x.key)), el('td', {}, x.state ? statusBadge(x.state) : '–'),
    el('td', { class: 'num' }, x.mailbox), el('td', { class: 'num' }, x.messages),
    el('td', {}, ago(x.since)))));
  }
  const last = Math.min(a.offset + page.items.length, page.total);
  $('actor-range').textContent = page.total === 0 ? 'no live actors match'
    : `${a.offset + 1}–${last} of ${page.total}${page.missing.length
      ? ` · not answering: ${page.missing.join(', ')}` : ''}`;
  $('actor-prev').disabled = a.offset === 0;
  $('actor-next').disabled = last >= page.total;
  await showActorDetail();
}

async function showActorDetail() {
  const panel = $('actor-detail');
  if (!state.actor) {
    panel.hidden = true;
    return;
  }
  const r = await api(`/admin/actors/${encodeURIComponent(state.actor)}`);
  panel.hidden = false;
  if (r.status !== 200) {
    fill(panel, el('p', { class: 'muted' }, `${state.actor}: ${why(r)}`));
    return;
  }
  const d = r.body;
  const rows = [['type', d.type], ['node', d.node], ['key', text(d.key)], ['state', text(d.state)],
    ['mailbox', d.mailbox], ['messages handled', d.messages], ['alive since', `${clock(d.since)} (${ago(d.since)})`],
    ['recording', d.recording ? `until ${clock(d.recording_until)}` : 'off']];
  fill(panel,
    el('h2', {}, `Actor ${d.id}`),
    el('table', { class: 'grid compact' }, el('tbody', {}, rows.map(([k, v]) => el('tr', {},
      el('td', { class: 'key' }, k), el('td', {}, v))))),
    d.type === 'order' && d.key ? el('p', {}, el('a', { href: `#order/${encodeURIComponent(d.key)}` },
      `Open order ${d.key} →`)) : null,
    el('h2', {}, `Recent messages (${d.recent.length})`),
    d.recent.length === 0 ? el('p', { class: 'muted' },
      'None yet: messages are recorded from the moment someone looks.')
      : el('table', { class: 'grid compact' }, el('thead', {}, el('tr', {}, el('th', {}, 'Kind'),
        el('th', {}, 'From'), el('th', {}, 'At'))), el('tbody', {}, d.recent.slice().reverse().map(
        (m) => el('tr', { dataset: { row: 'message' } }, el('td', { class: 'mono' }, m.kind),
          el('td', { class: 'mono' }, text(m.from)), el('td', {}, clock(m.at)))))));
}

// ---- one order ----

async function showOrder() {
  const id = state.orderId;
  const error = $('order-error');
  if (!id) {
    $('order-body').hidden = true;
    return;
  }
  const [order, replay, mail] = await Promise.all([
    api(`/orders/${encodeURIComponent(id)}`),
    api(`/admin/orders/${encodeURIComponent(id)}/replay`),
    api(`/notifications?order_id=${encodeURIComponent(id)}&limit=50`),
  ]);
  if (order.status !== 200 || replay.status !== 200) {
    error.textContent = order.status === 404 ? `No order ${id}.` : why(order.status !== 200 ? order : replay);
    error.hidden = false;
    $('order-body').hidden = true;
    return;
  }
  error.hidden = true;
  $('order-body').hidden = false;
  const o = order.body;
  const actor = await api(`/admin/actors?type=order&q=${encodeURIComponent(id)}&limit=1`);
  const live = actor.status === 200 && actor.body.items[0];
  fill($('order-head'), el('span', { class: 'id mono' }, o.id), statusBadge(o.status),
    o.reason ? el('span', { class: 'muted' }, o.reason) : null,
    el('span', {}, money(o.total_cents, o.currency)), el('span', {}, o.customer_email),
    el('span', { class: 'muted' }, `placed ${clock(o.created_at)}, updated ${ago(o.updated_at)}`),
    live ? el('a', { href: `#actor/${encodeURIComponent(live.id)}` }, `live actor ${live.id} →`)
      : el('span', { class: 'muted' }, 'no live actor (settled or idle)'));
  await showItems(o);
  const a = o.shipping_address || {};
  $('order-address').textContent = [a.name, a.line1, a.line2, a.postal_code, a.city, a.country]
    .filter(Boolean).join(', ');
  fill($('order-payment'), o.payment ? kv([['id', o.payment.id], ['status', statusBadge(o.payment.status)],
    ['amount', money(o.payment.amount_cents, o.currency)]]) : el('p', { class: 'muted' }, 'none yet'));
  fill($('order-shipment'), o.shipment ? kv([['id', o.shipment.id], ['status', statusBadge(o.shipment.status)],
    ['carrier', o.shipment.carrier], ['tracking', o.shipment.tracking_number]])
    : el('p', { class: 'muted' }, 'none yet'));
  const mails = mail.status === 200 ? mail.body.items : [];
  fill($('order-mail'), mails.length === 0 ? el('p', { class: 'muted' }, 'none')
    : el('table', { class: 'grid compact' }, el('tbody', {}, mails.map((m) => el('tr', {},
      el('td', {}, m.type), el('td', {}, statusBadge(m.status)))))),
  el('p', {}, el('a', { href: `#outbox/order/${encodeURIComponent(id)}` }, 'in the outbox →')));
  state.replay = replay.body;
  showReplay();
}

const itemNames = new Map();

async function showItems(o) {
  for (const i of o.items) {
    if (itemNames.has(i.product_id)) continue;
    const r = await fetch(`/products/${i.product_id}`, { cache: 'no-store', credentials: 'omit' });
    itemNames.set(i.product_id, r.ok ? (await r.json()).name : `product ${i.product_id}`);
  }
  fill($('order-items'), o.items.map((i) => el('tr', { dataset: { row: 'item' } },
    el('td', {}, itemNames.get(i.product_id)), el('td', { class: 'num' }, `× ${i.quantity}`),
    el('td', { class: 'num' }, money(i.unit_price_cents, o.currency)))));
}

function kv(rows) {
  return el('table', { class: 'grid compact' }, el('tbody', {}, rows.map(([k, v]) => el('tr', {},
    el('td', { class: 'key' }, k), el('td', {}, v instanceof Node ? v : text(v))))));
}

function showReplay() {
  const r = state.replay;
  const n = r.events.length;
  const slider = $('replay-slider');
  slider.max = String(Math.max(1, n));
  const step = state.step === 0 ? n : Math.min(state.step, n);
  slider.value = String(step);
  const verdict = $('replay-verdict');
  verdict.className = `badge ${r.matches ? 'ok' : 'bad'}`;
  verdict.textContent = r.matches ? 'replay equals the projection' : 'replay DIFFERS from the projection';
  fill($('timeline'), r.events.map((e) => el('li', {
    class: e.seq < step ? 'past' : e.seq === step ? 'current' : '',
    dataset: { row: 'event', seq: e.seq },
    onclick: () => { state.step = e.seq; showReplay(); },
  }, `${e.seq}. ${e.event.type}`)));
  const current = r.events[step - 1];
  if (current) {
    $('step-title').textContent = `Event ${current.seq} of ${n}`;
    const { type, ...fields } = current.event;
    fill($('step-event'), Object.entries({ type, ...fields }).map(([k, v]) => el('tr', {},
      el('td', { class: 'key' }, k), el('td', { class: 'mono' }, k === 'at' ? clock(v) : flat(v)))));
    const s = current.state_after;
    fill($('step-state'), [
      ['status', statusBadge(s.status)], ['reason', text(s.reason)],
      ['payment', s.payment ? `${s.payment.status} ${money(s.payment.amount_cents, s.currency)}` : '–'],
      ['shipment', s.shipment ? `${s.shipment.status} ${s.shipment.tracking_number}` : '–'],
      ['owes', s.owes.length ? s.owes.join(', ') : 'nothing'], ['settled', s.settled ? 'yes' : 'no'],
      ['updated', clock(s.updated_at)],
    ].map(([k, v]) => el('tr', { dataset: { row: 'state', field: k } }, el('td', { class: 'key' }, k),
      el('td', {}, v instanceof Node ? v : text(v)))));
  }
  $('replay-diff').hidden = r.matches;
  fill($('diff-rows'), r.differences.map((d) => el('tr', {}, el('td', { class: 'mono' }, d.field),
    el('td', {}, flat(d.replayed)), el('td', {}, flat(d.stored)))));
}

const flat = (v) => (v !== null && typeof v === 'object' ? JSON.stringify(v) : text(v));

// ---- the outbox ----

async function showOutbox() {
  const status = $('outbox-status').value;
  const q = new URLSearchParams({ limit: 100 });
  if (status) q.set('status', status);
  if (state.outboxOrder) q.set('order_id', state.outboxOrder);
  $('outbox-order').textContent = state.outboxOrder ? `order ${state.outboxOrder}` : '';
  const r = await api(`/admin/notifications?${q}`);
  if (r.status !== 200) return;
  if (r.body.items.length === 0) {
    fill($('outbox-rows'), el('tr', {}, el('td', { class: 'empty', colspan: 9 },
      status ? `No ${status.toLowerCase()} mail.` : 'The outbox is empty.')));
    $('outbox-range').textContent = '';
    return;
  }
  fill($('outbox-rows'), r.body.items.map((m) => el('tr', { dataset: { row: 'mail', id: m.id } },
    el('td', { class: 'mono' }, m.id), el('td', {}, m.type), el('td', {}, m.to),
    el('td', {}, m.subject), el('td', {}, statusBadge(m.status)),
    el('td', { class: 'num' }, m.attempts), el('td', { class: 'err' }, text(m.last_error)),
    el('td', {}, m.next_attempt_at ? clock(m.next_attempt_at) : '–'),
    el('td', {}, m.status === 'FAILED' ? el('button', {
      type: 'button', class: 'quiet', dataset: { retry: m.id }, onclick: () => retry(m.id),
    }, 'Retry') : null))));
  $('outbox-range').textContent = `${r.body.items.length} of ${r.body.total}`;
}

async function retry(id) {
  const note = $('outbox-note');
  const r = await api(`/admin/notifications/${encodeURIComponent(id)}/retry`, 'POST');
  note.hidden = false;
  note.classList.toggle('bad', r.status !== 200);
  note.textContent = r.status === 200 ? `${id} is queued again.`
    : r.status === 403 ? 'Retrying mail needs the admin role; this token is an operator\'s.'
      : `${id}: ${why(r)}`;
  await showOutbox();
}

// ---- wiring ----

function debounce(fn, ms) {
  let t = null;
  return (...args) => { clearTimeout(t); t = setTimeout(() => fn(...args), ms); };
}

document.addEventListener('DOMContentLoaded', () => {
  $('signin-button').addEventListener('click', signIn);
  $('token').addEventListener('keydown', (e) => { if (e.key === 'Enter') signIn(); });
  $('signout').addEventListener('click', () => signOut());
  window.addEventListener('hashchange', route);
  document.addEventListener('visibilitychange', () => { if (!document.hidden) refresh(true); });
  const a = state.actors;
  const reload = () => { a.offset = 0; refresh(true); };
  $('actor-type').addEventListener('change', (e) => { a.type = e.target.value; reload(); });
  $('actor-node').addEventListener('change', (e) => { a.node = e.target.value; reload(); });
  $('actor-sort').addEventListener('change', (e) => { a.sort = e.target.value; reload(); });
  $('actor-q').addEventListener('input', debounce((e) => { a.q = e.target.value.trim(); reload(); }, 300));
  $('actor-prev').addEventListener('click', () => { a.offset = Math.max(0, a.offset - a.limit); refresh(true); });
  $('actor-next').addEventListener('click', () => { a.offset += a.limit; refresh(true); });
  const open = () => {
    const id = $('order-id').value.trim();
    if (id) location.hash = `#order/${encodeURIComponent(id)}`;
  };
  $('order-open').addEventListener('click', open);
  $('order-id').addEventListener('keydown', (e) => { if (e.key === 'Enter') open(); });
  $('replay-slider').addEventListener('input', (e) => { state.step = Number(e.target.value); showReplay(); });
  $('outbox-status').addEventListener('change', () => refresh(true));
  if (sessionStorage.getItem(TOKEN_KEY)) start(); else showSignIn();
});
