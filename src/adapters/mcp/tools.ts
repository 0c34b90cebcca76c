/**
 * The MCP tools an agent has: request_send, get_send_status, cancel_send.
 * Inputs are zod schemas (the SDK validates them and lists them as JSON
 * Schema); results carry `structuredContent` matching each tool's
 * `outputSchema`. A refusal is a tool result with `isError: true` whose text
 * is the same sentence a person would read — never an exception with
 * internals. There is no tool to approve or edit: a person does that.
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type { CallToolResult, ServerNotification, ServerRequest } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { AgentDraftStatus, AgentRequests } from '../../app/agent-requests.js';
import { AppError, userMessage } from '../../core/errors.js';
import { DRAFT_STATUSES } from '../../core/draft.js';
import type { Logger } from '../../core/ports.js';
import type { Policy } from '../../core/policy.js';
import { channelSchema, type Actor } from '../../core/send-request.js';

export interface AgentToolsDeps {
  requests: AgentRequests;
  policy: Policy;
  logger: Logger;
}

const statusShape = {
  draftId: z.string(),
  version: z.number().int().describe('The version approvers see; an approval names it, so what is sent is exactly this content.'),
  status: z.enum(DRAFT_STATUSES).describe('pending (waiting for a person), confirmed/sending, sent, failed, cancelled or expired'),
  expiresAt: z.string().describe('ISO time after which the draft can no longer be approved'),
  reason: z.string().nullable(),
  decidedBy: z.string().optional().describe('platform:userId of the person who approved or cancelled'),
  decidedAt: z.string().optional(),
  sentAt: z.string().optional(),
  error: z.string().optional().describe('why sending failed'),
};

const requestSendInput = {
  channel: channelSchema.optional().describe('sms, wa, tg, email, notify, tg_bot or pchat (with to and text)'),
  to: z.string().max(1000).optional().describe('phone number (E.164), email address, Telegram handle…'),
  text: z.string().max(100_000).optional().describe('the message, exactly as it should be sent'),
  subject: z.string().max(1000).optional().describe('email subject'),
  words: z.string().max(20_000).optional().describe('instead of channel/to/text: the request in plain words, e.g. "text +15551234567 that the build is green"'),
  reason: z.string().max(1000).optional().describe('why you want this sent; shown to the approver on the card and kept in the audit log'),
  wait_seconds: z.number().int().min(0).max(300).optional().describe('wait up to this many seconds for a person to decide (0–300; default 0)'),
};

const draftIdInput = { draftId: z.string().min(1).max(200).describe('the draftId request_send returned') };

/** A refusal as the agent reads it: the person-facing sentence, flagged as an error. */
function refusal(error: unknown, logger: Logger, tool: string): CallToolResult {
  if (!(error instanceof AppError)) logger.error({ err: error instanceof Error ? error.name : 'unknown', tool }, 'mcp tool failed');
  // No structuredContent: clients validate it against the tool's outputSchema, which describes success.
  return { isError: true, content: [{ type: 'text', text: userMessage(error) }] };
}

function result(status: AgentDraftStatus & Record<string, unknown>, text: string): CallToolResult {
  return { content: [{ type: 'text', text }], structuredContent: status };
}

function sentence(s: AgentDraftStatus): string {
  switch (s.status) {
    case 'pending':
      return `Draft ${s.draftId} v${s.version} is waiting for a person to approve it (until ${s.expiresAt}). Nothing is sent before that.`;
    case 'confirmed':
    case 'sending':
      return `Draft ${s.draftId} was approved by ${s.decidedBy ?? 'a person'} and is being sent.`;
    case 'sent':
      return `Draft ${s.draftId} was approved by ${s.decidedBy ?? 'a person'} and sent.`;
    case 'failed':
      return `Draft ${s.draftId} was approved but sending failed: ${s.error ?? 'the relay did not accept it'}.`;
    case 'cancelled':
      return `Draft ${s.draftId} was cancelled${s.decidedBy ? ` by ${s.decidedBy}` : ''}; nothing was sent.`;
    default:
      return `Draft ${s.draftId} expired without a decision; nothing was sent.`;
  }
}

