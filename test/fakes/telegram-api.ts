/**
 * A local stand-in for the Telegram Bot API (`POST /bot<token>/<method>`), so a
 * real grammY bot can run against it with `client: { apiRoot }`.
 *
 *   const tg = await startFakeTelegramApi();
 *   createTelegramAdapter({ …, token: tg.token, apiRoot: tg.apiRoot });
 *   tg.callsTo('sendMessage')           // every call, in order, with its JSON payload
 *   tg.message(chatId, messageId)       // what a person now sees: visible text + buttons
 *   tg.pushUpdate(update)               // served to getUpdates (long polling)
 *   tg.failNext('sendMessage', { error_code: 429, description: 'Too Many Requests: retry after 0', parameters: { retry_after: 0 } })
 *
 * Like Telegram it refuses what Telegram refuses, so tests catch real mistakes:
 * HTML that does not parse, text over 4096 characters, callback data over 64
 * bytes, toasts over 200 characters, editing a message it never sent, and an
 * edit that changes nothing ("message is not modified").
 */
import { createServer, type ServerResponse } from 'node:http';
import { listenOnLoopback } from './loopback.js';

export interface RecordedTelegramCall {
  method: string;
  payload: any;
}

export interface FakeTelegramError {
  error_code: number;
  description: string;
  parameters?: { retry_after?: number; migrate_to_chat_id?: number };
}

/** A message the bot sent, as it currently stands. */
export interface ShownMessage {
  chatId: number;
  messageId: number;
  /** The text a person sees (tags removed, entities decoded). */
  text: string;
  html: string;
  /** Inline keyboard rows as sent ([] when the message has no buttons). */
  buttons: { text: string; callback_data?: string }[][];
  /** The ForceReply / other non-inline markup it was sent with, if any. */
  replyMarkup: any;
  replyToMessageId: number | undefined;
  edits: number;
}

export interface FakeTelegramApi {
  apiRoot: string;
  token: string;
  bot: { id: number; is_bot: true; first_name: string; username: string };
  calls: RecordedTelegramCall[];
  callsTo(method: string): RecordedTelegramCall[];
  /** Messages the bot sent to a chat, oldest first, in their current state. */
  messagesIn(chatId: number): ShownMessage[];
  message(chatId: number, messageId: number): ShownMessage | undefined;
  pushUpdate(update: object): void;
  /** The next call of `method` fails with this error (once per call to failNext). */
  failNext(method: string, error: FakeTelegramError): void;
  reset(): void;
  close(): Promise<void>;
}

const MAX_TEXT = 4096;
const MAX_CALLBACK_DATA = 64;
const MAX_TOAST = 200;

class ApiError extends Error {
  constructor(readonly code: number, description: string) {
    super(description);
  }
}

