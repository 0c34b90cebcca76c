/**
 * Telegram HTML parse mode needs only `&`, `<` and `>` escaped in text (and `"`
 * inside attributes). Everything a person typed goes through `escapeHtml`, so
 * `<b>`, `_` or `*` in a message are shown literally and can never break the call.
 */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * Shorten `text` to at most `max` UTF-16 units (Telegram's unit for limits),
 * ending with "…" and never splitting a surrogate pair.
 */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, Math.max(0, max - 1));
  const last = cut.charCodeAt(cut.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut = cut.slice(0, -1);
  return `${cut}…`;
}
