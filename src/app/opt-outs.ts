/**
 * Opt-outs: addresses that must not be messaged. Managed from the CLI, the
 * HTTP API and the approvers' chat commands — all through these functions, so
 * every front-end normalises and audits the same way — and checked when a
 * draft is made and again when its send is claimed.
 */
import { AppError } from '../core/errors.js';
import type { AuditLog, OptOut, OptOutList } from '../core/ports.js';
import { actorKey, type Actor, type Channel } from '../core/send-request.js';
import { assertStorable } from '../core/storable-text.js';
import { normalizePhone } from '../core/validation.js';
import type { Policy } from '../core/policy.js';

/**
 * An address as recipients are stored: a phone in E.164 (in `defaultRegion`
 * when written without +), an email in lower case, `@username` or a numeric id
 * (`tg:` before one that could also be read as a phone number).
 * Throws `invalid:address` with a sentence.
 */
export function normalizeOptOutAddress(raw: string, defaultRegion: string): string {
  assertStorable('address', raw);
  const value = raw.trim();
  if (!value) throw new AppError('invalid:address', 'address: give the phone number, email or @username that opted out.');
  if (/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(value)) return value.toLowerCase();
  if (/^@[A-Za-z][A-Za-z0-9_]{3,31}$/.test(value)) return value;
  // "tg:123456789": a Telegram numeric id that would otherwise read as a phone number.
  const telegramId = /^tg:\s*(-?\d{1,20})$/i.exec(value);
  if (telegramId) return telegramId[1]!;
  if (/^[+\d(][\d\s().-]{5,}$/.test(value)) {
    try {
      return normalizePhone(value, defaultRegion);
    } catch {
      // Bare digits that are no phone number: a numeric chat id.
      if (/^-?\d{1,20}$/.test(value)) return value;
      throw new AppError('invalid:address', `address: "${value}" is not a valid phone number; write it with the country code, like +15551234567.`);
    }
  }
  if (/^-?\d{1,20}$/.test(value)) return value;
  throw new AppError('invalid:address', `address: "${value}" is not a phone number, email address, @username or numeric id.`);
}

/** The refusal for a recipient on the list, or null. Push notifications go to relaybot's own device: never opted out. */
export async function optOutRefusal(optOuts: OptOutList, channel: Channel, to: string): Promise<AppError | null> {
  if (channel === 'notify' || !to) return null;
  if (!(await optOuts.has(to))) return null;
  return new AppError('denied:opt_out', `${to} has opted out of messages from relaybot, so relaybot will not message it.`);
}

export interface OptOutDeps {
  optOuts: OptOutList;
  audit: AuditLog;
  policy: Policy;
  defaultRegion: string;
  now: () => Date;
}

/** Who may change the list from chat: an approver, or anyone when the policy has no approver list (requester mode). */
export function mayManageOptOuts(policy: Policy, actor: Actor): boolean {
  if (actor.platform === 'cli') return true;
  const approvers = policy.approval.approvers;
  return approvers.length === 0 ? policy.approval.mode === 'requester' : approvers.includes(actorKey(actor));
}

function assertMayManage(deps: OptOutDeps, actor: Actor): void {
  if (!mayManageOptOuts(deps.policy, actor)) {
    throw new AppError('denied:decider', `Only an approver (${deps.policy.approval.approvers.join(', ')}) can change the opt-out list.`);
  }
}

export type OptOutChange = { address: string; changed: boolean; text: string };

export async function addOptOut(deps: OptOutDeps, actor: Actor, raw: string): Promise<OptOutChange> {
  assertMayManage(deps, actor);
  const address = normalizeOptOutAddress(raw, deps.defaultRegion);
  const changed = await deps.optOuts.add(address, actor, deps.now(), { actor, action: 'optout.added', details: { address } });
  const text = changed ? `${address} is opted out: relaybot will not message it, and scheduled sends to it will fail.` : `${address} was already opted out.`;
  return { address, changed, text };
}

export async function removeOptOut(deps: OptOutDeps, actor: Actor, raw: string): Promise<OptOutChange> {
  assertMayManage(deps, actor);
  const address = normalizeOptOutAddress(raw, deps.defaultRegion);
  const changed = await deps.optOuts.remove(address, deps.now(), { actor, action: 'optout.removed', details: { address } });
  const text = changed ? `${address} may be messaged again.` : `${address} was not on the opt-out list.`;
  return { address, changed, text };
}

export async function listOptOuts(deps: OptOutDeps, actor: Actor): Promise<OptOut[]> {
  assertMayManage(deps, actor);
  return deps.optOuts.list();
}

/**
 * A chat command's words (`add ADDRESS`, `remove ADDRESS`, `list`) → the answer
 * to show. Slack's `/send optout …` and Telegram's `/optout …` both call this.
 */
export async function optOutCommand(deps: OptOutDeps, actor: Actor, words: string): Promise<string> {
  const [verb = '', ...rest] = words.trim().split(/\s+/);
  const address = rest.join(' ');
  try {
    switch (verb.toLowerCase()) {
      case 'add':
        return (await addOptOut(deps, actor, address)).text;
      case 'remove':
      case 'rm':
      case 'delete':
        return (await removeOptOut(deps, actor, address)).text;
      case 'list':
      case '': {
        const list = await listOptOuts(deps, actor);
        return list.length === 0 ? 'Nobody is opted out.' : `Opted out (${list.length}):\n${list.map((o) => o.address).join('\n')}`;
      }
      default:
        return 'Usage: optout add ADDRESS · optout remove ADDRESS · optout list';
    }
  } catch (error) {
    if (error instanceof AppError) return error.message;
    throw error;
  }
}

/**
 * The opt-out list as an app service (`bot.optOuts`): what the CLI, the HTTP
 * API and the chat commands call. Front-ends get this, never the list's store.
 */
export class OptOuts {
  constructor(private readonly deps: OptOutDeps) {}

  add(actor: Actor, raw: string): Promise<OptOutChange> {
    return addOptOut(this.deps, actor, raw);
  }

  remove(actor: Actor, raw: string): Promise<OptOutChange> {
    return removeOptOut(this.deps, actor, raw);
  }

  list(actor: Actor): Promise<OptOut[]> {
    return listOptOuts(this.deps, actor);
  }

  /** A chat command's words (`add ADDRESS`, `remove ADDRESS`, `list`) → the sentence to show. */
  command(actor: Actor, words: string): Promise<string> {
    return optOutCommand(this.deps, actor, words);
  }
}
