/**
 * The WebSocket half of a fake Slack for Socket Mode, on the fake Web API's
 * HTTP server (test/fakes/slack-api.ts answers `apps.connections.open` with a
 * `ws://127.0.0.1:<port>/link/?ticket=N` of this server).
 *
 * Speaks what Slack speaks on that socket: `hello` on connect; envelopes
 * `{envelope_id, type, payload, accepts_response_payload}` sent with `deliver`;
 * acks `{envelope_id, payload?}` from the client recorded in `acks`; `{type:
 * 'disconnect', reason}` or a plain close with `disconnect` / `drop`. Pings are
 * answered with pongs, as Slack does, or the client gives up on the socket.
 *
 * No WebSocket library is installed for tests (the Socket Mode client uses
 * undici's), so the RFC 6455 handshake and framing are written out here: text,
 * close, ping and pong frames, unfragmented — all a Socket Mode client sends.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';

const WS_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const OP = { text: 0x1, close: 0x8, ping: 0x9, pong: 0xa } as const;

export interface SocketModeAck {
  envelope_id: string;
  payload?: any;
  /** Which connection (1, 2…) carried it. */
  connection: number;
}

export type EnvelopeType = 'slash_commands' | 'interactive' | 'events_api';

export interface FakeSocketMode {
  /** Connections opened so far (each follows one apps.connections.open). */
  readonly connectionCount: number;
  /** Open connections right now. */
  readonly openCount: number;
  acks: SocketModeAck[];
  /** Send an envelope on the newest open connection; returns its envelope_id. */
  deliver(type: EnvelopeType, payload: unknown): string;
  /** Resolves with the client's ack of `envelopeId` once it arrives. */
  ackOf(envelopeId: string, timeoutMs?: number): Promise<SocketModeAck>;
  /** Slack's way of recycling a connection: `{type: 'disconnect', reason}`; the client closes and reconnects. */
  disconnect(reason?: string): void;
  /** Close the socket from the server's side (a close frame, then the TCP connection). */
  drop(): void;
  /** Resolves once `count` connections have been greeted and one is open. */
  waitForConnections(count: number, timeoutMs?: number): Promise<void>;
  /** Cut every socket (the HTTP server's close does not reach upgraded ones). */
  destroyAll(): void;
}

/** A server-to-client frame: never masked. */
function frame(opcode: number, payload: Buffer): Buffer {
  const len = payload.length;
  const head = len < 126 ? Buffer.from([0x80 | opcode, len]) : Buffer.alloc(len < 65536 ? 4 : 10);
  if (len >= 126 && len < 65536) {
    head[0] = 0x80 | opcode;
    head[1] = 126;
    head.writeUInt16BE(len, 2);
  } else if (len >= 65536) {
    head[0] = 0x80 | opcode;
    head[1] = 127;
    head.writeBigUInt64BE(BigInt(len), 2);
  }
  return Buffer.concat([head, payload]);
}

/** Reads client frames (always masked) out of a growing buffer; returns the rest. */
function readFrames(buffer: Buffer, onFrame: (opcode: number, payload: Buffer) => void): Buffer {
  let rest = buffer;
  for (;;) {
    if (rest.length < 2) return rest;
    const opcode = rest[0]! & 0x0f;
    const masked = (rest[1]! & 0x80) !== 0;
    let len = rest[1]! & 0x7f;
    let offset = 2;
    if (len === 126) {
      if (rest.length < 4) return rest;
      len = rest.readUInt16BE(2);
      offset = 4;
    } else if (len === 127) {
      if (rest.length < 10) return rest;
      len = Number(rest.readBigUInt64BE(2));
      offset = 10;
    }
    const maskAt = offset;
    if (masked) offset += 4;
    if (rest.length < offset + len) return rest;
    const payload = Buffer.from(rest.subarray(offset, offset + len));
    if (masked) for (let i = 0; i < payload.length; i++) payload[i]! ^= rest[maskAt + (i % 4)]!;
    rest = rest.subarray(offset + len);
    onFrame(opcode, payload);
  }
}

