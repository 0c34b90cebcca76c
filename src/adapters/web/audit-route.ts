import type { RequestHandler } from 'express';
import { z } from 'zod';
import type { RelayBot } from '../../app/relaybot.js';
import { storable } from '../../core/storable-text.js';
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

/** `GET /api/audit?draftId=&actor=&since=&until=&limit=` → `{entries}`, newest first. */
export function auditRoute(bot: Pick<RelayBot, 'auditEntries'>): RequestHandler {
  return async (req, res) => {
    // A repeated query key arrives as an array; the first one wins rather than a confusing type error.
    const query = Object.fromEntries(
      Object.entries(req.query).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v === '' ? undefined : v]),
    );
    const parsed = auditQuerySchema.safeParse(query);
    if (!parsed.success) {
      badRequest(res, describeZodError(parsed.error));
      return;
    }
    const entries = await bot.auditEntries(parsed.data);
    res.json({ entries });
  };
}
