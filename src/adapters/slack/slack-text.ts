/**
 * Text in and out of Slack. Slack escapes `&`, `<` and `>` in what people type
 * and wraps links, mentions and phone numbers in `<…>`; we turn that back into
 * the words the person wrote. Going out, anything a person wrote is escaped so
 * it is shown literally: `<!channel>` stays text, never a broadcast.
 */

/** Escape for a mrkdwn (or plain `text`) field: the three characters Slack asks to escape. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function unescapeEntities(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/**
 * Slack's formatted message text → what the person typed.
 * `<mailto:a@b.c|a@b.c>` → `a@b.c`, `<tel:+1555…|+1 555…>` → `+1 555…`,
 * `<https://x|label>` → `label`, `<#C1|general>` → `#general`, `<!here>` → `@here`,
 * user mentions stay `<@U123>` unless `dropMentionOf` names the user (the bot itself).
 */
export function slackTextToPlain(text: string, dropMentionOf?: string): string {
  const replaced = text.replace(/<([^<>]*)>/g, (_whole, inner: string) => {
    const [target = '', label] = inner.split('|', 2);
    if (target.startsWith('@')) {
      const id = target.slice(1);
      return dropMentionOf && id === dropMentionOf ? '' : `<@${id}>`;
    }
    if (target.startsWith('#')) return label ? `#${label}` : target;
    if (target.startsWith('!')) {
      const name = target.slice(1).split('^')[0] ?? '';
      return label ?? `@${name.replace(/^subteam$/, 'group')}`;
    }
    if (label) return label;
    return target.replace(/^(mailto|tel):/, '');
  });
  return unescapeEntities(replaced).trim();
}

/** Shorten a preview to `max` characters with an ellipsis. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
