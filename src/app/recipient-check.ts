import type { Policy } from '../core/policy.js';
import { assertAllowed } from '../core/policy.js';
import type { ContactBook, OptOutList } from '../core/ports.js';
import type { ConversationRef, SendRequest } from '../core/send-request.js';
import { contactScope } from './conversation-keys.js';
import { optOutRefusal } from './opt-outs.js';

export interface RecipientCheckDeps {
  policy: Policy;
  contacts: Pick<ContactBook, 'has'>;
  optOuts: OptOutList;
}

/**
 * May this recipient be messaged: the policy's allowlist (with `contactsOnly`,
 * only saved contacts of the conversation's book) and the opt-out list. One
 * rule, applied when a draft is made, when it is edited and again when its
 * send is claimed. Throws the AppError a person reads.
 */
export async function assertRecipientAllowed(
  deps: RecipientCheckDeps,
  request: SendRequest,
  conversation: ConversationRef,
  viaContact = false,
): Promise<void> {
  // The contact book is consulted only when the policy restricts recipients to it.
  const isContact = viaContact || (deps.policy.contactsOnly && (await deps.contacts.has(contactScope(conversation), request.channel, request.to)));
  assertAllowed(deps.policy, request, isContact);
  const optedOut = await optOutRefusal(deps.optOuts, request.channel, request.to);
  if (optedOut) throw optedOut;
}
