import type { Response } from 'express';
import type { DraftData } from './draft-view.js';

/**
 * The parts of the AI SDK UI-message-stream protocol (v1) that relaybot
 * speaks: one `data: <json>` event per part, `data: [DONE]` at the end.
 * Any client of that protocol (the AI SDK's useChat, or the console) can read it.
 */
export type UIMessageChunk =
  | { type: 'start'; messageId: string }
  | { type: 'text-start'; id: string }
  | { type: 'text-delta'; id: string; delta: string }
  | { type: 'text-end'; id: string }
  | { type: 'data-draft'; id: string; data: DraftData }
  // A draft as an AI SDK tool call needing approval, and its outcome (chat-approvals.ts).
  | { type: 'tool-input-available'; toolCallId: string; toolName: string; input: unknown }
  | { type: 'tool-approval-request'; approvalId: string; toolCallId: string }
  | { type: 'tool-output-available'; toolCallId: string; output: unknown }
  | { type: 'tool-output-error'; toolCallId: string; errorText: string }
  | { type: 'error'; errorText: string }
  | { type: 'finish' };

export const UI_MESSAGE_STREAM_HEADERS = {
  'content-type': 'text/event-stream',
  'cache-control': 'no-cache',
  connection: 'keep-alive',
  'x-vercel-ai-ui-message-stream': 'v1',
  // nginx and friends buffer responses by default; an SSE stream must not be.
  'x-accel-buffering': 'no',
} as const;

/** Writes protocol parts to one response; writes after the client left are dropped, not thrown. */
export class UIMessageStreamWriter {
  private closed = false;
  private heartbeat: NodeJS.Timeout | null = null;

  constructor(private readonly res: Response) {
    res.on('close', () => {
      this.closed = true;
      this.stopHeartbeat();
    });
  }

  /** Send the status and headers now, so the client sees the stream open before the (possibly slow) answer. */
  open(): void {
    this.res.status(200);
    // setHeader, not res.set: Express would append "; charset=utf-8" to the content type.
    for (const [name, value] of Object.entries(UI_MESSAGE_STREAM_HEADERS)) this.res.setHeader(name, value);
    this.res.flushHeaders();
  }

  /** True while the client is still listening. */
  get isOpen(): boolean {
    return !this.closed && !this.res.writableEnded;
  }

  write(chunk: UIMessageChunk): void {
    if (this.isOpen) this.res.write(`data: ${JSON.stringify(chunk)}\n\n`);
  }

  /** A whole text as one text part (start, one delta, end). */
  text(id: string, text: string): void {
    this.write({ type: 'text-start', id });
    this.write({ type: 'text-delta', id, delta: text });
    this.write({ type: 'text-end', id });
  }

  /**
   * SSE comment lines every `everyMs` while the answer is being worked out:
   * clients ignore them, but proxies that drop idle connections see traffic.
   */
  startHeartbeat(everyMs: number): void {
    this.heartbeat = setInterval(() => {
      if (this.isOpen) this.res.write(': keep-alive\n\n');
    }, everyMs);
    this.heartbeat.unref();
  }

  /** `data: [DONE]` and end of response. */
  end(): void {
    this.stopHeartbeat();
    if (!this.isOpen) return;
    this.res.write('data: [DONE]\n\n');
    this.res.end();
  }

  private stopHeartbeat(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
  }
}
