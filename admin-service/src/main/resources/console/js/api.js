// The admin service's public REST API, called with the signed-in user's HTTP Basic credentials.

const KEY = 'pushflow.credentials';

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.message ?? `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

export function signedIn() {
  return sessionStorage.getItem(KEY) !== null;
}

export function remember(user, password) {
  const bytes = new TextEncoder().encode(`${user}:${password}`);
  sessionStorage.setItem(KEY, btoa(String.fromCharCode(...bytes)));
}

export function forget() {
  sessionStorage.removeItem(KEY);
}

async function call(method, path, body) {
  // X-Requested-With: a 401 then comes without the challenge that would open the browser's own password dialog
  const headers = {Accept: 'application/json', 'X-Requested-With': 'XMLHttpRequest'};
  const credentials = sessionStorage.getItem(KEY);
  if (credentials) headers.Authorization = `Basic ${credentials}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(`/api/v1${path}`, {method, headers, body: body === undefined ? undefined : JSON.stringify(body)});
  const text = await response.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = {message: text};
  }
  if (response.status === 401) {
    forget();
    window.dispatchEvent(new CustomEvent('pushflow:signed-out'));
  }
  if (!response.ok) throw new ApiError(response.status, json);
  return json;
}

export const get = path => call('GET', path);
export const post = (path, body = {}) => call('POST', path, body);
export const put = (path, body) => call('PUT', path, body);
export const del = path => call('DELETE', path);
