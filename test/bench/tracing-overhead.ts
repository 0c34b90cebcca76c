/**
 * `npm run bench -- --tracing`: the same server twice, side by side — tracing
 * off, and tracing on exporting every span (http/protobuf, the default) to an
 * OTLP sink in this process — through the same rounds of Slack acks and
 * confirm → relay. The sink only counts what arrives and answers 200, so the
 * cost measured is relaybot's (spans, context, export), not a collector's.
 */
import { createServer } from 'node:http';
import { listenOnLoopback } from '../fakes/loopback.js';
import { median, spread } from './history.js';
import { startSystem, type BenchSystem } from './setup.js';
import { measureSlackAcks } from './slack-acks.js';
import { measureThroughput } from './throughput.js';

type Row = [measure: string, value: string, target: string, ok: boolean | null];

/** Goal: tracing on costs at most this much on the Slack ack p99 and on confirm → relay. */
const MAX_OVERHEAD = 0.1;

interface Side {
  system: BenchSystem;
  ackP99: number[];
  rate: number[];
  cpu: number[];
}

async function startSink(): Promise<{ url: string; requests: () => number; bytes: () => number; close(): Promise<void> }> {
  let requests = 0;
  let bytes = 0;
  const server = createServer((req, res) => {
    req.on('data', (chunk: Buffer) => (bytes += chunk.length));
    req.on('end', () => {
      requests++;
      res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  const listening = await listenOnLoopback(server);
  return { url: listening.base, requests: () => requests, bytes: () => bytes, close: listening.close };
}

export async function compareTracing(rounds: number, workerConcurrency: number): Promise<{ label: string; rows: Row[] }> {
  const sink = await startSink();
  const off: Side = { system: await startSystem(), ackP99: [], rate: [], cpu: [] };
  const on: Side = { system: await startSystem({ env: { OTEL_EXPORTER_OTLP_ENDPOINT: sink.url } }), ackP99: [], rate: [], cpu: [] };
  try {
    // Warm-up, not counted: JIT, pools, first-use paths, in both processes.
    for (const side of [off, on]) {
      await measureSlackAcks(side.system, 200, 50);
      await measureThroughput(side.system, 50, workerConcurrency, 0);
    }
    for (let round = 0; round < rounds; round++) {
      // The order alternates, so neither side always runs right after the other warmed the machine.
      for (const side of round % 2 === 0 ? [off, on] : [on, off]) {
        side.ackP99.push((await measureSlackAcks(side.system, 200, 50)).p99);
        const flow = await measureThroughput(side.system, 300, workerConcurrency, 0);
        side.rate.push(flow.viaRelaybot);
        side.cpu.push(flow.cpu.serverMs);
      }
    }
  } finally {
    await Promise.all([off.system.close(), on.system.close()]);
    await sink.close();
  }
  const ackOverhead = median(on.ackP99) / median(off.ackP99) - 1;
  const rateOverhead = 1 - median(on.rate) / median(off.rate);
  const n = `${rounds} round${rounds === 1 ? '' : 's'}`;
  const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
  return {
    label: off.system.databaseLabel,
    rows: [
      [`Slack ack p99, tracing off (min / median / max of ${n})`, `${spread(off.ackP99, 1)} ms`, '', null],
      ['Slack ack p99, tracing on (OTLP http/protobuf to a local sink)', `${spread(on.ackP99, 1)} ms`, '', null],
      ['  overhead on the ack p99 (medians)', pct(ackOverhead), `≤ ${MAX_OVERHEAD * 100} % (goal)`, ackOverhead <= MAX_OVERHEAD],
      ['confirm → relay, 300 drafts, tracing off', `${spread(off.rate)} msg/s`, '', null],
      ['confirm → relay, 300 drafts, tracing on', `${spread(on.rate)} msg/s`, '', null],
      ['  overhead on confirm → relay (medians)', pct(rateOverhead), `≤ ${MAX_OVERHEAD * 100} % (goal)`, rateOverhead <= MAX_OVERHEAD],
      ['  CPU per relayed message, server process: off / on', `${median(off.cpu).toFixed(2)} / ${median(on.cpu).toFixed(2)} ms`, '', null],
      ['  exported to the sink', `${sink.requests()} requests, ${(sink.bytes() / 2 ** 20).toFixed(1)} MiB`, '', null],
    ],
  };
}
