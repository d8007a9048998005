// Calls the Roster API of the same origin; the session travels in its cookie.

// Each navigation starts a new generation. An answer that arrives after the
// admin has moved on never settles, so the view that asked for it stops there
// instead of drawing over the newer one.
let generation = 0;

/** Marks the start of a navigation: answers to earlier requests are dropped. */
export function navigated() {
  generation += 1;
}

async function current(request) {
  const asked = generation;
  const outcome = await request().then((value) => ({ value }), (error) => ({ error }));
  if (asked !== generation) return new Promise(() => {});
  if ('error' in outcome) throw outcome.error;
  return outcome.value;
}

/** An API answer that is not a success. */
export class ApiError extends Error {
  constructor(status, body) {
    super(body?.error?.message || `HTTP ${status}`);
    this.status = status;
    this.code = body?.error?.code;
    this.permission = body?.error?.permission;
    this.fields = body?.fields || {};
  }
}

/** Sends a request; resolves to the JSON body, rejects with ApiError. */
export function api(method, path, body) {
  return current(() => send(method, path, body));
}

/** The headers of a change the server does once however often it is sent:
 * every POST but the sign-in carries a key of its own. */
function keyed(method, path, headers) {
  const key = method === 'POST' && path !== '/session' ? globalThis.crypto?.randomUUID?.() : undefined;
  return key ? { ...headers, 'idempotency-key': key } : headers;
}

/** Fetches, and sends a keyed change again when its answer was lost (the
 * connection failed, a proxy answered 503) or its first sending is still
 * running (409): the server acts once and gives the first answer again. */
async function fetchKeyed(url, init) {
  const retried = Boolean(init.headers['idempotency-key']);
  for (let attempt = 1; ; attempt += 1) {
    const last = !retried || attempt === 3;
    const response = await fetch(url, init).catch((e) => {
      if (last) throw e;
      return null;
    });
    const lost = !response || response.status === 503
      || (response.status === 409 && (await response.clone().json().catch(() => null))?.error?.code === 'idempotency_key_in_progress');
    if (!lost || last) return response;
    await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
  }
}

async function send(method, path, body) {
  const init = { method, headers: keyed(method, path, { accept: 'application/json' }), credentials: 'same-origin' };
  if (body !== undefined) {
    init.headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const response = await fetchKeyed(`/api/v1${path}`, init);
  const text = await response.text();
  const json = text ? JSON.parse(text) : null;
  if (!response.ok) {
    const error = new ApiError(response.status, json);
    if (response.status === 401 && path !== '/session') window.dispatchEvent(new CustomEvent('roster:signed-out'));
    throw error;
  }
  return json;
}

/** Reads a JSON answer as text, for the core to parse in one go; rejects with ApiError. */
export function apiText(path) {
  return current(async () => {
    const response = await fetch(`/api/v1${path}`, { headers: { accept: 'application/json' }, credentials: 'same-origin' });
    const text = await response.text();
    if (!response.ok) {
      if (response.status === 401) window.dispatchEvent(new CustomEvent('roster:signed-out'));
      throw new ApiError(response.status, text ? JSON.parse(text) : null);
    }
    return text;
  });
}

/** Uploads a file as raw bytes; resolves to the JSON body, rejects with ApiError. */
export function upload(path, file) {
  return current(async () => {
    const response = await fetchKeyed(`/api/v1${path}`, {
      method: 'POST',
      credentials: 'same-origin',
      headers: keyed('POST', path, { 'content-type': 'application/octet-stream', 'x-file-name': encodeURIComponent(file.name) }),
      body: file,
    });
    const json = await response.json().catch(() => null);
    if (!response.ok) throw new ApiError(response.status, json);
    return json;
  });
}
