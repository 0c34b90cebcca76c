import type { InterpretContext } from '../interpretation.js';
import type { Channel } from '../send-request.js';
import { CHANNEL_NOUN, channelOfWord } from './lexicon.js';
import { readRecipient, type Recipient } from './recipient.js';
import { cleanBody } from './text-utils.js';

/** What follows the recipient: the body, a channel named on the way, maybe the recipient itself. */
export interface Tail {
  channel?: Channel | undefined;
  /** A recipient named inside the connector ("send a text and tell chris …"). */
  recipient?: Recipient | undefined;
  body?: string | undefined;
}

const SPECIFIC_CHANNEL =
  '(?:push[ -]notification|notification|whats ?app|wa|telegram|tg|e-?mail|mail|text message|sms|texts?|txt)';
// "on his whatsapp", "in her email id": a channel named through the person's own account.
const ARTICLE_OR_OWNER = '(?:an?\\s+|(?:his|her|their|my)\\s+)?';
const ACCOUNT_WORD = '(?:\\s+(?:message|id|address|account|inbox))?';
const LEADING_CHANNEL = new RegExp(`^\\s*,?\\s*(?:via|by|on|over|through|thru|using|in|as|with)\\s+${ARTICLE_OR_OWNER}(${SPECIFIC_CHANNEL})\\b${ACCOUNT_WORD}`, 'i');
const TRAILING_CHANNEL = new RegExp(`\\s*,?\\s+(?:via|by|on|over|through|thru|using)\\s+${ARTICLE_OR_OWNER}(${SPECIFIC_CHANNEL})${ACCOUNT_WORD}\\s*[.!]?\\s*$`, 'i');
const WHO = '(?:him|her|them|me|us|it)';

/** Connectors that introduce the body. Order matters: longer phrases first. */
const CONNECTORS: RegExp[] = [
  /^\s*(?:,\s*)?(?:and\s+)?(?:then\s+)?(?:letting|let)\s+(\S+)\s+know\s*(?:that\s+|about\s+)?/i,
  /^\s*(?:,\s*)?(?:and\s+)?(?:then\s+)?(?:telling|tell|informing|inform|reminding|remind|text|message)\s+(\S+)?\s*(?:that\s+)?/i,
  /^\s*(?:,\s*)?(?:and\s+)?(?:asking|ask)\b\s*(\S+)?\s*/i,
  /^\s*(?:,\s*)?(?:and\s+)?(?:saying|says|said|say|writing|write|stating|reading)\b\s*(?:that\s+)?(?:to\s+(?:him|her|them)\s+)?:?\s*/i,
  /^\s*(?:that|which|it)\s+(?:says|reads|said|will say|should say|goes)\b\s*:?\s*/i,
  /^\s*(?:,\s*)?(?:with|containing)\s+(?:the\s+|this\s+)?(?:following(?:\s+(?:message|text|content|words?|note))?|message|text|words?|note|content|body|response|answer)\s*(?:that\s+|saying\s+|of\s+)?:?\s*/i,
  /^\s*(?:,\s*)?(?:the\s+)?(?:message|text|body|content)\s*(?:is|being|reads|says|should be|will be|:)\s*(?:that\s+)?:?\s*/i,
  /^\s*(?:,\s*)?(?:and\s+)?(?:give|send)\s+(?:him|her|them\s+)?(?:the\s+)?(?:following\s+)?(?:message|text|note|words?)?\s*(?:that\s+)?:?\s*/i,
  /^\s*that\s+/i,
  /^\s*(?:[,:;]|[—–]|-\s)\s*/,
];

/**
 * Read the body after the recipient. When the recipient is not known yet,
 * "tell chris …" inside the connector names it.
 */
export function readTail(rest: string, ctx: InterpretContext, recipientKnown: boolean): Tail {
  const tail: Tail = {};
  let s = rest.trim();
  for (let guard = 0; guard < 6; guard++) {
    const before = s;
    s = s.replace(/^(?:for me|from me|please|now|right now|real quick|quickly|for me please)\b[,]?\s*/i, '');
    const lead = LEADING_CHANNEL.exec(s);
    if (lead?.[1]) {
      tail.channel = channelOfWord(lead[1]) ?? tail.channel;
      s = s.slice(lead[0].length).trim();
    }
    if (s === before) break;
  }
  if (!s) return tail;
  if (/^["']/.test(s)) {
    tail.body = cleanBody(s);
    return withTrailingChannel(tail);
  }
  // "to tell him thank you", "to let her know we are on the way", "to say hi".
  s = s.replace(/^to\s+(?=(?:tell|say|ask|let|inform|remind|wish)\b)/i, '');
  for (const re of CONNECTORS) {
    const m = re.exec(s);
    if (!m) continue;
    let who = m[1];
    let body = s.slice(m[0].length);
    if (who !== undefined && re !== CONNECTORS[0]) {
      // "tell him …", "tell chris …", or no one ("tell i'm late").
      const r = pronounOrName(who, body, ctx, recipientKnown);
      if (r.consumed) {
        if (r.recipient) tail.recipient = r.recipient;
        if (r.rest !== undefined) body = r.rest;
      } else {
        body = `${who} ${body}`;
        who = undefined;
      }
    } else if (who !== undefined) {
      const r = pronounOrName(who, '', ctx, recipientKnown);
      if (r.recipient) tail.recipient = r.recipient;
    }
    // "tell him to call work" → "call work"; "ask her to call me" → "call me".
    body = body.replace(/^to\s+/i, '');
    tail.body = cleanBody(body) || undefined;
    return withTrailingChannel(tail);
  }
  // "tell bob to get his dog", "email clara to cancel the appointments": the errand is the message.
  const implicit = recipientKnown ? s.replace(/^(?:and\s+)?to\s+(?=\w)/i, '') : s.replace(/^and\s+/i, '');
  tail.body = cleanBody(implicit.replace(/^and\s+/i, '')) || undefined;
  return withTrailingChannel(tail);
}

function pronounOrName(who: string, after: string, ctx: InterpretContext, recipientKnown: boolean): { consumed: boolean; recipient?: Recipient; rest?: string } {
  if (new RegExp(`^${WHO}$`, 'i').test(who)) return { consumed: true };
  if (recipientKnown) return { consumed: false };
  const read = readRecipient(`${who} ${after}`, ctx);
  if (read && read.recipient.kind !== 'vague' && read.recipient.kind !== 'self') {
    // The recipient may be longer than one word ("to +34 612 345 678"): the body starts after it.
    return { consumed: true, recipient: read.recipient, rest: read.rest };
  }
  return { consumed: false };
}

/** "… via text", "… on WhatsApp" at the end names the channel, and is not part of the message. */
function withTrailingChannel(tail: Tail): Tail {
  if (!tail.body) return tail;
  const m = TRAILING_CHANNEL.exec(tail.body);
  if (m?.[1] && m.index > 0) {
    tail.channel = channelOfWord(m[1]) ?? tail.channel;
    tail.body = cleanBody(tail.body.slice(0, m.index)) || undefined;
  }
  return tail;
}

/** Exported for the heads: a channel noun phrase such as "a text message", "an e-mail". */
export const ARTICLE_NOUN = new RegExp(`^\\s*(?:a|an|the|one|this|that|my)?\\s*(?:new\\s+|quick\\s+|short\\s+|brief\\s+)?(${CHANNEL_NOUN})\\b(?:\\s+message\\b)?`, 'i');
