import { z } from 'zod';

/** The relay's channel names. */
export const CHANNELS = ['sms', 'wa', 'tg', 'email', 'notify', 'tg_bot', 'pchat'] as const;
export type Channel = (typeof CHANNELS)[number];
export const channelSchema = z.enum(CHANNELS);

/** A person-facing name for each channel ("by SMS", "on WhatsApp"…). */
export const CHANNEL_LABELS: Record<Channel, string> = {
  sms: 'SMS',
  wa: 'WhatsApp',
  tg: 'Telegram',
  email: 'Email',
  notify: 'Push notification',
  tg_bot: 'Telegram (bot)',
  pchat: 'Private chat',
};

/**
 * The only thing an interpreter (model or parser) may propose. It is a
 * proposal: `validateSendRequest` and the policy decide whether it becomes a draft.
 */
export const sendRequestSchema = z.object({
  channel: channelSchema,
  to: z.string().trim(),
  text: z.string(),
  subject: z.string().trim().nullish().transform((s) => (s ? s : null)),
});
export type SendRequest = { channel: Channel; to: string; text: string; subject: string | null };

/**
 * Where people talk to relaybot: the built-in front-ends' names, or any other a
 * front-end declares (a new front-end adds no name here). `agent`: an AI agent
 * asking over MCP (`agent:<name>`); it requests, it never decides.
 */
export type Platform = 'slack' | 'telegram' | 'web' | 'cli' | 'agent' | (string & {});
/** What a person is, across platforms. `platform:userId` is the stable key. */
export interface Actor {
  platform: Platform;
  userId: string;
  name?: string | undefined;
}
export const actorKey = (a: Actor): string => `${a.platform}:${a.userId}`;
export const actorLabel = (a: Actor): string => a.name ?? a.userId;

/** Where a conversation happens, so replies and card updates go back to it. */
export interface ConversationRef {
  platform: Platform;
  /** Slack channel id, Telegram chat id, web chat id. */
  chatId: string;
  /** Slack thread ts, when the conversation lives in a thread. */
  threadId?: string | undefined;
  /** Workspace / team id, when the platform has one; scopes the contact book. */
  workspaceId?: string | undefined;
}
