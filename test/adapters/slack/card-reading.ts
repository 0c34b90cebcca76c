import { expect, vi } from 'vitest';

/** Read a posted Slack card the way a person looks at it: its words and its buttons. */
export interface SeenCard {
  /** All mrkdwn/plain/rich text of the blocks, joined. */
  text: string;
  buttons: { label: string; actionId: string; value: string; style?: string }[];
}

function textsOf(node: unknown, out: string[]): void {
  if (Array.isArray(node)) node.forEach((n) => textsOf(n, out));
  else if (node && typeof node === 'object') {
    const o = node as Record<string, unknown>;
    if (typeof o.text === 'string') out.push(o.text);
    for (const [k, v] of Object.entries(o)) if (k !== 'text' || typeof v !== 'string') textsOf(v, out);
  }
}

export function seeCard(body: { blocks?: unknown[] }): SeenCard {
  const blocks = (body.blocks ?? []) as any[];
  const texts: string[] = [];
  textsOf(blocks.filter((b) => b.type !== 'actions'), texts);
  const actions = blocks.find((b) => b.type === 'actions');
  return {
    text: texts.join('\n'),
    buttons: (actions?.elements ?? []).map((e: any) => ({ label: e.text.text, actionId: e.action_id, value: e.value, ...(e.style ? { style: e.style } : {}) })),
  };
}

/** Wait until `find` returns something (work after the ack is in the background), and return it. */
export async function waitForCall<T>(find: () => T | undefined): Promise<T> {
  return vi.waitFor(() => {
    const found = find();
    expect(found).toBeDefined();
    return found!;
  });
}
