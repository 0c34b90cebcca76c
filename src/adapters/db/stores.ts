/** All the database-backed ports, built over one open database. */
import type { AuditLog, ContactBook, ConversationStore, DeliveryQueue, DraftStore, InboundDedupe } from '../../core/ports.js';
import { createAuditLog } from './audit-log.js';
import type { Database } from './client.js';
import { createContactBook } from './contact-book.js';
import { createConversationStore } from './conversation-store.js';
import { createDeliveryQueue } from './delivery-queue.js';
import { createDraftStore } from './draft-store.js';
import { createInboundDedupe } from './inbound-dedupe.js';

export interface Stores {
  drafts: DraftStore;
  deliveries: DeliveryQueue;
  audit: AuditLog;
  contacts: ContactBook;
  conversations: ConversationStore;
  dedupe: InboundDedupe;
}

export function createStores(database: Database): Stores {
  const { db } = database;
  return {
    drafts: createDraftStore(db),
    deliveries: createDeliveryQueue(db),
    audit: createAuditLog(db),
    contacts: createContactBook(db),
    conversations: createConversationStore(db),
    dedupe: createInboundDedupe(db),
  };
}
