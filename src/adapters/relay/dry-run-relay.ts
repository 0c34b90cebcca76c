import type { Relay, RelayMessage, RelayResult } from '../../core/ports.js';

/**
 * The relay used when RELAY_BASE_URL is unset: it sends nothing and contacts
 * nobody. The delivery worker records the draft as sent with `dryRun: true`,
 * which the cards and the audit log show as a dry run.
 */
export function createDryRunRelay(): Relay {
  return {
    dryRun: true,
    async send(_message: RelayMessage): Promise<RelayResult> {
      return { dryRun: true, relayMessageId: null, status: 200 };
    },
  };
}
