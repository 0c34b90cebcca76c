import { cleanBody } from './text-utils.js';

/** An email subject and what is left for the body. */
export interface SubjectSplit {
  subject?: string | undefined;
  /** Text still to read as the body (may carry a connector such as "saying"). */
  rest: string;
  /** True when the rest is already the bare body (after "body:" or a colon). */
  bodyIsBare: boolean;
}

const SUBJECT_WORD = '(?:[,;—–-]\\s*)?(?:with\\s+|and\\s+)?(?:the\\s+|a\\s+)?(?:subject(?:\\s+line)?|title|titled|headline|re)\\b\\s*(?:is\\s+|of\\s+)?[:=-]?\\s*';
const BODY_WORD = '(?:[,;—–-]\\s*)?(?:and\\s+)?(?:(?:with\\s+)?(?:the\\s+|a\\s+)?(?:body|text|message|content)\\b\\s*(?:is\\s+)?[:=-]?|saying\\b|say\\b|that says\\b|which says\\b|telling\\s+(?:him|her|them)\\b|tell\\s+(?:him|her|them)\\b)\\s*(?:that\\s+)?';

const QUOTED = new RegExp(`^\\s*${SUBJECT_WORD}"([^"]+)"\\s*(?:${BODY_WORD})?([\\s\\S]*)$`, 'i');
const SINGLE_QUOTED = new RegExp(`^\\s*${SUBJECT_WORD}'([^']+)'\\s*(?:${BODY_WORD})?([\\s\\S]*)$`, 'i');
const WITH_BODY = new RegExp(`^\\s*${SUBJECT_WORD}(.+?)\\s*(?:,\\s*|\\s+)${BODY_WORD}([\\s\\S]+)$`, 'i');
const WITH_COLON = new RegExp(`^\\s*${SUBJECT_WORD}([^:]+?)\\s*(?::|\\s[—–-])\\s+([\\s\\S]+)$`, 'i');
const ONLY = new RegExp(`^\\s*${SUBJECT_WORD}([\\s\\S]+)$`, 'i');
const AFTER_BODY = /^([\s\S]+?)\s*,?\s+(?:with|and)\s+(?:the\s+|a\s+)?subject(?:\s+line)?\s*(?:is\s+)?[:=-]?\s*(["']?)([^"']+)\2\s*[.!]?\s*$/i;
const ABOUT = /^\s*(?:about|regarding|concerning|re:)\s+([\s\S]+)$/i;

/**
 * Find an email subject at the start of the tail ("subject Deploy: v2 is live",
 * `with subject "X" and body "Y"`) or at its end ("… with subject X").
 */
export function splitSubject(tail: string): SubjectSplit {
  for (const re of [QUOTED, SINGLE_QUOTED]) {
    const m = re.exec(tail);
    if (m?.[1] !== undefined) return { subject: m[1].trim(), rest: m[2] ?? '', bodyIsBare: /\S/.test(m[2] ?? '') };
  }
  const withBody = WITH_BODY.exec(tail);
  if (withBody?.[1]) return { subject: unquote(withBody[1]), rest: withBody[2] ?? '', bodyIsBare: true };
  const colon = WITH_COLON.exec(tail);
  if (colon?.[1]) return { subject: unquote(colon[1]), rest: colon[2] ?? '', bodyIsBare: true };
  const only = ONLY.exec(tail);
  if (only?.[1]) return { subject: unquote(only[1]), rest: '', bodyIsBare: true };
  const after = AFTER_BODY.exec(tail);
  if (after?.[1] && after[3]) return { subject: after[3].trim(), rest: after[1], bodyIsBare: false };
  return { rest: tail, bodyIsBare: false };
}

/** "email karen about the budget meeting": the topic is the subject; the body is still to ask. */
export function topicSubject(tail: string): string | undefined {
  const m = ABOUT.exec(tail);
  return m?.[1] ? cleanBody(m[1]).replace(/[.!?]+$/, '') : undefined;
}

function unquote(s: string): string {
  return cleanBody(s).replace(/[.]+$/, '').trim();
}
