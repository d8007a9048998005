// Builds DOM nodes from data. Text always goes in as text, never as HTML,
// so names and other user input cannot inject markup.

/** An element with attributes (on* keys are listeners) and children. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on')) el.addEventListener(key.slice(2).toLowerCase(), value);
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** Replaces the main view's content. */
export function show(...nodes) {
  document.getElementById('view').replaceChildren(...nodes);
}

let toastTimer;
/** A short message at the bottom of the screen. */
export function toast(text) {
  const el = document.querySelector('.toast');
  el.textContent = text;
  el.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { el.hidden = true; }, 4000);
}

const TYPES = { xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', csv: 'text/csv;charset=utf-8', png: 'image/png' };

/** Saves bytes built in the page (one array, or a list of parts) as a file called `name`. */
export function download(bytes, name) {
  const parts = Array.isArray(bytes) ? bytes : [bytes];
  const url = URL.createObjectURL(new Blob(parts, { type: TYPES[name.split('.').pop()] }));
  const link = h('a', { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