export async function startFakeTelegramApi(options: { token?: string; username?: string } = {}): Promise<FakeTelegramApi> {
  const token = options.token ?? '123456789:TEST-fake-telegram-token_abcdefghij';
  const bot = { id: 123456789, is_bot: true as const, first_name: 'relaybot', username: options.username ?? 'relaybot_test_bot' };
  const calls: RecordedTelegramCall[] = [];
  const messages = new Map<number, ShownMessage[]>();
  const failures = new Map<string, FakeTelegramError[]>();
  const updates: any[] = [];
  const waiters = new Set<() => void>();
  let nextMessageId = 1000;

  const chatOf = (id: number) =>
    id < 0 ? { id, type: 'supergroup', title: 'Test group' } : { id, type: 'private', first_name: 'Person' };

  const visible = (payload: any): { text: string; html: string } => {
    const html = String(payload.text ?? '');
    let text = html;
    if (payload.parse_mode === 'HTML') {
      try {
        text = visibleTextOfHtml(html);
      } catch (error) {
        if (error instanceof TelegramParseError) throw new ApiError(400, `Bad Request: can't parse entities: ${error.message}`);
        throw error;
      }
    } else if (payload.parse_mode) {
      throw new ApiError(400, `Bad Request: the fake only knows parse_mode HTML, got ${payload.parse_mode}`);
    }
    if (text.trim().length === 0) throw new ApiError(400, 'Bad Request: message text is empty');
    if (text.length > MAX_TEXT) throw new ApiError(400, 'Bad Request: message is too long');
    return { text, html };
  };

  const inlineButtons = (markup: any): ShownMessage['buttons'] => {
    const rows: ShownMessage['buttons'] = markup?.inline_keyboard ?? [];
    for (const button of rows.flat()) {
      if (button.callback_data !== undefined && Buffer.byteLength(button.callback_data) > MAX_CALLBACK_DATA) {
        throw new ApiError(400, 'Bad Request: BUTTON_DATA_INVALID');
      }
    }
    return rows;
  };

  const toMessage = (m: ShownMessage) => ({
    message_id: m.messageId,
    from: bot,
    chat: chatOf(m.chatId),
    date: Math.floor(Date.now() / 1000),
    text: m.text,
    ...(m.buttons.length ? { reply_markup: { inline_keyboard: m.buttons } } : {}),
  });

  const methods: Record<string, (p: any) => unknown> = {
    getMe: () => ({ ...bot, can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false }),
    setMyCommands: () => true,
    deleteWebhook: () => true,
    setWebhook: () => true,
    sendChatAction: () => true,
    sendMessage: (p) => {
      const chatId = Number(p.chat_id);
      const { text, html } = visible(p);
      const isInline = Boolean(p.reply_markup?.inline_keyboard);
      const shown: ShownMessage = {
        chatId,
        messageId: ++nextMessageId,
        text,
        html,
        buttons: isInline ? inlineButtons(p.reply_markup) : [],
        replyMarkup: isInline ? undefined : p.reply_markup,
        replyToMessageId: p.reply_parameters?.message_id,
        edits: 0,
      };
      messages.set(chatId, [...(messages.get(chatId) ?? []), shown]);
      return toMessage(shown);
    },
    editMessageText: (p) => {
      const shown = messages.get(Number(p.chat_id))?.find((m) => m.messageId === Number(p.message_id));
      if (!shown) throw new ApiError(400, 'Bad Request: message to edit not found');
      const { text, html } = visible(p);
      const buttons = inlineButtons(p.reply_markup);
      if (html === shown.html && JSON.stringify(buttons) === JSON.stringify(shown.buttons)) {
        throw new ApiError(
          400,
          'Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message',
        );
      }
      Object.assign(shown, { text, html, buttons, edits: shown.edits + 1 });
      return toMessage(shown);
    },
    answerCallbackQuery: (p) => {
      if (typeof p.text === 'string' && p.text.length > MAX_TOAST) throw new ApiError(400, 'Bad Request: MESSAGE_TOO_LONG');
      return true;
    },
  };

  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };

  const getUpdates = (p: any, res: ServerResponse) => {
    const offset = Number(p.offset ?? 0);
    // Updates below the offset are confirmed: forget them, as Telegram does.
    while (updates.length && updates[0].update_id < offset) updates.shift();
    if (updates.length) return send(res, 200, { ok: true, result: updates.slice(0, Number(p.limit ?? 100)) });
    // Long poll: answer as soon as an update arrives, or empty after (at most) one second.
    const done = () => {
      clearTimeout(timer);
      waiters.delete(done);
      if (!res.writableEnded) send(res, 200, { ok: true, result: updates.slice(0, Number(p.limit ?? 100)) });
    };
    const timer = setTimeout(done, Math.min(Number(p.timeout ?? 0), 1) * 1000);
    waiters.add(done);
    res.on('close', () => {
      clearTimeout(timer);
      waiters.delete(done);
    });
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const match = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(req.url ?? '');
      if (!match) return send(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
      if (match[1] !== token) return send(res, 401, { ok: false, error_code: 401, description: 'Unauthorized' });
      const method = match[2]!;
      let payload: any = {};
      const raw = Buffer.concat(chunks).toString('utf8');
      try {
        payload = raw ? JSON.parse(raw) : {};
      } catch {
        return send(res, 400, { ok: false, error_code: 400, description: 'Bad Request: the fake expects JSON bodies' });
      }
      calls.push({ method, payload });
      const failure = failures.get(method)?.shift();
      if (failure) return send(res, failure.error_code, { ok: false, ...failure });
      if (method === 'getUpdates') return getUpdates(payload, res);
      const handler = methods[method];
      if (!handler) return send(res, 404, { ok: false, error_code: 404, description: 'Not Found: method not found' });
      try {
        send(res, 200, { ok: true, result: handler(payload) });
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        send(res, error.code, { ok: false, error_code: error.code, description: error.message });
      }
    });
  });
  const listening = await listenOnLoopback(server);

  return {
    apiRoot: listening.base,
    token,
    bot,
    calls,
    callsTo: (method) => calls.filter((c) => c.method === method),
    messagesIn: (chatId) => messages.get(chatId) ?? [],
    message: (chatId, messageId) => messages.get(chatId)?.find((m) => m.messageId === messageId),
    pushUpdate(update) {
      updates.push(update);
      for (const wake of [...waiters]) wake();
    },
    failNext(method, error) {
      failures.set(method, [...(failures.get(method) ?? []), error]);
    },
    reset() {
      calls.length = 0;
      messages.clear();
      failures.clear();
      updates.length = 0;
    },
    async close() {
      for (const wake of [...waiters]) wake();
      await listening.close();
    },
  };
}

