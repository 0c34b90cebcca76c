import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { parse as parseYaml } from 'yaml';
import { defaultPolicy, policySchema, type Policy } from './core/policy.js';

/** A bad configuration value: `message` is the one line printed at start. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const optionalString = z
  .string()
  .trim()
  .optional()
  .transform((v) => (v ? v : undefined));
const idList = optionalString.transform((v) => (v ? v.split(',').map((s) => s.trim()).filter(Boolean) : undefined));
const url = (what: string) =>
  optionalString.refine((v) => v === undefined || /^https?:\/\/[^\s]+$/.test(v), `must be an http(s) URL (${what})`);

const envSchema = z.object({
  PORT: z.coerce
    .number({ error: 'must be a port number from 0 to 65535' })
    .int('must be a port number from 0 to 65535')
    .min(0, 'must be a port number from 0 to 65535')
    .max(65535, 'must be a port number from 0 to 65535')
    .default(3000),
  HOST: z.string().trim().min(1).default('127.0.0.1'),
  DATABASE_URL: optionalString.refine((v) => v === undefined || /^postgres(ql)?:\/\//.test(v), 'must start with postgres://'),
  RELAYBOT_DATA_DIR: z.string().trim().min(1).default('./.relaybot'),
  // Signs the audit log; unset → a key file generated in RELAYBOT_DATA_DIR (adapters/db/audit-key.ts).
  AUDIT_KEY: optionalString.refine((v) => v === undefined || v.length >= 32, 'must be at least 32 characters'),
  OPENAI_API_KEY: optionalString,
  OPENAI_BASE_URL: url('an OpenAI-compatible API, e.g. http://127.0.0.1:11434/v1'),
  OPENAI_MODEL: z.string().trim().min(1).default('gpt-4o-mini'),
  RELAY_BASE_URL: url('the messaging relay'),
  RELAY_API_KEY: optionalString,
  RELAY_PHONE_ID: optionalString,
  SLACK_BOT_TOKEN: optionalString,
  SLACK_SIGNING_SECRET: optionalString,
  SLACK_APP_TOKEN: optionalString.refine((v) => v === undefined || v.startsWith('xapp-'), 'must be an app-level token (xapp-…)'),
  SLACK_API_URL: url('the Slack Web API base'),
  SLACK_ALLOWED_USERS: idList,
  TELEGRAM_BOT_TOKEN: optionalString.refine((v) => v === undefined || /^\d+:[\w-]+$/.test(v), 'must look like 123456:ABC-DEF…'),
  TELEGRAM_API_ROOT: url('the Telegram Bot API root'),
  TELEGRAM_ALLOWED_USERS: idList.refine((v) => v === undefined || v.every((id) => /^\d+$/.test(id)), 'must be comma-separated numeric Telegram user ids'),
  TELEGRAM_WEBHOOK_SECRET: optionalString.refine((v) => v === undefined || /^[A-Za-z0-9_-]{1,256}$/.test(v), 'may only contain A-Z, a-z, 0-9, _ and - (Telegram rule)'),
  WEB_API_TOKEN: optionalString.refine((v) => v === undefined || v.length >= 16, 'must be at least 16 characters'),
  AGENT_TOKENS: optionalString.transform((v, ctx) => {
    if (v === undefined) return undefined;
    const parsed = parseAgentTokens(v);
    if (typeof parsed === 'string') {
      ctx.addIssue({ code: 'custom', message: parsed });
      return z.NEVER;
    }
    return parsed;
  }),
  DEFAULT_PHONE_REGION: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z]{2}$/, 'must be a two-letter ISO country code such as US or GB')
    .default('US'),
  POLICY_FILE: optionalString,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Env = z.infer<typeof envSchema>;

/** One agent allowed on `/mcp`: its bearer token names it (`agent:<name>`). */
export interface AgentToken {
  name: string;
  token: string;
}

/**
 * `name=token,name=token`: names are letters, digits, `.`, `_`, `-`; tokens at
 * least 16 characters. Returns the pairs, or the sentence saying what is wrong
 * (never the token itself).
 */
export function parseAgentTokens(value: string): AgentToken[] | string {
  const agents: AgentToken[] = [];
  for (const [i, pair] of value.split(',').entries()) {
    const at = pair.indexOf('=');
    const name = at < 0 ? '' : pair.slice(0, at).trim();
    const token = at < 0 ? '' : pair.slice(at + 1).trim();
    if (!/^[A-Za-z0-9._-]{1,64}$/.test(name)) return `entry ${i + 1} must be name=token, the name made of letters, digits, ".", "_" or "-"`;
    if (token.length < 16) return `the token of "${name}" must be at least 16 characters`;
    if (agents.some((a) => a.name === name)) return `"${name}" is listed twice`;
    if (agents.some((a) => a.token === token)) return `"${name}" has the same token as another agent; each agent needs its own`;
    agents.push({ name, token });
  }
  return agents;
}

