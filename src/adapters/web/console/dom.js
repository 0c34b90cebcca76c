// A tiny element builder. Strings always become text nodes (never HTML), so
// whatever a person or the model wrote is shown literally.

/**
 * el('p', { class: 'x', onclick: fn }, 'text', child)
 * Attributes starting with "on" become listeners; `hidden`/`disabled` are booleans.
 */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') node.addEventListener(name.slice(2), value);
    else if (name === 'dataset') Object.assign(node.dataset, value);
    else if (value === true) node.setAttribute(name, '');
    else node.setAttribute(name, String(value));
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) append(node, child);
    else node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replace all of `node`'s children. */
export function replaceChildren(node, ...children) {
  node.replaceChildren();
  append(node, children);
}

/** "in 14 min", "in 40 s", or null once past. */
export function timeLeft(iso, now = Date.now()) {
  const ms = new Date(iso).getTime() - now;
  if (ms <= 0) return null;
  if (ms < 60_000) return `${Math.ceil(ms / 1000)} s`;
  return `${Math.ceil(ms / 60_000)} min`;
}

/** "2025-01-31 12:00:05 UTC": every time in the console is in one zone, and says so. */
export function utcTime(iso) {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}
