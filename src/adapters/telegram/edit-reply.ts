import type { DraftPatch } from '../../core/draft.js';

/** What the Edit button asks; the person answers by replying to it. */
export const EDIT_PROMPT_HTML =
  'Reply to this message with the new text, or <code>to: …</code> / <code>subject: …</code> to change the recipient or subject.';

/**
 * Read a reply to the Edit prompt. Leading `to:` / `subject:` lines change those
 * fields; whatever follows is the new text. A reply with neither is all new text.
 *
 *   "to: ops@example.com"                → { to }
 *   "subject: Deploy\nv2 is live"        → { subject, text }
 *   "Build finished"                     → { text }
 */
export function parseEditReply(reply: string): DraftPatch {
  const patch: DraftPatch = {};
  const lines = reply.split('\n');
  let index = 0;
  for (; index < lines.length; index++) {
    const match = /^\s*(to|subject)\s*:\s*(.*)$/i.exec(lines[index]!);
    if (!match) break;
    const value = match[2]!.trim();
    if (match[1]!.toLowerCase() === 'to') patch.to = value;
    else patch.subject = value || null;
  }
  const text = lines.slice(index).join('\n').trim();
  if (text) patch.text = text;
  return patch;
}
