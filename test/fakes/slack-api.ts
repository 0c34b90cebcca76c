/**
 * A local stand-in for the Slack Web API and for response_urls, for the Slack
 * adapter's tests (and any end-to-end test that drives Slack).
 *
 *   const slack = await startFakeSlackApi();
 *   createSlackAdapter({ …, apiUrl: slack.apiUrl });          // Web API calls land here
 *   const url = slack.responseUrl('cmd-1');                    // put in a payload's response_url
 *   expect(slack.callsTo('chat.update')[0]!.body.blocks).toBeDefined();
 *   expect(slack.responsesTo(url)).toHaveLength(2);
 *   await slack.close();
 *
 * `POST /api/<method>` answers `{ok: true, …}` with what the adapter reads
 * (a fresh `ts` for chat.postMessage, `user_id` for auth.test…); `failNext`
 * makes the next call of a method answer `{ok: false, error}`. Any other path
 * is treated as a response_url and answers `{ok: true}`. Every call is
 * recorded with its parsed body: JSON, or a form whose JSON-looking values
 * (blocks, view) are parsed, as the WebClient sends them.
 *
 * Socket Mode: `apps.connections.open` answers a `ws://` URL on this same
 * server, where `socketMode` (test/fakes/slack-socket-mode.ts) says hello,
 * delivers envelopes and records acks.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { listenOnLoopback } from './loopback.js';
import { attachSocketMode, type FakeSocketMode } from './slack-socket-mode.js';

export interface SlackApiCall {
  /** The Web API method (`chat.update`), or `response_url` for any other path. */
  method: string;
  path: string;
  /** The full url called (for response_urls, compare with what you handed out). */
  url: string;
  headers: IncomingHttpHeaders;
  body: any;
  at: Date;
}

export interface FakeSlackApi {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** The Web API base to give the adapter (`apiUrl` / SLACK_API_URL). */
  apiUrl: string;
  /** A response_url served by this fake; `name` makes it recognisable. */
  responseUrl(name: string): string;
  calls: SlackApiCall[];
  /** Calls of one Web API method, in order. */
  callsTo(method: string): SlackApiCall[];
  /** Posts to one response_url (or to any, when omitted), in order. */
  responsesTo(url?: string): SlackApiCall[];
  /** The next call of `method` answers `{ok: false, error}`. */
  failNext(method: string, error: string): void;
  /** users.info answers `tz` for these user ids (their Slack profile's time zone). */
  userZones: Map<string, string>;
  /** The Socket Mode WebSocket side: envelopes out, acks in. */
  socketMode: FakeSocketMode;
  /** Forget recorded calls. */
  reset(): void;
  close(): Promise<void>;
}

export const FAKE_BOT_USER_ID = 'UBOTRELAY';
export const FAKE_TEAM_ID = 'T0RELAY01';

function parseBody(raw: string, contentType: string | undefined): any {
  if (!raw) return {};
  if (contentType?.includes('application/json')) {
    try {
      return JSON.parse(raw);
    } catch {
      return raw;
    }
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    if (/^[[{]/.test(value)) {
      try {
        out[key] = JSON.parse(value);
        continue;
      } catch {
        // not JSON after all: keep the string
      }
    }
    out[key] = value;
  }
  return out;
}

export async function startFakeSlackApi(): Promise<FakeSlackApi> {
  const calls: SlackApiCall[] = [];
  const failures = new Map<string, string[]>();
  const userZones = new Map<string, string>();
  let tsCounter = 0;
  let base = '';

  const answerFor = (method: string, body: any): Record<string, unknown> => {
    const queued = failures.get(method);
    const error = queued?.shift();
    if (error) return { ok: false, error };
    const ts = () => `1700000000.${String(++tsCounter).padStart(6, '0')}`;
    switch (method) {
      case 'auth.test':
        return { ok: true, user_id: FAKE_BOT_USER_ID, bot_id: 'B0RELAY01', team_id: FAKE_TEAM_ID, user: 'relaybot', team: 'Relay Test' };
      case 'chat.postMessage': {
        const t = ts();
        return { ok: true, channel: body.channel, ts: t, message: { ts: t, text: body.text } };
      }
      case 'chat.update':
        return { ok: true, channel: body.channel, ts: body.ts, text: body.text };
      case 'chat.postEphemeral':
        return { ok: true, message_ts: ts() };
      case 'views.open':
      case 'views.update':
        return { ok: true, view: { id: `V${++tsCounter}`, ...(body.view ?? {}) } };
      case 'apps.connections.open':
        return { ok: true, url: `${base.replace(/^http/, 'ws')}/link/?ticket=${++tsCounter}&app_id=A0RELAY01` };
      case 'users.info':
        return {
          ok: true,
          user: { id: body.user, name: `user_${String(body.user).toLowerCase()}`, real_name: `Person ${body.user}`, profile: { display_name: '' }, ...(userZones.has(body.user) && { tz: userZones.get(body.user) }) },
        };
      default:
        return { ok: true };
    }
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = (req.url ?? '/').split('?')[0]!;
      const body = parseBody(Buffer.concat(chunks).toString('utf8'), req.headers['content-type']);
      const apiMethod = /^\/api\/([\w.]+)$/.exec(path)?.[1];
      const method = apiMethod ?? 'response_url';
      calls.push({ method, path, url: `${base}${path}`, headers: req.headers, body, at: new Date() });
      const answer = apiMethod ? answerFor(apiMethod, body) : { ok: true };
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer));
    });
  });
  const socketMode = attachSocketMode(server);
  const listening = await listenOnLoopback(server);
  base = listening.base;

  return {
    url: base,
    apiUrl: `${base}/api/`,
    responseUrl: (name) => `${base}/response/${encodeURIComponent(name)}`,
    calls,
    userZones,
    socketMode,
    callsTo: (method) => calls.filter((c) => c.method === method),
    responsesTo: (url) => calls.filter((c) => c.method === 'response_url' && (url === undefined || c.url === url)),
    failNext(method, error) {
      failures.set(method, [...(failures.get(method) ?? []), error]);
    },
    reset() {
      calls.length = 0;
    },
    async close() {
      socketMode.destroyAll();
      await listening.close();
    },
  };
}
