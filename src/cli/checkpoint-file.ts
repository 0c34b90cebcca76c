/**
 * Reads saved audit checkpoints: one JSON object per line, as printed by
 * `relaybot audit checkpoint` or logged as `audit.checkpoint` (a pino line
 * carries the same four fields, so grepped log lines work as they are).
 */
import { readFileSync } from 'node:fs';
import type { SavedCheckpoint } from '../core/ports.js';

/** A checkpoint file that cannot be used as it is: the message names the file and line. */
export class CheckpointFileError extends Error {}

const HEX64 = /^[0-9a-f]{64}$/;

export function readCheckpointFile(path: string): SavedCheckpoint[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CheckpointFileError(`--checkpoint ${path}: ${code === 'ENOENT' ? 'file not found' : (code ?? 'cannot be read')}`);
  }
  const saved: SavedCheckpoint[] = [];
  text.split('\n').forEach((raw, index) => {
    if (raw.trim() === '') return;
    const line = index + 1;
    const checkpoint = parseCheckpoint(raw);
    if (!checkpoint) throw new CheckpointFileError(`--checkpoint ${path}: line ${line} is not a checkpoint (one JSON object {seq, hash, at, mac} per line)`);
    saved.push({ line, checkpoint });
  });
  // An emptied file must not pass for "nothing to check".
  if (saved.length === 0) throw new CheckpointFileError(`--checkpoint ${path}: the file holds no checkpoint`);
  return saved;
}

function parseCheckpoint(raw: string): SavedCheckpoint['checkpoint'] | null {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const { seq, hash, at, mac } = value as Record<string, unknown>;
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 0) return null;
  if (typeof hash !== 'string' || !HEX64.test(hash) || typeof mac !== 'string' || !HEX64.test(mac)) return null;
  if (typeof at !== 'string' || Number.isNaN(Date.parse(at))) return null;
  return { seq, hash, at, mac };
}
