// What every page of the door builds its DOM with (the console, the shop, the docs page load it
// before their own script). Strings become text nodes, never markup; a style goes through the
// CSSOM (allowed under the pages' CSP, where a style attribute in markup is not).
'use strict';

const $ = (id) => document.getElementById(id);

/** An element with attributes and children; null, undefined and false children are skipped. */
function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'style') e.style.cssText = v;
    else if (k === 'dataset') Object.assign(e.dataset, v);
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

/** Replaces a parent's children (nested arrays flattened, empty ones skipped). */
function fill(parent, ...children) {
  parent.replaceChildren(...children.flat(Infinity).filter((c) => c !== null && c !== undefined && c !== false));
}
