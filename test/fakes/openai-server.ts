/**
 * A local OpenAI-compatible server (`POST /v1/chat/completions`, non-streaming)
 * with scripted answers, so the real `openai` SDK can be exercised offline:
 *
 *   const ai = await startFakeOpenAI();
 *   ai.script(toolCall('send_message', { channel: 'sms', to: '+1555…', text: 'Hi', subject: null }));
 *   const interpreter = createOpenAIInterpreter({ apiKey: 'test', baseURL: ai.baseURL, maxRetries: 0 });
 *   …
 *   expect(ai.requests[0]!.body.messages[0].role).toBe('system');
 *   await ai.close();
 *
 * Steps are consumed one per request, in order. When the script is used up the
 * server answers 500 "script exhausted", so an unexpected extra request fails
 * the test loudly instead of passing by accident.
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import { listenOnLoopback } from './loopback.js';

export type FakeModelStep =
  /** One or more tool calls; `arguments` objects are JSON-encoded, strings sent verbatim (to script malformed JSON). */
  | { toolCalls: Array<{ name: string; arguments: string | object }>; content?: string | null }
  /** A plain assistant message. */
  | { text: string }
  /** An HTTP error with an OpenAI-style error body. */
  | { status: number; message?: string; headers?: Record<string, string> };

export const toolCall = (name: string, args: string | object): FakeModelStep => ({ toolCalls: [{ name, arguments: args }] });
export const text = (content: string): FakeModelStep => ({ text: content });
export const httpError = (status: number, message = `fake error ${status}`, headers?: Record<string, string>): FakeModelStep =>
  headers ? { status, message, headers } : { status, message };

export interface RecordedChatRequest {
  path: string;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body: model, messages, tools, tool_choice… */
  body: any;
}

export interface FakeOpenAI {
  /** Give this to the SDK as `baseURL` (ends in `/v1`). */
  baseURL: string;
  requests: RecordedChatRequest[];
  script(...steps: FakeModelStep[]): void;
  reset(): void;
  close(): Promise<void>;
}

export async function startFakeOpenAI(initial: FakeModelStep[] = []): Promise<FakeOpenAI> {
  const queue = [...initial];
  const requests: RecordedChatRequest[] = [];
  let seq = 0;

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body: any;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        body = undefined;
      }
      requests.push({ path: req.url ?? '', headers: req.headers, body });
      if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
        return send(res, 404, { error: { message: `No route ${req.method} ${req.url}`, type: 'invalid_request_error' } });
      }
      const step = queue.shift();
      if (!step) return send(res, 500, { error: { message: 'fake OpenAI: script exhausted', type: 'server_error' } });
      if ('status' in step) {
        return send(res, step.status, { error: { message: step.message ?? 'error', type: 'api_error', code: null } }, step.headers);
      }
      seq += 1;
      const message =
        'text' in step
          ? { role: 'assistant', content: step.text, refusal: null }
          : {
              role: 'assistant',
              content: step.content ?? null,
              refusal: null,
              tool_calls: step.toolCalls.map((c, i) => ({
                id: `call_${seq}_${i}`,
                type: 'function',
                function: { name: c.name, arguments: typeof c.arguments === 'string' ? c.arguments : JSON.stringify(c.arguments) },
              })),
            };
      send(res, 200, {
        id: `chatcmpl-fake-${seq}`,
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model: body?.model ?? 'fake',
        choices: [{ index: 0, message, logprobs: null, finish_reason: 'text' in step ? 'stop' : 'tool_calls' }],
        usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
      });
    });
  });
  const listening = await listenOnLoopback(server);

  return {
    baseURL: `${listening.base}/v1`,
    requests,
    script: (...steps) => queue.push(...steps),
    reset() {
      queue.length = 0;
      requests.length = 0;
    },
    close: listening.close,
  };
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const json = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json), ...headers });
  res.end(json);
}
