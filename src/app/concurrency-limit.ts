/**
 * Run at most `limit` tasks at once; the rest wait in arrival order.
 *
 * Why: a burst of 50 slash commands acked at once would otherwise start 50
 * drafts at once, and their parsing and queries crowd the event loop that
 * must ack the next command within Slack's 3 s (and ours, well under that).
 */
export function concurrencyLimit(limit: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: (() => void)[] = [];
  const release = () => {
    active--;
    waiting.shift()?.();
  };
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (active >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    active++;
    try {
      return await task();
    } finally {
      release();
    }
  };
}
