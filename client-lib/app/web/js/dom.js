// A small element builder: h('div.card', {onclick: f}, child, 'text', ...). Text is always set
// as text, never parsed as HTML, so nothing a household's answer holds can become markup.

export function h(spec, attrs, ...children) {
  const [tag, ...classes] = spec.split('.');
  const el = document.createElement(tag || 'div');
  if (classes.length) el.className = classes.join(' ');
  if (attrs && (typeof attrs !== 'object' || attrs instanceof Node || Array.isArray(attrs))) {
    children.unshift(attrs);
    attrs = null;
  }
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key === 'value') el.value = value;
    else if (key === 'checked') el.checked = !!value;
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

// The screen's root, emptied.
export function screen() {
  return clear(document.getElementById('screen'));
}

// A date-time (ISO text or ms) as the worker reads it: 2026-12-01 10:30.
export function when(value) {
  if (value === null || value === undefined || value === '') return '';
  const d = typeof value === 'number' ? new Date(value) : new Date(value);
  if (isNaN(d.getTime())) return String(value);
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

export function levelBadge(level, label) {
  const cls = level === 'red' || level === 'yellow' || level === 'green' ? level : 'none';
  return h('span.badge.level-' + cls, { dataset: { level: level || 'none' } }, label);
}

// Appends children as h() does (null, false and arrays allowed); returns el.
export function fill(el, ...children) {
  append(el, children);
  return el;
}
