/**
 * relaybot CLI: `npm run relaybot -- <command>`. Reads the same environment as
 * the server. Exit codes: 0 ok, 1 a check failed (audit verify), 2 bad usage or config.
 */
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config.js';
import { AppError } from '../core/errors.js';
import { channelFromWord, Contacts } from '../app/contacts.js';
import { CHANNELS } from '../core/send-request.js';
import type { SavedCheckpoint } from '../core/ports.js';
import { createStores, GLOBAL_SCOPE, type Database } from '../adapters/db/index.js';
import { openConfiguredDatabase } from '../runtime.js';
import { CheckpointFileError, readCheckpointFile } from './checkpoint-file.js';
import { formatAuditEntry, formatVerified } from './format.js';
import { runMcpBridge } from './mcp-bridge.js';

const USAGE = `usage: relaybot <command>

  migrate                               apply database migrations
  audit verify [--checkpoint FILE]      check every MAC and link of the audit chain, and that each signed
                                        checkpoint in FILE (one per line) is still in it (exit 1 on tampering)
  audit checkpoint                      print the chain's signed head, one JSON line {seq, hash, at, mac}
  audit tail [--draft ID] [--limit N]   show the latest audit entries (default 20)
  contacts add NAME CHANNEL ADDRESS     save a contact (channels: ${CHANNELS.join(', ')}) [--scope S]
  contacts remove NAME                  delete a contact [--scope S] (exit 1 when there was none)
  contacts list                         list contacts [--scope S] (default: global)
  mcp --url URL                         bridge stdio to relaybot's /mcp (for MCP clients that only start stdio
                                        servers); the agent token, if any, comes from RELAYBOT_AGENT_TOKEN
  help                                  this text`;

class UsageError extends Error {}

async function run(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { url: { type: 'string' }, draft: { type: 'string' }, limit: { type: 'string' }, checkpoint: { type: 'string' }, scope: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  const [command, sub, ...rest] = positionals;
  if (!command || command === 'help' || values.help) {
    console.log(USAGE);
    return 0;
  }
  if (command === 'mcp') {
    // Needs no database or server configuration: only where relaybot answers.
    let url: URL;
    try {
      url = new URL(values.url ?? '');
    } catch {
      throw new UsageError('mcp needs --url, e.g. --url http://127.0.0.1:3000/mcp');
    }
    if (!/^https?:$/.test(url.protocol)) throw new UsageError('--url must be an http(s) URL');
    await runMcpBridge(url, process.env.RELAYBOT_AGENT_TOKEN?.trim() || undefined);
    return 0;
  }
  const known = ['migrate', 'audit', 'contacts'];
  if (!known.includes(command)) throw new UsageError(`unknown command "${command}"`);

  const config = loadConfig();
  // Read before opening the database, so a bad file is reported without waiting for it.
  const checkpoints = command === 'audit' && sub === 'verify' && values.checkpoint !== undefined ? readCheckpointFile(values.checkpoint) : undefined;
  const database = await openConfiguredDatabase(config);
  try {
    return await dispatch(database, config.env.DEFAULT_PHONE_REGION, command, sub, rest, { ...values, checkpoints });
  } finally {
    await database.close();
  }
}

async function dispatch(
  database: Database,
  region: string,
  command: string,
  sub: string | undefined,
  rest: string[],
  values: { draft?: string; limit?: string; scope?: string; checkpoints?: SavedCheckpoint[] | undefined },
): Promise<number> {
  const stores = createStores(database);
  if (command === 'migrate') {
    console.log(`migrations applied (${database.kind})`);
    return 0;
  }
  if (command === 'audit' && sub === 'verify') {
    const result = await stores.audit.verify(values.checkpoints);
    if (result.ok) {
      console.log(formatVerified(result, values.checkpoints?.length ?? 0));
      return 0;
    }
    if (result.checkpointLine !== undefined) console.error(`audit chain BROKEN: ${result.reason}`);
    else console.error(`audit chain BROKEN at entry #${result.brokenSeq}: ${result.reason} (${result.count} entries checked before it)`);
    return 1;
  }
  if (command === 'audit' && sub === 'checkpoint') {
    const { seq, hash, at, mac } = await stores.audit.checkpoint();
    console.log(JSON.stringify({ seq, hash, at, mac }));
    return 0;
  }
  if (command === 'audit' && sub === 'tail') {
    const limit = values.limit ? Number.parseInt(values.limit, 10) : 20;
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new UsageError('--limit must be a whole number from 1 to 1000');
    const entries = await stores.audit.list({ draftId: values.draft, limit });
    if (entries.length === 0) console.log('no audit entries yet');
    for (const entry of entries.reverse()) console.log(formatAuditEntry(entry));
    return 0;
  }
  const scope = values.scope ?? GLOBAL_SCOPE;
  // The same contact book rules (name, address, audit) as every chat front-end; the operator is the audit's actor null.
  const contactBook = new Contacts({ contacts: stores.contacts, clock: { now: () => new Date() }, defaultRegion: region });
  if (command === 'contacts' && sub === 'add') {
    const [name, channelWord, ...addressParts] = rest;
    const address = addressParts.join(' ');
    if (!name || !channelWord || !address) throw new UsageError('contacts add needs NAME CHANNEL ADDRESS');
    if (!channelFromWord(channelWord)) throw new UsageError(`"${channelWord}" is not a channel; use one of ${CHANNELS.join(', ')}`);
    const saved = await contactBook.save(null, { scope }, name, channelWord, address);
    if (!saved.ok) {
      console.error(`relaybot: ${saved.sentence}`);
      return 2;
    }
    const { contact } = saved;
    console.log(`saved ${contact.name}: ${contact.channel} ${contact.address} (scope ${contact.scope})`);
    return 0;
  }
  if (command === 'contacts' && sub === 'remove') {
    const name = rest.join(' ');
    if (!name) throw new UsageError('contacts remove needs NAME');
    const removed = await contactBook.remove(null, { scope }, name);
    console.log(removed > 0 ? `removed ${name} (scope ${scope})` : `no contact called ${name} in scope ${scope}`);
    return removed > 0 ? 0 : 1;
  }
  if (command === 'contacts' && sub === 'list') {
    const contacts = await contactBook.list({ scope });
    if (contacts.length === 0) console.log(`no contacts in scope ${scope}`);
    for (const c of contacts) console.log(`${c.name}\t${c.channel}\t${c.address}\t(${c.scope})`);
    return 0;
  }
  throw new UsageError(`unknown ${command} command "${sub ?? ''}"`);
}

run(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError) console.error(`relaybot: ${error.message}\n\n${USAGE}`);
    else if (error instanceof CheckpointFileError) console.error(`relaybot: ${error.message}`);
    else if (error instanceof ConfigError || error instanceof AppError) console.error(`relaybot: ${error.message}`);
    else console.error(`relaybot: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(2);
  },
);
