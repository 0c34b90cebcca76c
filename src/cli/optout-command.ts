/**
 * `relaybot optout add|remove|list [ADDRESS]`: the opt-out list from a shell,
 * through the same use cases (normalising, auditing) as the chat commands and
 * the HTTP API. The actor is `cli:<login name>`.
 */
import { userInfo } from 'node:os';
import { OptOuts } from '../app/opt-outs.js';
import type { Policy } from '../core/policy.js';
import type { Actor } from '../core/send-request.js';
import type { Stores } from '../adapters/db/index.js';

function cliActor(): Actor {
  let name = 'cli';
  try {
    name = userInfo().username || name;
  } catch {
    // No passwd entry (some containers): the plain label will do.
  }
  return { platform: 'cli', userId: name };
}

/** Returns the exit code; throws `usage` for words it does not know. */
export async function runOptOut(stores: Stores, policy: Policy, region: string, sub: string | undefined, rest: string[], usage: (why: string) => Error): Promise<number> {
  const optOuts = new OptOuts({ optOuts: stores.optOuts, audit: stores.audit, policy, defaultRegion: region, now: () => new Date() });
  const actor = cliActor();
  const address = rest.join(' ');
  if (sub === 'add' || sub === 'remove') {
    if (!address) throw usage(`optout ${sub} needs an ADDRESS (phone number, email or @username)`);
    const change = sub === 'add' ? await optOuts.add(actor, address) : await optOuts.remove(actor, address);
    console.log(change.text);
    return 0;
  }
  if (sub === 'list') {
    const list = await optOuts.list(actor);
    if (list.length === 0) console.log('nobody is opted out');
    for (const o of list) console.log(`${o.address}\t${o.createdAt.toISOString()}\t${o.addedBy ? `${o.addedBy.platform}:${o.addedBy.userId}` : '-'}`);
    return 0;
  }
  throw usage(`unknown optout command "${sub ?? ''}"`);
}
