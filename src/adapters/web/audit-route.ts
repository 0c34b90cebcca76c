import type { Request, RequestHandler, Response } from 'express';
import { describeAuditEntry } from '../../core/audit-story.js';
import { z } from 'zod';
import type { RelayBot } from '../../app/relaybot.js';
import { storable } from '../../core/storable-text.js';
import { auditCsv } from './audit-csv.js';
import { badRequest, describeZodError } from './http-errors.js';

const isoDate = () =>
  z
    .string()
    .trim()
    .refine((s) => !Number.isNaN(Date.parse(s)), 'must be a date, like 2025-01-31T12:00:00Z')
    .transform((s) => new Date(s))
    .optional();

const auditQuerySchema = z.object({
  draftId: storable(z.string().trim().min(1).max(200)).optional(),
  actor: storable(
    z
      .string()
      .trim()
      .regex(/^[a-z]+:.+$/, 'must be "platform:userId", like web:web-user or slack:U123'),
  ).optional(),
  since: isoDate(),
  until: isoDate(),
  limit: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(1000, 'must be at most 1000')
    .optional(),
});

/** The filter of an audit query, or null after answering 400 naming the field. */
function auditFilter(req: Request, res: Response): z.infer<typeof auditQuerySchema> | null {
  // A repeated query key arrives as an array; the first one wins rather than a confusing type error.
  const query = Object.fromEntries(
    Object.entries(req.query).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v === '' ? undefined : v]),
  );
  const parsed = auditQuerySchema.safeParse(query);
  if (!parsed.success) {
    badRequest(res, describeZodError(parsed.error));
    return null;
  }
  return parsed.data;
}

/** `GET /api/audit?draftId=&actor=&since=&until=&limit=` → `{entries}`, newest first, each with `says` (the entry in plain words). */
export function auditRoute(bot: Pick<RelayBot, 'auditEntries'>): RequestHandler {
  return async (req, res) => {
    const filter = auditFilter(req, res);
    if (!filter) return;
    const entries = await bot.auditEntries(filter);
    res.json({ entries: entries.map((e) => ({ ...e, says: describeAuditEntry(e) })) });
  };
}

/** `GET /api/audit.csv` with the same filters: a download for a spreadsheet, times in UTC. */
export function auditCsvRoute(bot: Pick<RelayBot, 'auditEntries'>): RequestHandler {
  return async (req, res) => {
    const filter = auditFilter(req, res);
    if (!filter) return;
    const entries = await bot.auditEntries(filter);
    res.type('text/csv; charset=utf-8').attachment('relaybot-audit.csv').send(auditCsv(entries));
  };
}

/**
 * `GET /api/audit/verify`: the same check as `relaybot audit verify` (every
 * link, hash and MAC from entry 1) → `{ok, count, head}` or `{ok: false,
 * brokenSeq, reason}`. It walks the whole chain, so the console asks on demand.
 */
export function auditVerifyRoute(bot: Pick<RelayBot, 'verifyAudit'>): RequestHandler {
  return async (_req, res) => {
    res.json(await bot.verifyAudit());
  };
}
