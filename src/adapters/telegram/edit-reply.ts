import type { DraftPatch } from '../../core/draft.js';

/** What the Edit button asks; the person answers by replying to it. */
export const EDIT_PROMPT_HTML =
  'Reply to this message with the new text, or <code>to: …</code> / <code>subject: …</code> / <code>send at: …</code> to change the recipient, subject or time.';

/** An edit reply: the patch, and a new time in words (`send at: tomorrow 9:00`) for the app to read. */
export type EditReply = DraftPatch & { sendAtWords?: string };

/**
 * Read a reply to the Edit prompt. Leading `to:` / `subject:` lines change those
 * fields; whatever follows is the new text. A reply with neither is all new text.
 *
 *   "to: ops@example.com"                → { to }
 *   "subject: Deploy\nv2 is live"        → { subject, text }
 *   "Build finished"                     → { text }
 *   "send at: tomorrow 9:00"             → { sendAtWords }
 */
export function parseEditReply(reply: string): EditReply {
  const patch: EditReply = {};
  const lines = reply.split('\n');
  let index = 0;
  for (; index < lines.length; index++) {
    const match = /^\s*(to|subject|send at|when)\s*:\s*(.*)$/i.exec(lines[index]!);
    if (!match) break;
    const value = match[2]!.trim();
    const field = match[1]!.toLowerCase();
    if (field === 'send at' || field === 'when') patch.sendAtWords = value;
    else if (field === 'to') patch.to = value;
    else patch.subject = value || null;
  }
  const text = lines.slice(index).join('\n').trim();
  if (text) patch.text = text;
  return patch;
}