interface Connection {
  number: number;
  socket: Duplex;
  open: boolean;
}

export function attachSocketMode(server: Server): FakeSocketMode {
  const connections: Connection[] = [];
  const acks: SocketModeAck[] = [];
  const waiters = new Set<() => void>();
  const notify = () => waiters.forEach((w) => w());
  let hellos = 0;

  const newest = (): Connection => {
    const open = connections.filter((c) => c.open);
    if (open.length === 0) throw new Error('fake socket mode: no open connection');
    return open.at(-1)!;
  };
  const sendJson = (c: Connection, message: unknown) => c.socket.write(frame(OP.text, Buffer.from(JSON.stringify(message))));
  const close = (c: Connection) => {
    if (!c.open) return;
    c.open = false;
    const code = Buffer.alloc(2);
    code.writeUInt16BE(1000);
    c.socket.end(frame(OP.close, code));
  };

  server.on('upgrade', (req: IncomingMessage, socket: Duplex) => {
    const key = req.headers['sec-websocket-key'];
    if (!req.url?.startsWith('/link/') || typeof key !== 'string') {
      socket.end('HTTP/1.1 400 Bad Request\r\n\r\n');
      return;
    }
    const accept = createHash('sha1').update(key + WS_GUID).digest('base64');
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
    const c: Connection = { number: connections.length + 1, socket, open: true };
    connections.push(c);
    let pending: Buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      pending = readFrames(Buffer.concat([pending, chunk]), (opcode, payload) => {
        if (opcode === OP.ping) socket.write(frame(OP.pong, payload));
        else if (opcode === OP.close) close(c);
        else if (opcode === OP.text) {
          const message = JSON.parse(payload.toString('utf8')) as { envelope_id: string; payload?: unknown };
          acks.push({ ...message, connection: c.number });
          notify();
        }
      });
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      c.open = false;
      notify();
    });
    sendJson(c, { type: 'hello', num_connections: 1, debug_info: { host: 'fake-slack', approximate_connection_time: 18060 }, connection_info: { app_id: 'A0RELAY01' } });
    hellos += 1;
    notify();
  });

  const until = <T>(check: () => T | undefined, timeoutMs: number, what: string): Promise<T> =>
    new Promise((resolve, reject) => {
      const test = () => {
        const found = check();
        if (found === undefined) return;
        clearTimeout(timer);
        waiters.delete(test);
        resolve(found);
      };
      const timer = setTimeout(() => {
        waiters.delete(test);
        reject(new Error(`fake socket mode: timed out waiting for ${what}`));
      }, timeoutMs);
      waiters.add(test);
      test();
    });

  return {
    get connectionCount() {
      return connections.length;
    },
    get openCount() {
      return connections.filter((c) => c.open).length;
    },
    acks,
    deliver(type, payload) {
      const envelopeId = randomUUID();
      sendJson(newest(), { envelope_id: envelopeId, type, payload, accepts_response_payload: type !== 'events_api', retry_attempt: 0, retry_reason: '' });
      return envelopeId;
    },
    ackOf: (envelopeId, timeoutMs = 10_000) => until(() => acks.find((a) => a.envelope_id === envelopeId), timeoutMs, `the ack of ${envelopeId}`),
    disconnect(reason = 'refresh_requested') {
      sendJson(newest(), { type: 'disconnect', reason, debug_info: { host: 'fake-slack' } });
    },
    drop() {
      close(newest());
    },
    waitForConnections: (count, timeoutMs = 20_000) =>
      until(() => (hellos >= count && connections.some((c) => c.open) ? true : undefined), timeoutMs, `${count} connections`).then(() => undefined),
    destroyAll() {
      for (const c of connections) {
        c.open = false;
        c.socket.destroy();
      }
    },
  };
}