export interface Config {
  env: Env;
  policy: Policy;
  /** Non-fatal things the operator should read at start. */
  warnings: string[];
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);
export const isLoopback = (host: string): boolean => LOOPBACK.has(host) || host.startsWith('127.');

/** Load and check the policy file; throws ConfigError naming POLICY_FILE and the bad field. */
export function loadPolicy(path: string | undefined): Policy {
  if (!path) return defaultPolicy();
  let raw: unknown;
  try {
    const text = readFileSync(path, 'utf8');
    raw = /\.ya?ml$/i.test(path) ? parseYaml(text) : JSON.parse(text);
  } catch (error) {
    const why = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (error as Error).message.split('\n')[0];
    throw new ConfigError(`POLICY_FILE (${path}): ${why}`);
  }
  const parsed = policySchema.safeParse(raw ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`POLICY_FILE (${path}): ${issue.path.join('.') || '(root)'} ${issue.message}`);
  }
  return parsed.data;
}

/** Parse the environment; throws ConfigError with one line naming the first bad variable. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0]);
    const value = source[name];
    const shown = value === undefined || /KEY|TOKEN|SECRET/.test(name) ? '' : ` (got "${value}")`;
    throw new ConfigError(`${name}: ${issue.message}${shown}`);
  }
  const env = parsed.data;
  if (!isLoopback(env.HOST) && !env.WEB_API_TOKEN) {
    throw new ConfigError(`WEB_API_TOKEN: required when HOST is not loopback (HOST=${env.HOST}), or anyone on the network could send messages`);
  }
  if (!isLoopback(env.HOST) && !env.AGENT_TOKENS) {
    throw new ConfigError(`AGENT_TOKENS: required when HOST is not loopback (HOST=${env.HOST}), or anyone on the network could ask for sends as an agent over /mcp`);
  }
  if (env.SLACK_BOT_TOKEN && !env.SLACK_SIGNING_SECRET && !env.SLACK_APP_TOKEN) {
    throw new ConfigError('SLACK_SIGNING_SECRET: required with SLACK_BOT_TOKEN for HTTP mode (or set SLACK_APP_TOKEN for Socket Mode)');
  }
  if ((env.SLACK_SIGNING_SECRET || env.SLACK_APP_TOKEN) && !env.SLACK_BOT_TOKEN) {
    throw new ConfigError('SLACK_BOT_TOKEN: required when SLACK_SIGNING_SECRET or SLACK_APP_TOKEN is set');
  }
  if (env.RELAY_BASE_URL && !env.RELAY_API_KEY) {
    throw new ConfigError('RELAY_API_KEY: required when RELAY_BASE_URL is set');
  }
  const inMemory = env.RELAYBOT_DATA_DIR.includes('://');
  if (env.DATABASE_URL && !env.AUDIT_KEY && inMemory) {
    throw new ConfigError('AUDIT_KEY: required with DATABASE_URL when RELAYBOT_DATA_DIR is memory:// (a key per process would leave the audit log unverifiable after a restart)');
  }
  const policy = loadPolicy(env.POLICY_FILE);
  const warnings: string[] = [];
  if (env.DATABASE_URL && !env.AUDIT_KEY) {
    warnings.push(
      `AUDIT_KEY is not set: the audit log is signed with the key file in ${env.RELAYBOT_DATA_DIR} (generated if missing). Every replica on this database must sign with the same key: set one AUDIT_KEY (at least 32 characters) on all of them.`,
    );
  }
  if (env.RELAY_BASE_URL && !policy.recipients && !policy.contactsOnly) {
    warnings.push(
      'WARNING: a real relay is configured and the policy has no recipient allowlist — anyone allowed to draft can message any number or address. Set "recipients" (or "contactsOnly") in POLICY_FILE.',
    );
  }
  if (env.AGENT_TOKENS && policy.agents.approvers.length === 0) {
    warnings.push('AGENT_TOKENS is set but the policy lists no agents.approvers: agents can ask, but nobody can approve their drafts, so they expire. Set "agents.approvers" in POLICY_FILE.');
  }
  if (env.TELEGRAM_BOT_TOKEN && !env.TELEGRAM_ALLOWED_USERS?.length) {
    warnings.push('Telegram is on but TELEGRAM_ALLOWED_USERS is empty: the bot answers everyone with "this bot is private" until you list user ids.');
  }
  return { env, policy, warnings };
}
