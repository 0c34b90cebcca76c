// The console's only door to the server: JSON calls and the /api/chat stream.
// Settings (who I am, the API token) live in localStorage so a reload keeps them.

const USER_KEY = 'relaybot.userId';
const TOKEN_KEY = 'relaybot.token';

export const settings = {
  get userId() {
    return localStorage.getItem(USER_KEY) || 'web-user';
  },
  set userId(value) {
    const v = String(value).trim();
    if (v) localStorage.setItem(USER_KEY, v);
    else localStorage.removeItem(USER_KEY);
  },
  get token() {
    return localStorage.getItem(TOKEN_KEY) || '';
  },
  set token(value) {
    const v = String(value).trim();
    if (v) localStorage.setItem(TOKEN_KEY, v);
    else localStorage.removeItem(TOKEN_KEY);
  },
};

/** A refusal or failure with the sentence the server gave (or one we wrote). */
export class ApiError extends Error {
  constructor(status, message, code) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

const listeners = new Set();
/** Called with every ApiError of status 401, so the page can ask for a token. */
export function onUnauthorized(fn) {
  listeners.add(fn);
}

function headers(json) {
  const h = {};
  if (json) h['content-type'] = 'application/json';
  if (settings.token) h.authorization = `Bearer ${settings.token}`;
  return h;
}

async function failure(res) {
  let message = `The server answered ${res.status}.`;
  let code;
  try {
    const body = await res.json();
    if (body && typeof body.error === 'string') message = body.error;
    code = body?.code;
  } catch {
    // Not JSON (a proxy's page): keep the generic sentence.
  }
  const error = new ApiError(res.status, message, code);
  if (res.status === 401) listeners.forEach((fn) => fn(error));
  return error;
}

async function call(method, path, body) {
  let res;
  try {
    res = await fetch(path, {
      method,
      headers: headers(body !== undefined),
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'Could not reach the relaybot server. Is it running?');
  }
  if (!res.ok) throw await failure(res);
  return res.json();
}

export const api = {
  getDraft: (id) => call('GET', `/api/drafts/${encodeURIComponent(id)}`).then((b) => b.draft),
  // Every decision names who decides and the version the card showed: the server refuses (409) if the draft changed since.
  confirm: (id, version) =>
    call('POST', `/api/drafts/${encodeURIComponent(id)}/confirm`, { userId: settings.userId, version }).then((b) => b.draft),
  cancel: (id, version) =>
    call('POST', `/api/drafts/${encodeURIComponent(id)}/cancel`, { userId: settings.userId, version }).then((b) => b.draft),
  edit: (id, patch, version) =>
    call('PATCH', `/api/drafts/${encodeURIComponent(id)}`, { ...patch, userId: settings.userId, version }).then((b) => b.draft),
  inbox: (userId) => call('GET', `/api/inbox?userId=${encodeURIComponent(userId)}`),
  audit: (filter) => call('GET', `/api/audit?${query(filter)}`).then((b) => b.entries),
  /** The audit as CSV, with the same filters; fetched (not linked) so the bearer token goes along. */
  auditCsv: async (filter) => {
    const res = await fetch(`/api/audit.csv?${query(filter)}`, { headers: headers(false) }).catch(() => null);
    if (!res) throw new ApiError(0, 'Could not reach the relaybot server. Is it running?');
    if (!res.ok) throw await failure(res);
    return res.blob();
  },
  /** The same check as `relaybot audit verify`: {ok, count, head} or {ok: false, brokenSeq, reason}. */
  verifyAudit: () => call('GET', '/api/audit/verify'),
  status: () => call('GET', '/api/status'),
  chats: () => call('GET', `/api/chats?${query({ userId: settings.userId })}`).then((b) => b.chats),
  /** One chat's messages after `after` (a message seq); null when this person has no such chat yet. */
  chat: (id, after = 0) =>
    call('GET', `/api/chats/${encodeURIComponent(id)}?${query({ userId: settings.userId, after: String(after) })}`).catch((error) => {
      if (error.status === 404) return null;
      throw error;
    }),
};

function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
  return q;
}

/**
 * POST /api/chat and hand each UI-message-stream part to `onPart` as it
 * arrives. Resolves when the stream ends ([DONE] or the connection closes).
 */
export async function chat(body, onPart) {
  let res;
  try {
    res = await fetch('/api/chat', { method: 'POST', headers: headers(true), body: JSON.stringify(body) });
  } catch {
    throw new ApiError(0, 'Could not reach the relaybot server. Is it running?');
  }
  if (!res.ok) throw await failure(res);
  if (!res.body) throw new ApiError(0, 'This browser cannot read streamed answers.');

  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    // Events are separated by a blank line; a partial event waits for the next chunk.
    let cut;
    while ((cut = buffer.indexOf('\n\n')) !== -1) {
      const event = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      const data = event
        .split('\n')
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(5).replace(/^ /, ''))
        .join('\n');
      if (!data) continue; // a comment (keep-alive) line
      if (data === '[DONE]') {
        await reader.cancel().catch(() => {});
        return;
      }
      let part;
      try {
        part = JSON.parse(data);
      } catch {
        continue; // one garbled part should not lose the rest
      }
      onPart(part);
    }
  }
}
