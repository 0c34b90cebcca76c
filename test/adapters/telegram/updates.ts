/**
 * Updates for tests, made from the captured fixtures in test/fixtures/telegram
 * with the person, chat, text and ids changed. Each gets a fresh update_id.
 */
import { readFileSync } from 'node:fs';
import type { Update, User } from 'grammy/types';
import type { ShownMessage } from '../../fakes/telegram-api.js';

const fixture = (name: string): any =>
  JSON.parse(readFileSync(new URL(`../../fixtures/telegram/${name}.json`, import.meta.url), 'utf8'));

let nextUpdateId = 800_000;
let nextMessageId = 1;
export const GROUP_ID = -1001987654321;

export type Person = Pick<User, 'id' | 'first_name' | 'username'>;
let nextPersonId = 7000;
/** A fresh person (so rate limits and history never leak between tests). */
export const newPerson = (name = 'Alice', username: string | undefined = name.toLowerCase()): Person => {
  const id = ++nextPersonId;
  return { id, first_name: name, ...(username ? { username: `${username}_${id}` } : {}) };
};

const user = (p: Person): User => ({ is_bot: false, language_code: 'en', ...p });
const privateChat = (p: Person) => ({ id: p.id, first_name: p.first_name, type: 'private' });
const chatOf = (chatId: number, p: Person) => (chatId < 0 ? fixture('group-send-command').message.chat : privateChat(p));

function withIds(update: any): Update {
  update.update_id = ++nextUpdateId;
  if (update.message) update.message.message_id = ++nextMessageId;
  return update as Update;
}

export function privateText(p: Person, text: string): Update {
  const u = fixture('private-message');
  Object.assign(u.message, { from: user(p), chat: privateChat(p), text });
  // Telegram marks a leading /command with an entity; grammY's command routing relies on it.
  const command = /^\/\w+(@\w+)?/.exec(text);
  if (command) u.message.entities = [{ offset: 0, length: command[0].length, type: 'bot_command' }];
  return withIds(u);
}

/** `/send@bot <args>` (or another command) in the group. */
export function groupCommand(p: Person, command: string, args: string, botUsername = 'relaybot_test_bot'): Update {
  const u = fixture('group-send-command');
  const head = `/${command}@${botUsername}`;
  Object.assign(u.message, { from: user(p), text: args ? `${head} ${args}` : head, entities: [{ offset: 0, length: head.length, type: 'bot_command' }] });
  return withIds(u);
}

export function groupMention(p: Person, rest: string, botUsername = 'relaybot_test_bot'): Update {
  const u = fixture('group-mention');
  const mention = `@${botUsername}`;
  Object.assign(u.message, { from: user(p), text: `${mention} ${rest}`, entities: [{ offset: 0, length: mention.length, type: 'mention' }] });
  return withIds(u);
}

export function groupText(p: Person, text: string): Update {
  const u = fixture('group-mention');
  Object.assign(u.message, { from: user(p), text, entities: undefined });
  return withIds(u);
}

/** A press of one of the buttons on a message the bot sent. */
export function press(p: Person, card: ShownMessage, label: 'Send' | 'Edit' | 'Cancel'): Update {
  const button = card.buttons.flat().find((b) => b.text === label);
  if (!button?.callback_data) throw new Error(`the card has no ${label} button`);
  const u = fixture('callback-query');
  u.callback_query.id = String(9_000_000 + nextUpdateId);
  u.callback_query.from = user(p);
  u.callback_query.data = button.callback_data;
  Object.assign(u.callback_query.message, {
    message_id: card.messageId,
    chat: chatOf(card.chatId, p),
    text: card.text,
    reply_markup: { inline_keyboard: card.buttons },
  });
  return withIds(u);
}

/** A reply to a bot message (the Edit prompt, or a question). */
export function replyTo(p: Person, botMessage: ShownMessage, text: string): Update {
  const u = fixture('reply-to-prompt');
  Object.assign(u.message, { from: user(p), chat: chatOf(botMessage.chatId, p), text });
  Object.assign(u.message.reply_to_message, { message_id: botMessage.messageId, chat: chatOf(botMessage.chatId, p), text: botMessage.text });
  return withIds(u);
}

/** The bot as the fake Bot API's getMe describes it. */
const BOT_USER: User = { id: 123456789, is_bot: true, first_name: 'relaybot', username: 'relaybot_test_bot' };

/**
 * `my_chat_member`: the bot's own status in a chat changed, by `p`. In a
 * private chat `kicked` means blocked; in the group `left` or `kicked` means
 * removed; `member` means (re)added.
 */
export function botMembership(p: Person, chatId: number, status: 'member' | 'left' | 'kicked'): Update {
  return withIds({
    my_chat_member: {
      chat: chatOf(chatId, p),
      from: user(p),
      date: 1735732900,
      old_chat_member: { user: BOT_USER, status: status === 'member' ? 'left' : 'member' },
      new_chat_member: status === 'kicked' ? { user: BOT_USER, status, until_date: 0 } : { user: BOT_USER, status },
    },
  });
}
