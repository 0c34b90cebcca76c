/**
 * A local OpenTelemetry collector stand-in: `POST /v1/traces` over OTLP/HTTP,
 * in either encoding the exporters speak — `application/json` (http/json) or
 * `application/x-protobuf` (http/protobuf, decoded here from the wire format
 * of opentelemetry-proto's trace.proto, so an assertion sees the same spans
 * whichever protocol the server used).
 *
 *   const otlp = await startOtlpReceiver();
 *   // start the server with OTEL_EXPORTER_OTLP_ENDPOINT=otlp.url
 *   const spans = await otlp.waitFor((all) => all.some((s) => s.name === 'relaybot.delivery'));
 */
import { createServer } from 'node:http';
import { listenOnLoopback } from './loopback.js';

export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  /** 1 internal, 2 server, 3 client… (OTLP's SpanKind numbering). */
  kind: number;
  attributes: Record<string, unknown>;
  links: { traceId: string; spanId: string; attributes: Record<string, unknown> }[];
  status: { code: number; message: string };
  events: { name: string; attributes: Record<string, unknown> }[];
  /** The exporting process's resource attributes (service.name…). */
  resource: Record<string, unknown>;
}

export interface OtlpReceiver {
  url: string;
  /** Content types of every export request received, in order. */
  contentTypes: string[];
  /** Headers of every export request (e.g. the Authorization from OTEL_EXPORTER_OTLP_HEADERS). */
  headers: Record<string, string | string[] | undefined>[];
  spans: ReceivedSpan[];
  /** Resolves with all spans once `done(spans)` holds; rejects after `timeoutMs`. */
  waitFor(done: (spans: ReceivedSpan[]) => boolean, timeoutMs?: number): Promise<ReceivedSpan[]>;
  close(): Promise<void>;
}

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const contentTypes: string[] = [];
  const headers: OtlpReceiver['headers'] = [];
  const spans: ReceivedSpan[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const type = String(req.headers['content-type'] ?? '');
      contentTypes.push(type);
      headers.push(req.headers);
      const body = Buffer.concat(chunks);
      try {
        if (req.url !== '/v1/traces') throw new Error(`unexpected path ${req.url}`);
        spans.push(...(type.includes('json') ? fromJson(JSON.parse(body.toString())) : fromProtobuf(body)));
      } catch (error) {
        res.writeHead(400, { 'content-type': 'text/plain' }).end(String(error));
        return;
      }
      if (type.includes('json')) res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      else res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  const listening = await listenOnLoopback(server);
  return {
    url: listening.base,
    contentTypes,
    headers,
    spans,
    async waitFor(done, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (!done(spans)) {
        if (Date.now() > deadline) throw new Error(`spans did not arrive in ${timeoutMs} ms; got: ${spans.map((s) => s.name).join(', ')}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return spans;
    },
    close: listening.close,
  };
}

// ---- http/json ----

type Json = any;

function jsonValue(value: Json): unknown {
  if (!value) return undefined;
  if ('stringValue' in value) return value.stringValue;
  if ('boolValue' in value) return value.boolValue;
  if ('intValue' in value) return Number(value.intValue);
  if ('doubleValue' in value) return value.doubleValue;
  if ('arrayValue' in value) return (value.arrayValue.values ?? []).map(jsonValue);
  return undefined;
}
const jsonAttributes = (list: Json[] | undefined) => Object.fromEntries((list ?? []).map((kv) => [kv.key, jsonValue(kv.value)]));

function fromJson(request: Json): ReceivedSpan[] {
  return (request.resourceSpans ?? []).flatMap((rs: Json) =>
    (rs.scopeSpans ?? []).flatMap((ss: Json) =>
      (ss.spans ?? []).map((s: Json) => ({
        traceId: s.traceId,
        spanId: s.spanId,
        parentSpanId: s.parentSpanId ?? '',
        name: s.name,
        kind: s.kind ?? 0,
        attributes: jsonAttributes(s.attributes),
        links: (s.links ?? []).map((l: Json) => ({ traceId: l.traceId, spanId: l.spanId, attributes: jsonAttributes(l.attributes) })),
        status: { code: s.status?.code ?? 0, message: s.status?.message ?? '' },
        events: (s.events ?? []).map((e: Json) => ({ name: e.name, attributes: jsonAttributes(e.attributes) })),
        resource: jsonAttributes(rs.resource?.attributes),
      })),
    ),
  );
}

// ---- http/protobuf: just enough of the wire format for trace.proto ----

type Field = { no: number; wire: number; value: bigint | Buffer };

function readVarint(buf: Buffer, at: number): [bigint, number] {
  let result = 0n;
  let shift = 0n;
  for (;;) {
    const byte = buf[at++]!;
    result |= BigInt(byte & 0x7f) << shift;
    if (byte < 0x80) return [result, at];
    shift += 7n;
  }
}

function fields(buf: Buffer): Field[] {
  const out: Field[] = [];
  let at = 0;
  while (at < buf.length) {
    const [tag, next] = readVarint(buf, at);
    at = next;
    const no = Number(tag >> 3n);
    const wire = Number(tag & 7n);
    if (wire === 0) {
      const [value, after] = readVarint(buf, at);
      out.push({ no, wire, value });
      at = after;
    } else if (wire === 2) {
      const [length, after] = readVarint(buf, at);
      out.push({ no, wire, value: buf.subarray(after, after + Number(length)) });
      at = after + Number(length);
    } else if (wire === 1) {
      out.push({ no, wire, value: buf.subarray(at, at + 8) });
      at += 8;
    } else if (wire === 5) {
      out.push({ no, wire, value: buf.subarray(at, at + 4) });
      at += 4;
    } else {
      throw new Error(`unsupported wire type ${wire}`);
    }
  }
  return out;
}

const all = (buf: Buffer, no: number) => fields(buf).filter((f) => f.no === no);
const bytes = (buf: Buffer, no: number): Buffer => (all(buf, no)[0]?.value as Buffer | undefined) ?? Buffer.alloc(0);
const int = (buf: Buffer, no: number): number => Number((all(buf, no)[0]?.value as bigint | undefined) ?? 0n);

function anyValue(buf: Buffer): unknown {
  const [field] = fields(buf);
  if (!field) return undefined;
  switch (field.no) {
    case 1: return (field.value as Buffer).toString('utf8');
    case 2: return field.value === 1n;
    case 3: return Number(BigInt.asIntN(64, field.value as bigint));
    case 4: return (field.value as Buffer).readDoubleLE(0);
    case 5: return all(field.value as Buffer, 1).map((v) => anyValue(v.value as Buffer));
    default: return undefined;
  }
}
const protoAttributes = (buf: Buffer, no: number) =>
  Object.fromEntries(all(buf, no).map((kv) => [bytes(kv.value as Buffer, 1).toString('utf8'), anyValue(bytes(kv.value as Buffer, 2))]));

function fromProtobuf(body: Buffer): ReceivedSpan[] {
  return all(body, 1).flatMap((rs) => {
    const resource = protoAttributes(bytes(rs.value as Buffer, 1), 1);
    return all(rs.value as Buffer, 2).flatMap((ss) =>
      all(ss.value as Buffer, 2).map(({ value }) => {
        const s = value as Buffer;
        const status = bytes(s, 15);
        return {
          traceId: bytes(s, 1).toString('hex'),
          spanId: bytes(s, 2).toString('hex'),
          parentSpanId: bytes(s, 4).toString('hex'),
          name: bytes(s, 5).toString('utf8'),
          kind: int(s, 6),
          attributes: protoAttributes(s, 9),
          links: all(s, 13).map((l) => ({
            traceId: bytes(l.value as Buffer, 1).toString('hex'),
            spanId: bytes(l.value as Buffer, 2).toString('hex'),
            attributes: protoAttributes(l.value as Buffer, 4),
          })),
          status: { code: int(status, 3), message: bytes(status, 2).toString('utf8') },
          events: all(s, 11).map((e) => ({ name: bytes(e.value as Buffer, 2).toString('utf8'), attributes: protoAttributes(e.value as Buffer, 3) })),
          resource,
        };
      }),
    );
  });
}
