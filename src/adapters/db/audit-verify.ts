/**
 * `audit verify`: walks the chain from entry 1 and checks each link, keyed
 * hash and mac (audit-hash.ts), then that every saved checkpoint's head is
 * still in the chain. The chain alone cannot show a deleted tail (what is left
 * is a shorter, valid chain); a checkpoint kept elsewhere can.
 *
 * Entries from before the log was keyed (mac null) verify with the unkeyed
 * hash and are counted as legacy — but only as a prefix: an unkeyed entry
 * after a keyed one is something written or rewritten without the key.
 */
import { asc, gt } from 'drizzle-orm';
import type { AuditVerifyResult, SavedCheckpoint } from '../../core/ports.js';
import { GENESIS_HASH, checkpointMac, eventMac, keyedEntryHash, legacyEntryHash } from './audit-hash.js';
import { equalHex, type AuditKey } from './audit-key.js';
import { toAuditEntry } from './audit-rows.js';
import type { AppDb } from './client.js';
import { auditEvents, type AuditEventRow } from './schema.js';

const VERIFY_PAGE = 500;

type Broken = { brokenSeq: number; reason: string };

export async function verifyAuditChain(db: AppDb, key: AuditKey, checkpoints: SavedCheckpoint[] = []): Promise<AuditVerifyResult> {
  // A checkpoint we did not sign proves nothing either way: say so before walking.
  for (const { line, checkpoint } of checkpoints) {
    if (!equalHex(checkpoint.mac, checkpointMac(key, checkpoint))) {
      return {
        ok: false, count: 0, brokenSeq: checkpoint.seq, checkpointLine: line,
        reason: `checkpoint on line ${line} does not verify: it was not signed with this AUDIT_KEY, or it was altered`,
      };
    }
  }
  const wanted = new Set(checkpoints.map((c) => c.checkpoint.seq));
  const hashAt = new Map<number, string>([[0, GENESIS_HASH]]);
  let prevHash = GENESIS_HASH;
  let expectedSeq = 1;
  let legacy = 0;
  let keyed = false;
  for (;;) {
    const page = await db
      .select()
      .from(auditEvents)
      .where(gt(auditEvents.seq, expectedSeq - 1))
      .orderBy(asc(auditEvents.seq))
      .limit(VERIFY_PAGE);
    for (const row of page) {
      const broken = checkLink(key, row, expectedSeq, prevHash, keyed);
      if (broken) return { ok: false, count: expectedSeq - 1, ...broken };
      if (row.mac === null) legacy += 1;
      else keyed = true;
      if (wanted.has(row.seq)) hashAt.set(row.seq, row.hash);
      prevHash = row.hash;
      expectedSeq += 1;
    }
    if (page.length < VERIFY_PAGE) break;
  }
  const head = { seq: expectedSeq - 1, hash: prevHash };
  for (const { line, checkpoint } of checkpoints) {
    const missing = checkpointMissing(checkpoint, head.seq, hashAt.get(checkpoint.seq));
    if (missing) {
      return {
        ok: false, count: head.seq, brokenSeq: checkpoint.seq, checkpointLine: line,
        reason: `checkpoint on line ${line} (entry ${checkpoint.seq}, hash ${checkpoint.hash}, taken ${checkpoint.at}) is not in the chain: ${missing}`,
      };
    }
  }
  return { ok: true, count: head.seq, legacy, head };
}

/** Why the chain no longer holds this signed head, or null when it does. */
function checkpointMissing(checkpoint: { seq: number; hash: string }, headSeq: number, hash: string | undefined): string | null {
  if (checkpoint.seq > headSeq) {
    return headSeq === 0
      ? 'the chain is empty — every entry was deleted'
      : `the chain ends at entry ${headSeq} — the entries after it were deleted`;
  }
  if (hash !== checkpoint.hash) return `entry ${checkpoint.seq} now has a different hash — the history up to it was rewritten`;
  return null;
}

/** Why this row does not continue the chain, or null when it does. */
function checkLink(key: AuditKey, row: AuditEventRow, expectedSeq: number, prevHash: string, afterKeyed: boolean): Broken | null {
  if (row.seq !== expectedSeq) {
    return { brokenSeq: expectedSeq, reason: `entry ${expectedSeq} is missing (the next entry found is ${row.seq})` };
  }
  if (row.prevHash !== prevHash) {
    return { brokenSeq: row.seq, reason: `prev_hash mismatch: entry ${row.seq} does not point at the hash of entry ${row.seq - 1}` };
  }
  const entry = toAuditEntry(row);
  if (row.mac === null) {
    if (afterKeyed) {
      return { brokenSeq: row.seq, reason: `unkeyed entry: entry ${row.seq} has no mac but follows keyed entries — it was written or rewritten without AUDIT_KEY` };
    }
    if (legacyEntryHash(row.prevHash, entry) !== row.hash) {
      return { brokenSeq: row.seq, reason: `hash mismatch: entry ${row.seq} was changed after it was written` };
    }
    return null;
  }
  if (!equalHex(row.hash, keyedEntryHash(key, row.prevHash, { ...entry, mac: row.mac }))) {
    return { brokenSeq: row.seq, reason: `hash mismatch: entry ${row.seq} was changed after it was written, or was not chained with this AUDIT_KEY` };
  }
  if (!equalHex(row.mac, eventMac(key, entry))) {
    return { brokenSeq: row.seq, reason: `mac mismatch: entry ${row.seq} was not written by relaybot with this AUDIT_KEY` };
  }
  return null;
}