type ToolExtra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/**
 * While a long wait runs, tell a client that asked for progress (a
 * `progressToken`) every 10 s, so one using `resetTimeoutOnProgress` does not
 * give up on a wait it asked for (the SDK client's default timeout is 60 s).
 */
async function withProgress<T>(extra: ToolExtra, totalSeconds: number, work: () => Promise<T>): Promise<T> {
  const progressToken = extra._meta?.progressToken;
  if (progressToken === undefined) return work();
  const started = Date.now();
  const timer = setInterval(() => {
    const progress = Math.min(totalSeconds, Math.round((Date.now() - started) / 1000));
    void extra
      .sendNotification({ method: 'notifications/progress', params: { progressToken, progress, total: totalSeconds, message: 'waiting for a person to decide' } })
      .catch(() => {});
  }, 10_000);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}

export function registerAgentTools(server: McpServer, deps: AgentToolsDeps, agent: Actor): void {
  const { requests, policy, logger } = deps;

  server.registerTool(
    'request_send',
    {
      title: 'Request a message send (a person approves it)',
      description:
        'Ask relaybot to send an SMS, WhatsApp, Telegram, email or push notification. It becomes a draft that a listed person must approve ' +
        '(on Slack, Telegram or the web console) before anything is sent, exactly once. Give channel, to and text — or words. ' +
        'Say why in reason. With wait_seconds, the call returns once the draft is sent, failed, cancelled or expired, or when the wait ends.',
      inputSchema: requestSendInput,
      outputSchema: { ...statusShape, approvers: z.array(z.string()), notified: z.array(z.string()) },
      annotations: { destructiveHint: false, idempotentHint: false, openWorldHint: true },
    },
    async (input, extra) => {
      try {
        const structured = input.channel !== undefined || input.to !== undefined || input.text !== undefined;
        if (structured && input.words !== undefined) throw new AppError('invalid:request', 'words: give either channel, to and text, or words — not both.');
        if (!structured && input.words === undefined) throw new AppError('invalid:request', 'Give channel, to and text (or words describing the message).');
        if (structured && (input.channel === undefined || input.to === undefined || input.text === undefined)) {
          const missing = (['channel', 'to', 'text'] as const).filter((k) => input[k] === undefined);
          throw new AppError('invalid:request', `${missing.join(', ')}: required with a structured request (channel, to and text).`);
        }
        const draft = await requests.request({
          agent,
          ...(structured ? { request: { channel: input.channel!, to: input.to!, text: input.text!, subject: input.subject ?? null } } : { words: input.words! }),
          ...(input.reason?.trim() ? { reason: input.reason.trim() } : {}),
        });
        const status = input.wait_seconds
          ? await withProgress(extra, input.wait_seconds, () => requests.waitForOutcome(agent, draft.id, input.wait_seconds!, extra.signal))
          : await requests.describe(draft);
        const notified = policy.agents.notify.filter((d) => d === 'web' || d.includes(':'));
        return result({ ...status, approvers: policy.agents.approvers, notified }, sentence(status));
      } catch (error) {
        return refusal(error, logger, 'request_send');
      }
    },
  );

  server.registerTool(
    'get_send_status',
    {
      title: 'Where a requested send stands',
      description: 'The status of one of your requests: pending, sent, failed, cancelled or expired, who decided, and when it was sent.',
      inputSchema: draftIdInput,
      outputSchema: statusShape,
      annotations: { readOnlyHint: true },
    },
    async ({ draftId }) => {
      try {
        const status = await requests.status(agent, draftId);
        return result({ ...status }, sentence(status));
      } catch (error) {
        return refusal(error, logger, 'get_send_status');
      }
    },
  );

  server.registerTool(
    'cancel_send',
    {
      title: 'Withdraw a pending request',
      description: 'Cancel one of your own requests while it still waits for approval. Nothing is sent; every card shows it was cancelled.',
      inputSchema: draftIdInput,
      outputSchema: statusShape,
      annotations: { destructiveHint: true, idempotentHint: true },
    },
    async ({ draftId }) => {
      try {
        const status = await requests.cancel(agent, draftId);
        return result({ ...status }, sentence(status));
      } catch (error) {
        return refusal(error, logger, 'cancel_send');
      }
    },
  );
}
