/** All the database-backed ports, built over one open database. */
import type { ChatHistory } from '../../core/chat-history.js';
import type { AuditLog, ContactBook, Logger, ConversationStore, DeliveryQueue, DraftStore, InboundDedupe, Metrics, OptOutList } from '../../core/ports.js';
import { createAuditLog } from './audit-log.js';
import { createAuditSealer, type AuditSealer } from './audit-sealer.js';
import type { DraftCards, PendingDrafts } from '../../core/agent-ports.js';
import { createDraftCards, createPendingDrafts } from './agent-drafts.js';
import { createChatHistory } from './chat-history.js';
import type { Database } from './client.js';
import { createContactBook } from './contact-book.js';
import { createConversationStore } from './conversation-store.js';
import { createDeliveryQueue } from './delivery-queue.js';
import { createDraftStore } from './draft-store.js';
import { createInboundDedupe } from './inbound-dedupe.js';
import { createOptOutList } from './opt-out-list.js';

export interface Stores {
  drafts: DraftStore;
  deliveries: DeliveryQueue;
  audit: AuditLog;
  contacts: ContactBook;
  conversations: ConversationStore;
  dedupe: InboundDedupe;
  optOuts: OptOutList;
  /** The extra cards of agents' drafts, and the pending lists of the web inbox. */
  draftCards: DraftCards;
  pendingDrafts: PendingDrafts;
  /** The web console's chats, per person. */
  chats: ChatHistory;
  /** Links committed audit events into the chain; flush it before closing the database. */
  auditSealer: AuditSealer;
}

/** Every audit event is signed with `database.auditKey` before it is stored. */
export function createStores(database: Database, logger?: Logger, metrics?: Metrics): Stores {
  const { db, auditKey } = database;
  const auditSealer = createAuditSealer(db, auditKey, { logger, metrics });
  return {
    drafts: createDraftStore(db, auditSealer, auditKey),
    deliveries: createDeliveryQueue(db, auditSealer, auditKey),
    audit: createAuditLog(db, auditSealer, auditKey),
    contacts: createContactBook(db, { key: auditKey, sealer: auditSealer }),
    conversations: createConversationStore(db),
    dedupe: createInboundDedupe(db),
    optOuts: createOptOutList(db, auditSealer, auditKey),
    draftCards: createDraftCards(db),
    pendingDrafts: createPendingDrafts(db),
    chats: createChatHistory(db),
    auditSealer,
  };
}
