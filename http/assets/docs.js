// The API reference over /openapi.json (inlined into the page as a JSON data block), with "try it
// out" for every operation. Markdown in descriptions becomes elements, never HTML; the bearer
// token of the Authorize box lives in this tab's sessionStorage and travels only in the
// Authorization header.
'use strict';

const TOKEN_KEY = 'agora.docs.token';
const METHODS = ['get', 'post', 'put', 'patch', 'delete'];
const spec = JSON.parse(document.getElementById('openapi').textContent);
const lastIds = {}; // resource ("orders", "products") -> the id a response last named

// ---- markdown (the subset the document uses), built as elements ----

/** Inline: `code`, **bold**, *emphasis*, [text](url) with http(s), relative or # targets. */
function inline(text) {
  const out = [];
  const pattern = /`([^`]+)`|\*\*([^*]+)\*\*|\*([^*\s][^*]*)\*|\[([^\]]+)\]\(([^)\s]+)\)/g;
  let at = 0;
  for (let m; (m = pattern.exec(text));) {
    if (m.index > at) out.push(text.slice(at, m.index));
    if (m[1] !== undefined) out.push(el('code', {}, m[1]));
    else if (m[2] !== undefined) out.push(el('strong', {}, m[2]));
    else if (m[3] !== undefined) out.push(el('em', {}, m[3]));
    else out.push(/^(https?:\/\/|\/|#)/.test(m[5]) ? el('a', { href: m[5] }, m[4]) : m[0]);
    at = pattern.lastIndex;
  }
  if (at < text.length) out.push(text.slice(at));
  return out;
}

/** Blocks: paragraphs (blank lines), lists ("- " or "1. "), fenced code. */
function md(text) {
  const blocks = [];
  const lines = String(text || '').split('\n');
  for (let i = 0; i < lines.length;) {
    const line = lines[i];
    if (!line.trim()) { i += 1; continue; }
    if (line.startsWith('```')) {
      const code = [];
      for (i += 1; i < lines.length && !lines[i].startsWith('```'); i += 1) code.push(lines[i]);
      blocks.push(el('pre', {}, code.join('\n')));
      i += 1;
    } else if (/^\s*(-|\d+\.)\s/.test(line)) {
      const ordered = /^\s*\d+\./.test(line);
      const list = el(ordered ? 'ol' : 'ul');
      for (; i < lines.length && /^\s*(-|\d+\.)\s/.test(lines[i]); i += 1)
        list.append(el('li', {}, inline(lines[i].replace(/^\s*(-|\d+\.)\s+/, ''))));
      blocks.push(list);
    } else {
      const para = [];
      for (; i < lines.length && lines[i].trim() && !/^\s*(-|\d+\.)\s/.test(lines[i]) && !lines[i].startsWith('```'); i += 1) para.push(lines[i]);
      blocks.push(el('p', {}, inline(para.join(' '))));
    }
  }
  return el('div', { class: 'md' }, blocks);
}

// ---- schemas: each component once, referenced everywhere else ----

