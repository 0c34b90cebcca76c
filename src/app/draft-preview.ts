/**
 * What a draft's recipient will get, for the card: the saved contact's name
 * for the address, the SMS segment count and encoding, and whether the
 * dry-run relay means nothing leaves at all.
 */
import { SegmentedMessage } from 'sms-segments-calculator';
import type { CardPreview } from '../core/card.js';
import type { Draft } from '../core/draft.js';
import type { ContactBook } from '../core/ports.js';
import { contactScope } from './conversation-keys.js';

/** Channels whose text goes out as SMS segments (WhatsApp counts characters, not segments). */
const SEGMENTED = new Set(['sms']);

/** Segments, encoding and character count of an SMS text, as carriers count them. */
export function smsSegments(text: string): NonNullable<CardPreview['sms']> {
  const message = new SegmentedMessage(text, 'auto');
  return {
    segments: message.segmentsCount,
    encoding: message.encodingName === 'GSM-7' ? 'GSM-7' : 'UCS-2',
    characters: message.numberOfCharacters,
  };
}

export interface DraftPreviewDeps {
  contacts: Pick<ContactBook, 'nameFor'>;
  /** True when the relay is the dry-run one. */
  dryRun: boolean;
}

export class DraftPreviewer {
  constructor(private readonly deps: DraftPreviewDeps) {}

  get dryRun(): boolean {
    return this.deps.dryRun;
  }

  async preview(draft: Draft): Promise<CardPreview> {
    const recipientName = draft.channel === 'notify' ? null : await this.deps.contacts.nameFor(contactScope(draft.conversation), draft.channel, draft.to);
    return {
      recipientName,
      sms: SEGMENTED.has(draft.channel) ? smsSegments(draft.text) : null,
      dryRun: this.deps.dryRun,
    };
  }
}