/**
 * Telegram's HTML parse mode, as strictly as the Bot API applies it: the tags it
 * supports, the four named entities, numeric entities, balanced nesting. Returns
 * the text a person sees; throws where Telegram answers "can't parse entities".
 */
const TAGS = new Set([
  'b', 'strong', 'i', 'em', 'u', 'ins', 's', 'strike', 'del', 'span', 'tg-spoiler', 'a', 'code', 'pre', 'blockquote', 'tg-emoji',
]);
const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"' };

class TelegramParseError extends Error {}

export function visibleTextOfHtml(html: string): string {
  const open: string[] = [];
  let out = '';
  let i = 0;
  while (i < html.length) {
    const ch = html[i]!;
    if (ch === '<') {
      const end = html.indexOf('>', i);
      const tag = end === -1 ? '' : html.slice(i + 1, end);
      const match = /^(\/?)([a-z-]+)(\s[^<>]*)?$/i.exec(tag);
      const name = match?.[2]?.toLowerCase();
      if (!match || !name || !TAGS.has(name)) {
        throw new TelegramParseError(`Unsupported start tag "${tag.slice(0, 20)}" at byte offset ${i}`);
      }
      if (match[1]) {
        if (open.pop() !== name) throw new TelegramParseError(`Unmatched end tag at byte offset ${i}, expected "</${open.at(-1) ?? ''}>", found "</${name}>"`);
      } else {
        open.push(name);
      }
      i = end + 1;
    } else if (ch === '&') {
      const end = html.indexOf(';', i);
      const name = end === -1 ? '' : html.slice(i + 1, end);
      let decoded: string | undefined = NAMED[name];
      if (/^#\d{1,7}$/.test(name)) decoded = String.fromCodePoint(Number(name.slice(1)));
      if (/^#x[0-9a-f]{1,6}$/i.test(name)) decoded = String.fromCodePoint(parseInt(name.slice(2), 16));
      if (decoded === undefined) throw new TelegramParseError(`Unsupported HTML entity at byte offset ${i}`);
      out += decoded;
      i = end + 1;
    } else {
      out += ch;
      i += 1;
    }
  }
  if (open.length > 0) throw new TelegramParseError(`Can't find end tag corresponding to start tag "${open.at(-1)}"`);
  return out;
}