function resolve(node) {
  for (let n = 0; node && node.$ref && n < 20; n += 1)
    node = node.$ref.replace(/^#\//, '').split('/').reduce((o, k) => o && o[k.replace(/~1/g, '/').replace(/~0/g, '~')], spec);
  return node || {};
}

const refName = (node) => (node && node.$ref ? node.$ref.split('/').pop() : '');
const schemaLink = (name) => el('a', { href: `#schema-${name}` }, name);

/** A type as text and links: Order, array of Product, string (A | B | null), Payment | null. */
function typeOf(schema) {
  if (!schema) return ['any'];
  if (schema.$ref) return [schemaLink(refName(schema))];
  const out = [];
  if (schema.allOf) schema.allOf.forEach((s, i) => out.push(i ? ' + ' : '', ...typeOf(s)));
  else if (schema.oneOf || schema.anyOf) (schema.oneOf || schema.anyOf).forEach((s, i) => out.push(i ? ' or ' : '', ...typeOf(s)));
  else if (schema.type === 'array') out.push('array of ', ...typeOf(schema.items));
  else out.push(schema.type || 'object');
  if (schema.format) out.push(` <${schema.format}>`);
  if (schema.enum) {
    const values = schema.enum.filter((v) => v !== null).map((v) => JSON.stringify(v).replace(/^"|"$/g, ''));
    out.push(el('span', { class: 'enum' }, ` one of: ${values.join(' | ')}`));
  }
  if (schema.nullable || (schema.enum && schema.enum.includes(null)))
    out.push(el('span', { class: 'nullable' }, ' | null'));
  return out;
}

function limits(s) {
  return ['minimum', 'maximum', 'minLength', 'maxLength', 'minItems', 'maxItems', 'pattern', 'default']
    .filter((k) => s[k] !== undefined).map((k) => `${k} ${s[k]}`).join(', ');
}

/** The fields of an inline object (a $ref is a link, never expanded again). */
function fields(schema, depth) {
  const s = schema.type === 'array' && schema.items && !schema.items.$ref ? schema.items : schema;
  const names = Object.keys(s.properties || {});
  if (!names.length) return null;
  return el('table', { class: 'fields' },
    el('thead', {}, el('tr', {}, el('th', {}, 'field'), el('th', {}, 'type'), el('th', {}, ''))),
    el('tbody', {}, names.map((n) => {
      const p = s.properties[n];
      const nested = !p.$ref && depth < 3 ? fields(p, depth + 1) : null;
      return el('tr', {},
        el('td', {}, el('code', {}, n), (s.required || []).includes(n) ? el('span', { class: 'req', title: 'required' }, ' *') : null),
        el('td', { class: 'type' }, el('code', {}, typeOf(p))),
        el('td', {}, p.description ? md(p.description) : null, limits(p) ? el('div', { class: 'muted' }, limits(p)) : null, nested));
    })));
}

function schemaDef(name, schema) {
  const parts = [el('h3', {}, name), schema.description ? md(schema.description) : null];
  if (schema.allOf) {
    parts.push(el('p', {}, 'All of: ', typeOf(schema)));
    schema.allOf.filter((s) => !s.$ref).forEach((s) => parts.push(fields(s, 0)));
  } else {
    parts.push(fields(schema, 0) || el('p', {}, el('code', {}, typeOf(schema))));
  }
  if (schema.example !== undefined) parts.push(el('pre', {}, JSON.stringify(schema.example, null, 2)));
  return el('div', { class: 'schema-def', id: `schema-${name}` }, parts);
}

function example(content) {
  if (!content) return undefined;
  if (content.example !== undefined) return content.example;
  const s = resolve(content.schema);
  if (s.example !== undefined) return s.example;
  if (s.type === 'array' && resolve(s.items).example !== undefined) return [resolve(s.items).example];
  return undefined;
}

/** A body: its media type and schema (a link, or the fields of an inline schema), and an example. */
function bodyBlock(content) {
  const media = Object.keys(content || {});
  if (!media.length) return [];
  const c = content[media[0]];
  const out = [el('div', {}, el('code', {}, media.join(', ')), c.schema ? [' · ', el('span', { class: 'type' }, typeOf(c.schema))] : null)];
  if (c.schema && !c.schema.$ref && !c.schema.allOf) out.push(fields(c.schema, 0));
  const ex = example(c);
  if (ex !== undefined && media[0].includes('json')) out.push(el('pre', {}, JSON.stringify(ex, null, 2)));
  return out;
}

// ---- operations ----

function parametersOf(path, op) {
  return (op.parameters || []).concat(spec.paths[path].parameters || []).map(resolve);
}

function paramTable(params) {
  return el('table', {},
    el('thead', {}, el('tr', {}, el('th', {}, 'name'), el('th', {}, 'in'), el('th', {}, 'type'), el('th', {}, ''))),
    el('tbody', {}, params.map((p) => el('tr', {},
      el('td', {}, el('code', {}, p.name), p.required ? el('span', { class: 'req', title: 'required' }, ' *') : null),
      el('td', {}, p.in),
      el('td', { class: 'type' }, el('code', {}, typeOf(p.schema))),
      el('td', {}, p.description ? md(p.description) : null)))));
}

function responses(op) {
  return Object.keys(op.responses || {}).sort().map((status) => {
    const r = resolve(op.responses[status]);
    const media = Object.keys(r.content || {});
    const schema = media.length ? r.content[media[0]].schema : null;
    return el('div', { class: 'response' },
      el('span', { class: `status s${status[0]}` }, status), ' ', inline(r.description || ''),
      schema ? [' → ', el('span', { class: 'type' }, el('code', {}, typeOf(schema)))] : null,
      r.headers ? el('span', { class: 'muted' }, ` · headers: ${Object.keys(r.headers).join(', ')}`) : null);
  });
}

const resource = (path) => path.split('/')[1] || '';

function prefill(param, path) {
  const s = param.schema || {};
  if (param.example !== undefined) return String(param.example);
  if (s.example !== undefined) return String(s.example);
  if (param.in === 'path') return lastIds[param.name === 'product_id' ? 'products' : resource(path)] || '';
  return ''; // a query parameter left empty takes its documented default
}

function remember(path, body) {
  if (!body || typeof body !== 'object') return;
  const page = Array.isArray(body.items) && typeof body.total === 'number'; // a list, not an order's items
  const first = page ? body.items[0] : body;
  if (first && (typeof first.id === 'string' || typeof first.id === 'number')) lastIds[resource(path)] = String(first.id);
}

function token() { return sessionStorage.getItem(TOKEN_KEY) || ''; }

function setToken(value, words) {
  if (value) sessionStorage.setItem(TOKEN_KEY, value);
  else sessionStorage.removeItem(TOKEN_KEY);
  $('token').value = '';
  const kind = !value ? '' : value.startsWith('ses_') ? 'a session token' : value.startsWith('oat_') ? "an order's access token" : 'a staff token';
  $('auth-state').textContent = words || (value ? `Authorized with ${kind} (…${value.slice(-4)}).` : 'Not authorized: requests go out anonymously.');
}

function curlOf(method, url, headers, body) {
  const q = (s) => `'${String(s).replace(/'/g, "'\\''")}'`;
  const parts = [`curl -i -X ${method} ${q(new URL(url, location.href).href)}`];
  for (const [k, v] of Object.entries(headers)) parts.push(`-H ${q(k === 'Authorization' ? 'Authorization: Bearer $TOKEN' : `${k}: ${v}`)}`);
  if (body !== undefined) parts.push(`--data ${q(body)}`);
  return parts.join(' \\\n  ');
}

function showAnswer(box, res, ms, text, request) {
  let body = text;
  let json;
  try { json = JSON.parse(text); body = JSON.stringify(json, null, 2); } catch (e) { json = undefined; }
  if (body.length > 20000) body = `${body.slice(0, 20000)}\n… (${text.length} characters in all)`;
  const headers = [];
  res.headers.forEach((v, k) => headers.push(`${k}: ${v}`));
  const useToken = json && typeof json.access_token === 'string'
    ? el('button', { type: 'button', class: 'quiet use-token', onclick: () => setToken(json.access_token, "Authorized with this order's access token: it opens this order, its events, payment and shipment.") }, "Authorize with this order's access token")
    : null;
  box.replaceChildren(
    el('div', {}, el('span', { class: `status s${String(res.status)[0]}`, 'data-status': res.status }, `${res.status} ${res.statusText}`), el('span', { class: 'muted' }, ` · ${ms} ms`)),
    el('div', { class: 'headers' }, headers.sort().join('\n')),
    el('pre', { class: 'answer-body' }, body || '(no body)'),
    useToken,
    el('details', {}, el('summary', {}, 'As curl'), el('pre', {}, curlOf(request.method, request.url, request.headers, request.body))));
  box.hidden = false;
  return json;
}

function tryIt(path, method, op) {
  const params = parametersOf(path, op).filter((p) => ['path', 'query', 'header'].includes(p.in));
  const inputs = params.map((p) => {
    const id = `try-${op.operationId || method + path}-${p.in}-${p.name}`.replace(/[^A-Za-z0-9-]+/g, '-');
    const input = el('input', { id, name: p.name, 'data-in': p.in, value: prefill(p, path), placeholder: p.required ? 'required' : '' });
    return { p, input, row: el('div', { class: 'field' }, el('label', { for: id }, `${p.name} (${p.in})`), input) };
  });
  const media = op.requestBody ? Object.keys(resolve(op.requestBody).content || {})[0] : null;
  const ex = media ? example(resolve(op.requestBody).content[media]) : undefined;
  const bodyId = `try-${op.operationId || method + path}-body`.replace(/[^A-Za-z0-9-]+/g, '-');
  const body = media ? el('textarea', { id: bodyId, spellcheck: 'false', class: 'try-body' }, ex === undefined ? '{}' : JSON.stringify(ex, null, 2)) : null;
  const answer = el('div', { class: 'answer', role: 'status', hidden: true });
  const problem = el('p', { class: 'req', role: 'alert', hidden: true });
  const send = el('button', { type: 'submit', class: 'send' }, 'Send');
  const form = el('form', { class: 'try', 'aria-label': `Try ${method.toUpperCase()} ${path}` },
    el('h4', {}, 'Try it out'), inputs.map((i) => i.row),
    body ? [el('label', { for: bodyId, class: 'muted' }, `Body (${media})`), body] : null,
    problem, el('div', { class: 'row' }, send), answer);
  const refill = () => inputs.forEach(({ p, input }) => { if (!input.value && p.in === 'path') input.value = prefill(p, path); });
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    problem.hidden = true;
    refill();
    let url = path;
    const query = new URLSearchParams();
    const headers = { Accept: 'application/json' };
    for (const { p, input } of inputs) {
      const v = input.value.trim();
      if (!v) {
        if (p.in === 'path') { problem.textContent = `Fill in ${p.name}: it is part of the path.`; problem.hidden = false; input.focus(); return; }
        continue;
      }
      if (p.in === 'path') url = url.replace(`{${p.name}}`, encodeURIComponent(v));
      else if (p.in === 'query') query.set(p.name, v);
      else headers[p.name] = v;
    }
    if (query.toString()) url += `?${query}`;
    if (token()) headers.Authorization = `Bearer ${token()}`;
    if (body) headers['Content-Type'] = media;
    send.disabled = true;
    const started = performance.now();
    try {
      const res = await fetch(url, { method: method.toUpperCase(), headers, body: body ? body.value : undefined, credentials: 'omit', cache: 'no-store' });
      const text = await res.text();
      remember(path, showAnswer(answer, res, Math.round(performance.now() - started), text, { method: method.toUpperCase(), url, headers, body: body ? body.value : undefined }));
    } catch (e) {
      problem.textContent = `No answer: ${e.message}`;
      problem.hidden = false;
    } finally {
      send.disabled = false;
    }
  });
  return { form, refill };
}

