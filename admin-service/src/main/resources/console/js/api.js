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

function headers(accept) {
  // X-Requested-With: a 401 then comes without the challenge that would open the browser's own password dialog
  const h = {Accept: accept, 'X-Requested-With': 'XMLHttpRequest'};
  const credentials = sessionStorage.getItem(KEY);
  if (credentials) h.Authorization = `Basic ${credentials}`;
  return h;
}

async function call(method, path, body) {
  const h = headers('application/json');
  if (body !== undefined) h['Content-Type'] = 'application/json';
  const response = await fetch(`/api/v1${path}`, {method, headers: h, body: body === undefined ? undefined : JSON.stringify(body)});
  return answer(response);
}

async function answer(response) {
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

/**
 * Saves what a GET returns as a file under the name the server gives (a plain link would carry no credentials);
 * resolves to {name, bytes}.
 */
export async function download(path, accept) {
  const response = await fetch(`/api/v1${path}`, {headers: headers(accept)});
  if (!response.ok) return answer(response);
  const name = /filename="([^"]+)"/.exec(response.headers.get('Content-Disposition') ?? '')?.[1] ?? 'download';
  const blob = await response.blob();
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return {name, bytes: blob.size};
}

export const get = path => call('GET', path);
export const post = (path, body = {}) => call('POST', path, body);
export const put = (path, body) => call('PUT', path, body);
export const del = path => call('DELETE', path);
