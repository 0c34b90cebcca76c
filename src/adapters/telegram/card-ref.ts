/**
 * Where a card lives, recorded through `RelayBot.cards.record` so any replica
 * (the delivery worker's, another webhook's) can edit it: `chatId:messageId`.
 */
export interface TelegramCardRef {
  chatId: number;
  messageId: number;
}

export function formatCardRef(chatId: number, messageId: number): string {
  return `${chatId}:${messageId}`;
}

export function parseCardRef(ref: string | null): TelegramCardRef | null {
  const match = ref ? /^(-?\d+):(\d+)$/.exec(ref) : null;
  if (!match) return null;
  return { chatId: Number(match[1]), messageId: Number(match[2]) };
}
