/**
 * A card button's `value`: the draft id and the version the card shows,
 * `<draftId>:<version>`, so a click decides exactly the content that was on
 * screen. Cards drawn before versions existed carry the bare id; those still
 * decode (version unknown: the current one, where policy allows that).
 */
export interface ButtonTarget {
  draftId: string;
  version?: number;
}

/** Slack's limit for a button value. */
const VALUE_LIMIT = 2000;

export function encodeButtonValue(draftId: string, version: number): string {
  return `${draftId}:${version}`;
}

/** The draft and version a button names, or null for a value that cannot be ours. */
export function decodeButtonValue(value: string | undefined): ButtonTarget | null {
  if (!value || value.length > VALUE_LIMIT) return null;
  const match = /^([^:]+):([1-9]\d{0,8})$/.exec(value);
  if (match) return { draftId: match[1]!, version: Number(match[2]) };
  // An old card: the whole value is the id (a tampered one simply names no draft).
  return value.includes(':') ? null : { draftId: value };
}
