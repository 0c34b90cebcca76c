import { AppError } from '../errors.js';
import type { Interpretation, InterpretContext, PartialSendRequest } from '../interpretation.js';
import { CHANNEL_LABELS } from '../send-request.js';
import { validateSendRequest } from '../validation.js';
import { channelForAddress, resolveAddress } from './address.js';
import type { Frame } from './frame.js';
import { questionFor, REPLIES } from './messages.js';

/**
 * Turn what was read into an interpretation. A draft (`send`) only when the
 * channel, an explicit valid address and the text are all there; a bad address
 * is a reply saying what is wrong; anything missing is a question.
 */
export function assemble(frame: Frame, ctx: InterpretContext): Interpretation {
  const r = frame.recipient;
  let channel = frame.channel;
  const partial: PartialSendRequest = {};
  let displayName: string | undefined;

  if (r?.kind === 'address') {
    if (channel === 'notify') {
      return { kind: 'reply', text: `Push notifications go to relaybot's own device, not to ${r.address.raw}. To message ${r.address.raw}, say "text ${r.address.raw} …" or "email …".` };
    }
    channel ??= channelForAddress(r.address);
    const resolved = resolveAddress(channel, r.address, ctx.defaultRegion);
    if ('error' in resolved) return { kind: 'reply', text: resolved.error };
    partial.to = resolved.to;
  } else if (channel === 'notify') {
    if (r && r.kind !== 'self' && r.kind !== 'vague') {
      const who = r.kind === 'name' ? r.display : r.phrase;
      return { kind: 'reply', text: `Push notifications go to relaybot's own device, not to ${who}. To message ${who}, say "text ${who} …" instead.` };
    }
    partial.to = '';
  } else if (r?.kind === 'self') {
    partial.toName = 'me';
    displayName = 'you (which number or address should I use?)';
  } else if (r?.kind === 'name') {
    partial.toName = r.name;
    displayName = r.display;
  } else if (r?.kind === 'group') {
    const rest = { ...partial, channel, text: frame.body, subject: frame.subject ?? undefined };
    return { kind: 'question', text: `${REPLIES.group} Who should get this one (${r.phrase})? Reply with one phone number, email or @username.`, partial: compact(rest) };
  }

  if (channel) partial.channel = channel;
  if (frame.body) partial.text = frame.body;
  if (frame.subject !== undefined && (channel === 'email' || channel === undefined)) partial.subject = frame.subject;
  else if (frame.subject && channel !== 'email' && partial.text === undefined) partial.text = frame.subject;

  const result = completeOrAsk(partial, ctx, displayName);
  // "send ashley her new schedule": say why the thing itself cannot be the message.
  if (frame.object && result.kind === 'question') {
    return { ...result, text: `I only send words you give me, so I can't fetch "${frame.object}" myself. ${result.text}` };
  }
  return result;
}

/** A send when complete (and valid), otherwise the next question. */
export function completeOrAsk(partial: PartialSendRequest, ctx: InterpretContext, displayName?: string): Interpretation {
  const p = compact(partial);
  if (p.channel && p.to !== undefined && (p.to || p.channel === 'notify') && p.text) {
    try {
      const request = validateSendRequest({ channel: p.channel, to: p.to, text: p.text, subject: p.subject ?? null }, ctx.defaultRegion);
      return p.sendAt ? { kind: 'send', request, sendAt: new Date(p.sendAt) } : { kind: 'send', request };
    } catch (error) {
      if (error instanceof AppError) return { kind: 'reply', text: `${error.message} Nothing was drafted.` };
      throw error;
    }
  }
  if (p.to && !p.channel) {
    // Only reachable for addresses that fit several channels; ask rather than guess.
    return { kind: 'question', text: `Should I send it to ${p.to} by ${Object.values(CHANNEL_LABELS).slice(0, 4).join(', ')}?`, partial: p };
  }
  return { kind: 'question', text: questionFor(p, displayName), partial: p };
}

/** Drop undefined fields so partials compare and store cleanly. */
export function compact(p: PartialSendRequest): PartialSendRequest {
  const out: PartialSendRequest = {};
  if (p.channel !== undefined) out.channel = p.channel;
  if (p.to !== undefined) out.to = p.to;
  if (p.toName !== undefined) out.toName = p.toName;
  if (p.text !== undefined && p.text !== '') out.text = p.text;
  if (p.subject !== undefined && p.subject !== null) out.subject = p.subject;
  if (p.sendAt !== undefined) out.sendAt = p.sendAt;
  if (p.askedWhen) out.askedWhen = true;
  return out;
}
