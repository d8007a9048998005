// Calls the Roster API of the same origin; the session travels in its cookie.

/** An API answer that is not a success. */
export class ApiError extends Error {
  constructor(status, body) {
    super(body?.error?.message || `HTTP ${status}`);
    this.status = status;
    this.code = body?.error?.code;
    this.fields = body?.fields || {};
  }
}

/** Sends a request; resolves to the JSON body, rejects with ApiError. */
export async function api(method, path, body) {
  const init = { method, headers: { accept: 'application/json' }, credentials: 'same-origin' };
  if (body !== undefined) {
    init.headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const response = await fetch(`/api/v1${path}`, init);
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
export async function apiText(path) {
  const response = await fetch(`/api/v1${path}`, { headers: { accept: 'application/json' }, credentials: 'same-origin' });
  const text = await response.text();
  if (!response.ok) {
    if (response.status === 401) window.dispatchEvent(new CustomEvent('roster:signed-out'));
    throw new ApiError(response.status, text ? JSON.parse(text) : null);
  }
  return text;
}

/** Uploads a file as raw bytes; resolves to the JSON body, rejects with ApiError. */
export async function upload(path, file) {
  const response = await fetch(`/api/v1${path}`, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/octet-stream', 'x-file-name': encodeURIComponent(file.name) },
    body: file,
  });
  const json = await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, json);
  return json;
}
