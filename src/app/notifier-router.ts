import type { Draft } from '../core/draft.js';
import type { Notifier } from '../core/ports.js';
import type { Platform } from '../core/send-request.js';

/**
 * Sends a draft's change to the front-end that drafted it. Front-ends register
 * when they start; a platform without one (the web console polls) is skipped.
 */
export class NotifierRouter implements Notifier {
  private readonly byPlatform = new Map<Platform, Notifier>();

  register(platform: Platform, notifier: Notifier): void {
    this.byPlatform.set(platform, notifier);
  }

  async draftChanged(draft: Draft): Promise<void> {
    await this.byPlatform.get(draft.conversation.platform)?.draftChanged(draft);
  }
}
