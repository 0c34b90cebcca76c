/**
 * AI SDK tool approval on `/api/chat`: every draft is also streamed as a
 * `send_message` tool call that needs approval, so a stock `useChat` client
 * (AI SDK 6: `addToolApprovalResponse` +
 * `lastAssistantMessageIsCompleteWithApprovalResponses`) can approve it with
 * no custom code. The approval id is `<draftId>:<version>`: answering it
 * decides exactly that version, as the body's `userId`, through the same
 * RelayBot checks as every other front-end.
 */
import { AppError } from '../../core/errors.js';
import { isFinal, type Draft } from '../../core/draft.js';
import type { Clock } from '../../core/ports.js';
import { actorKey, type Actor } from '../../core/send-request.js';
import type { RelayBot } from '../../app/relaybot.js';
import type { ChatBody } from './chat-route.js';
import type { UIMessageChunk, UIMessageStreamWriter } from './ui-message-stream.js';

export const SEND_TOOL = 'send_message';

/** One tool call per draft version: an edited draft is a new call needing a new approval. */
export const toolCallIdOf = (draft: Pick<Draft, 'id' | 'version'>): string => `send-${draft.id}-v${draft.version}`;
export const approvalIdOf = (draft: Pick<Draft, 'id' | 'version'>): string => `${draft.id}:${draft.version}`;

/** The draft as a tool call awaiting approval: `tool-input-available`, then `tool-approval-request`. */
export function draftToolChunks(draft: Draft): UIMessageChunk[] {
  const toolCallId = toolCallIdOf(draft);
  return [
    {
      type: 'tool-input-available',
      toolCallId,
      toolName: SEND_TOOL,
      // Everything the approval covers, the send time included when there is one.
      input: {
        draftId: draft.id, version: draft.version, channel: draft.channel, to: draft.to, text: draft.text, subject: draft.subject,
        ...(draft.sendAt && { sendAt: draft.sendAt.toISOString() }),
      },
    },
    { type: 'tool-approval-request', approvalId: approvalIdOf(draft), toolCallId },
  ];
}

export interface ApprovalResponse {
  toolCallId: string;
  draftId: string;
  version: number;
  approved: boolean;
}

interface ToolPart {
  type: string;
  toolName?: unknown;
  toolCallId?: unknown;
  state?: unknown;
  approval?: { id?: unknown; approved?: unknown };
}

/**
 * The approvals answered in the last message, when it is the assistant's:
 * `send_message` parts (static `tool-send_message` or dynamic) in state
 * `approval-responded`. Anything else in the history is ignored.
 */
export function approvalResponses(body: ChatBody): ApprovalResponse[] {
  const last = body.messages.at(-1);
  if (!last || last.role !== 'assistant') return [];
  const responses: ApprovalResponse[] = [];
  for (const part of last.parts as ToolPart[]) {
    const isSendTool = part.type === `tool-${SEND_TOOL}` || (part.type === 'dynamic-tool' && part.toolName === SEND_TOOL);
    if (!isSendTool || part.state !== 'approval-responded' || typeof part.toolCallId !== 'string') continue;
    const id = part.approval?.id;
    const match = typeof id === 'string' ? /^([^:]{1,200}):([1-9]\d{0,8})$/.exec(id) : null;
    if (!match || typeof part.approval?.approved !== 'boolean') continue;
    responses.push({ toolCallId: part.toolCallId, draftId: match[1]!, version: Number(match[2]), approved: part.approval.approved });
  }
  return responses;
}

export interface AnswerApprovalsDeps {
  bot: RelayBot;
  clock: Clock;
  /** How long to wait for the outcome before answering with the status as it is then. */
  waitMs: number;
  /** How often the draft is re-read while waiting (default 250 ms). */
  pollMs?: number;
}

/** What `tool-output-available` reports for a draft. */
function outcome(draft: Draft, now: Date): Record<string, unknown> {
  const status = draft.status === 'pending' && draft.expiresAt <= now ? 'expired' : draft.status;
  return {
    status,
    draftId: draft.id,
    version: draft.version,
    ...(draft.decidedBy ? { decidedBy: actorKey(draft.decidedBy) } : {}),
    ...(draft.status === 'sent' ? { dryRun: draft.dryRun } : {}),
    ...(draft.failureReason ? { error: draft.failureReason } : {}),
  };
}

/**
 * Decide each answered approval as `actor` — confirm approved ones, cancel
 * denied ones, at exactly the version the approval named — and stream each
 * outcome once it is final (or the status when `waitMs` runs out). A refusal
 * (not an approver, a changed version, already decided) is `tool-output-error`
 * with the sentence a person would read.
 */
export async function answerApprovals(deps: AnswerApprovalsDeps, stream: UIMessageStreamWriter, responses: ApprovalResponse[], actor: Actor): Promise<void> {
  const deadline = Date.now() + deps.waitMs;
  const decided: { toolCallId: string; draft: Draft }[] = [];
  for (const response of responses) {
    try {
      const draft = response.approved
        ? await deps.bot.confirm(response.draftId, actor, response.version)
        : await deps.bot.cancel(response.draftId, actor, response.version);
      decided.push({ toolCallId: response.toolCallId, draft });
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      // The same answer sent again (a retried request): report the outcome it already had.
      const already = await deps.bot.getDraft(response.draftId);
      if (already && sameDecision(already, response, actor)) decided.push({ toolCallId: response.toolCallId, draft: already });
      else stream.write({ type: 'tool-output-error', toolCallId: response.toolCallId, errorText: error.message });
    }
  }
  for (const { toolCallId, draft } of decided) {
    let current: Draft | null = draft;
    while (current && !isFinal(current.status) && Date.now() < deadline && stream.isOpen) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(deps.pollMs ?? 250, Math.max(0, deadline - Date.now()))));
      current = await deps.bot.getDraft(draft.id);
    }
    stream.write({ type: 'tool-output-available', toolCallId, output: outcome(current ?? draft, deps.clock.now()) });
  }
}

/** Was this draft already decided by `actor`, at the answered version, the way the answer says? */
function sameDecision(draft: Draft, response: ApprovalResponse, actor: Actor): boolean {
  if (!draft.decidedBy || actorKey(draft.decidedBy) !== actorKey(actor) || draft.version !== response.version) return false;
  return response.approved ? draft.status !== 'cancelled' && draft.status !== 'pending' && draft.status !== 'expired' : draft.status === 'cancelled';
}
