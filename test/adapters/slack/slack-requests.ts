/**
 * Signed requests to POST /slack/events, the way Slack sends them: slash
 * commands form-encoded, interactivity as `payload=<json>` form, events as
 * JSON; each signed `v0=HMAC-SHA256(secret, "v0:{ts}:{body}")`.
 */
import { createHmac } from 'node:crypto';
import actionFixture from '../../fixtures/slack/block-actions.json' with { type: 'json' };
import commandFixture from '../../fixtures/slack/slash-command.json' with { type: 'json' };
import mentionFixture from '../../fixtures/slack/event-app-mention.json' with { type: 'json' };
import imFixture from '../../fixtures/slack/event-message-im.json' with { type: 'json' };
import viewFixture from '../../fixtures/slack/view-submission.json' with { type: 'json' };

export const SIGNING_SECRET = '8f742231b10e8888abcd99yyyzzz85a5';

export function signature(secret: string, ts: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${ts}:${body}`).digest('hex')}`;
}

export interface SlackPost {
  body: string;
  contentType: 'application/x-www-form-urlencoded' | 'application/json';
  /** Seconds since the epoch; default now. */
  ts?: number;
  secret?: string;
  headers?: Record<string, string>;
}

export interface SlackAnswer {
  status: number;
  text: string;
  json: any;
}

export async function postSlack(baseUrl: string, req: SlackPost): Promise<SlackAnswer> {
  const ts = req.ts ?? Math.floor(Date.now() / 1000);
  const res = await fetch(`${baseUrl}/slack/events`, {
    method: 'POST',
    headers: {
      'content-type': req.contentType,
      'x-slack-request-timestamp': String(ts),
      'x-slack-signature': signature(req.secret ?? SIGNING_SECRET, ts, req.body),
      ...req.headers,
    },
    body: req.body,
  });
  const text = await res.text();
  let json: any = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  return { status: res.status, text, json };
}

export interface CommandOptions {
  text: string;
  responseUrl: string;
  user?: string;
  userName?: string;
  channel?: string;
}

/** A `/send …` slash command (the real form fields), as a signed request body. */
export function slashCommand(o: CommandOptions): SlackPost {
  const fields = {
    ...commandFixture,
    text: o.text,
    response_url: o.responseUrl,
    user_id: o.user ?? commandFixture.user_id,
    user_name: o.userName ?? commandFixture.user_name,
    channel_id: o.channel ?? commandFixture.channel_id,
  };
  return { body: new URLSearchParams(fields).toString(), contentType: 'application/x-www-form-urlencoded' };
}

export interface ClickOptions {
  actionId: 'draft_confirm' | 'draft_edit' | 'draft_cancel';
  draftId: string;
  /** The version the clicked card showed (`value` = `<id>:<version>`); absent: a card drawn before versions (bare id). */
  version?: number;
  responseUrl: string;
  user?: string;
  userName?: string;
  /** An ephemeral card (the default) or a message in the channel. */
  ephemeral?: boolean;
  messageTs?: string;
}

/** A block_actions payload for one card button. */
export function buttonClick(o: ClickOptions): SlackPost {
  const payload = structuredClone(actionFixture) as any;
  payload.user = { ...payload.user, id: o.user ?? payload.user.id, username: o.userName ?? payload.user.username, name: o.userName ?? payload.user.name };
  payload.response_url = o.responseUrl;
  payload.trigger_id = `trigger-${o.draftId}-${o.actionId}`;
  payload.container = { ...payload.container, is_ephemeral: o.ephemeral ?? true, ...(o.messageTs ? { message_ts: o.messageTs } : {}) };
  payload.actions[0] = { ...payload.actions[0], action_id: o.actionId, value: o.version === undefined ? o.draftId : `${o.draftId}:${o.version}` };
  return form(payload);
}

export interface SubmitOptions {
  draftId: string;
  /** The version the modal was opened on; absent: a modal opened before versions existed. */
  version?: number;
  user?: string;
  channel?: string;
  to?: string;
  text?: string;
  subject?: string | null;
}

/** A view_submission of the edit modal with these values. */
export function editSubmission(o: SubmitOptions): SlackPost {
  const payload = structuredClone(viewFixture) as any;
  payload.user = { ...payload.user, id: o.user ?? payload.user.id };
  payload.view.private_metadata = JSON.stringify({ draftId: o.draftId, ...(o.version === undefined ? {} : { version: o.version }) });
  const v = payload.view.state.values;
  if (o.channel) v.channel.value.selected_option = { text: { type: 'plain_text', text: o.channel }, value: o.channel };
  if (o.to !== undefined) v.recipient.value.value = o.to;
  if (o.text !== undefined) v.text.value.value = o.text;
  if (o.subject !== undefined) v.subject.value.value = o.subject;
  return form(payload);
}

export interface EventOptions {
  eventId: string;
  text: string;
  user?: string;
  ts?: string;
  threadTs?: string;
  extra?: Record<string, unknown>;
}

/** An event_callback: a DM (`message`, channel_type im) or an `app_mention`. */
export function eventCallback(kind: 'im' | 'mention', o: EventOptions): SlackPost {
  const envelope = structuredClone(kind === 'im' ? imFixture : mentionFixture) as any;
  envelope.event_id = o.eventId;
  envelope.event = {
    ...envelope.event,
    text: o.text,
    user: o.user ?? envelope.event.user,
    ...(o.ts ? { ts: o.ts, event_ts: o.ts } : {}),
    ...(o.threadTs ? { thread_ts: o.threadTs } : {}),
    ...o.extra,
  };
  return { body: JSON.stringify(envelope), contentType: 'application/json' };
}

function form(payload: unknown): SlackPost {
  return { body: new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), contentType: 'application/x-www-form-urlencoded' };
}

/**
 * The same request as Socket Mode carries it: an envelope's `payload` is the
 * parsed object — the slash command's fields, the interactivity payload, the
 * event_callback — where HTTP carries a signed form or JSON body.
 */
export function socketPayload(post: SlackPost): Record<string, unknown> {
  if (post.contentType === 'application/json') return JSON.parse(post.body) as Record<string, unknown>;
  const form = new URLSearchParams(post.body);
  const payload = form.get('payload');
  return payload === null ? Object.fromEntries(form) : (JSON.parse(payload) as Record<string, unknown>);
}
