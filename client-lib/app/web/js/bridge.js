// The only module that knows how the pages reach Doorstep. On the loopback host (`doorstep app`)
// a call is POST /bridge/NAME with the session's CSRF token; a mobile shell replaces `transport`
// with its native bridge and keeps the rest (docs/app.md).

export class BridgeError extends Error {
  constructor(error, status) {
    super(error && error.message ? error.message : 'bridge error');
    this.error = error || {};
    this.status = status || 0;
  }
  get codeName() { return this.error.code_name || ''; }
  get transient() { return !!this.error.transient; }
}

let csrf = '';

async function transport(name, args) {
  let response;
  try {
    response = await fetch('/bridge/' + name, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Doorstep-CSRF': csrf },
      body: JSON.stringify(args || {}),
      credentials: 'same-origin',
    });
  } catch (e) {
    throw new BridgeError({ domain: 'host', code_name: 'host_unreachable',
      message: 'the app host does not answer (is `doorstep app` still running?)', transient: true }, 0);
  }
  const text = await response.text();
  let body;
  try { body = JSON.parse(text); } catch (e) { body = { error: { message: text } }; }
  if (!response.ok) throw new BridgeError(body.error, response.status);
  return body;
}

// call(name, args) -> the call's JSON answer; rejects with BridgeError.
export function call(name, args) {
  return transport(name, args);
}

// Several calls in one request, run in order: resolves to their answers; rejects with the
// BridgeError of the first that failed (its `failed` is the index, `answers` those before).
// A mobile shell runs them one after the other.
export async function callMany(calls) {
  let response;
  try {
    response = await fetch('/bridge', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Doorstep-CSRF': csrf },
      body: JSON.stringify({ calls: calls.map(([call, args]) => ({ call, args: args || {} })) }),
      credentials: 'same-origin',
    });
  } catch (e) {
    throw new BridgeError({ domain: 'host', code_name: 'host_unreachable',
      message: 'the app host does not answer (is `doorstep app` still running?)', transient: true }, 0);
  }
  const body = await response.json();
  if (!response.ok) {
    const error = new BridgeError(body.error, response.status);
    error.failed = body.failed;
    error.answers = body.answers || [];
    throw error;
  }
  return body.answers;
}

// Exchanges the one-time secret of the link for the session; true on success.
export async function openSession(secret) {
  const response = await fetch('/app/session', {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ secret }), credentials: 'same-origin',
  });
  if (!response.ok) return false;
  csrf = (await response.json()).csrf;
  return true;
}

// A page reloaded with its cookie asks for its token again; true when there is a session.
export async function resumeSession() {
  const response = await fetch('/app/session', { credentials: 'same-origin' });
  if (!response.ok) return false;
  csrf = (await response.json()).csrf;
  return true;
}

export async function hostInfo() {
  const response = await fetch('/app/host', { credentials: 'same-origin' });
  if (!response.ok) throw new BridgeError((await response.json()).error, response.status);
  return response.json();
}

// Keeps a file on the device (a photo, a bundle to import): {name, path, bytes}.
export async function keepFile(file, name) {
  const response = await fetch('/app/files?name=' + encodeURIComponent(name || file.name || 'file'), {
    method: 'POST', headers: { 'X-Doorstep-CSRF': csrf }, body: file, credentials: 'same-origin',
  });
  const body = await response.json();
  if (!response.ok) throw new BridgeError(body.error, response.status);
  return body;
}

export function fileUrl(name) {
  return '/app/files/' + encodeURIComponent(name);
}