function operation(path, method, op) {
  const name = `${method.toUpperCase()} ${path}`;
  const secured = (op.security || spec.security || []).length > 0;
  const params = parametersOf(path, op);
  const tryout = tryIt(path, method, op);
  const details = el('details', { class: 'op', id: name.replace(/[^A-Za-z0-9]+/g, '-'), 'data-operation': name },
    el('summary', {},
      el('span', { class: `method ${method.toUpperCase()}` }, method.toUpperCase()),
      el('span', { class: 'path' }, path),
      secured ? el('span', { class: 'lock', title: 'Authorization: Bearer <token>' }, op['x-agora-access'] || 'token') : null,
      el('span', { class: 'summary' }, op.summary || '')),
    el('div', { class: 'body' },
      op.description ? md(op.description) : null,
      params.length ? [el('h4', {}, 'Parameters'), paramTable(params)] : null,
      op.requestBody ? [el('h4', {}, 'Request body'), bodyBlock(resolve(op.requestBody).content)] : null,
      el('h4', {}, 'Responses'), responses(op),
      tryout.form));
  details.addEventListener('toggle', () => { if (details.open) tryout.refill(); });
  return details;
}

function render() {
  document.title = `${spec.info.title} API ${spec.info.version}`;
  $('title').textContent = `${spec.info.title} API`;
  $('version').textContent = `version ${spec.info.version} · OpenAPI ${spec.openapi}`;
  $('intro').replaceChildren(md(spec.info.description));
  const byTag = {};
  const tags = (spec.tags || []).map((t) => t.name);
  for (const path of Object.keys(spec.paths)) {
    for (const m of METHODS) {
      const op = spec.paths[path][m];
      if (!op) continue;
      const tag = (op.tags || ['other'])[0];
      if (!tags.includes(tag)) tags.push(tag);
      (byTag[tag] = byTag[tag] || []).push(operation(path, m, op));
    }
  }
  const nav = $('nav');
  for (const tag of tags.filter((t) => byTag[t])) {
    const info = (spec.tags || []).find((t) => t.name === tag) || {};
    nav.append(el('h3', {}, tag));
    for (const o of byTag[tag]) {
      const [m, p] = o.dataset.operation.split(' ');
      nav.append(el('a', { href: `#${o.id}`, class: 'op-link' }, el('span', { class: `method ${m}` }, m), p));
    }
    $('ops').append(el('section', { class: 'tag', id: `tag-${tag}` }, el('h2', {}, tag), md(info.description || ''), byTag[tag]));
  }
  const schemas = (spec.components && spec.components.schemas) || {};
  nav.append(el('h3', {}, 'schemas'), ...Object.keys(schemas).map((n) => el('a', { href: `#schema-${n}`, class: 'op-link' }, n)));
  $('schemas').append(el('h2', {}, 'Schemas'), el('p', { class: 'muted' }, 'Each schema once; operations link here.'),
    ...Object.entries(schemas).map(([n, s]) => schemaDef(n, s)));
  document.body.dataset.rendered = String(document.querySelectorAll('.op').length);
}

/** An operation named in the address opens itself. */
function openTarget() {
  const target = location.hash && document.getElementById(decodeURIComponent(location.hash.slice(1)));
  if (target && target.tagName === 'DETAILS') { target.open = true; target.scrollIntoView(); }
}

document.addEventListener('DOMContentLoaded', () => {
  render();
  setToken(token());
  $('authorize').addEventListener('submit', (ev) => { ev.preventDefault(); setToken($('token').value.trim()); });
  $('forget').addEventListener('click', () => setToken(''));
  window.addEventListener('hashchange', openTarget);
  openTarget();
});
