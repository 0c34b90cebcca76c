import { z } from 'zod';
import { AppError } from './errors.js';
import type { Actor } from './send-request.js';

/**
 * Postgres `text` cannot hold U+0000, and `jsonb` (the audit log, conversation
 * history) refuses a lone UTF-16 surrogate. Either would fail deep inside a
 * statement as a 500, after part of the work was done; every piece of text a
 * person sends is checked here first, by the front-ends' schemas and by the core.
 */
const NULL_BYTE = /\u0000/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why `value` cannot be stored, as the end of a sentence ("contains a null byte…"), or null when it can. */
export function unstorableReason(value: string): string | null {
  if (NULL_BYTE.test(value)) return 'contains a null byte (U+0000), which cannot be stored; remove it and try again';
  if (LONE_SURROGATE.test(value)) return 'contains a broken character (a lone UTF-16 surrogate), which cannot be stored; remove it and try again';
  return null;
}

export const isStorable = (value: string): boolean => unstorableReason(value) === null;

/** Throws `invalid:request` naming the field when `value` cannot be stored. */
export function assertStorable(field: string, value: string | null | undefined): void {
  if (typeof value !== 'string') return;
  const reason = unstorableReason(value);
  if (reason) throw new AppError('invalid:request', `${field}: ${reason}.`);
}

/** An actor is written into audit entries; one the database cannot hold is refused before anything is written. */
export function assertStorableActor(actor: Pick<Actor, 'userId' | 'name'>): void {
  assertStorable('userId', actor.userId);
  assertStorable('name', actor.name);
}

/** The same check as a zod refinement, for request schemas: the issue names the field by its path. */
export function storable<T extends z.ZodType>(schema: T): T {
  return schema.check((ctx) => {
    if (typeof ctx.value !== 'string') return;
    const reason = unstorableReason(ctx.value);
    if (reason) ctx.issues.push({ code: 'custom', message: reason, input: ctx.value });
  }) as T;
}
