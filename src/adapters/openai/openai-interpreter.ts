import OpenAI from 'openai';
import type {
  ChatCompletionMessage,
  ChatCompletionMessageFunctionToolCall,
  ChatCompletionMessageParam,
} from 'openai/resources/chat/completions';
import { clipAnswer, type Interpretation, type InterpretContext } from '../../core/interpretation.js';
import type { Interpreter } from '../../core/ports.js';
import { capturesContent, inSpan, setContent, SpanKind } from '../../app/tracing.js';
import { modelUnavailable } from './model-error.js';
import { contextPrompt, SYSTEM_PROMPT } from './system-prompt.js';
import { questionFor, readToolCall, type ToolOutcome } from './tool-arguments.js';
import { ASK_TOOL, SEND_TOOL, TOOLS } from './tools.js';

export interface OpenAIInterpreterOptions {
  apiKey: string;
  /** Any OpenAI-compatible server (vLLM, Ollama, llama.cpp): e.g. `http://127.0.0.1:11434/v1`. Default: OpenAI. */
  baseURL?: string | undefined;
  /** Default `gpt-4o-mini`. */
  model?: string | undefined;
  /** Per request, in ms; default 20 000 — two requests (one retry) still fit the chat endpoint's 60 s. */
  timeoutMs?: number | undefined;
  /** The SDK's own retries on 429/5xx/network; default 1. */
  maxRetries?: number | undefined;
}

const FALLBACK_REPLY =
  'I draft SMS, WhatsApp, Telegram, email and push messages for you to confirm. Who should I message, and what should it say?';

/** What one model answer amounts to; `invalid` keeps the call so the retry can answer it. */
type Reading =
  | Exclude<ToolOutcome, { kind: 'invalid' }>
  | { kind: 'reply'; text: string }
  | (Extract<ToolOutcome, { kind: 'invalid' }> & { call: ChatCompletionMessageFunctionToolCall; content: string | null });

/**
 * The Interpreter port over OpenAI chat completions with tool calling. The
 * model proposes (send_message), asks (ask_user) or answers in text; its
 * arguments are validated here, and malformed ones get exactly one retry.
 * Bad model output never throws; only an unreachable model does.
 */
export function createOpenAIInterpreter(options: OpenAIInterpreterOptions): Interpreter {
  const model = options.model ?? 'gpt-4o-mini';
  const client = new OpenAI({
    apiKey: options.apiKey,
    ...(options.baseURL ? { baseURL: options.baseURL } : {}),
    timeout: options.timeoutMs ?? 20_000,
    maxRetries: options.maxRetries ?? 1,
  });

  /** One model call, as a span under the OpenTelemetry GenAI semantic conventions (prompts and output only with content capture). */
  function complete(messages: ChatCompletionMessageParam[]): Promise<ChatCompletionMessage> {
    const attributes = { 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai', 'gen_ai.system': 'openai', 'gen_ai.request.model': model };
    return inSpan(`chat ${model}`, { kind: SpanKind.CLIENT, attributes }, async (span) => {
      if (capturesContent()) setContent(span, { 'gen_ai.input.messages': JSON.stringify(messages) });
      let message: ChatCompletionMessage | undefined;
      try {
        const completion = await client.chat.completions.create({ model, messages, tools: TOOLS, tool_choice: 'auto' });
        const choice = completion.choices?.[0];
        message = choice?.message;
        span.setAttributes({
          'gen_ai.response.id': completion.id,
          'gen_ai.response.model': completion.model,
          ...(choice?.finish_reason ? { 'gen_ai.response.finish_reasons': [choice.finish_reason] } : {}),
          ...(completion.usage
            ? { 'gen_ai.usage.input_tokens': completion.usage.prompt_tokens, 'gen_ai.usage.output_tokens': completion.usage.completion_tokens }
            : {}),
        });
      } catch (error) {
        throw modelUnavailable(error, model);
      }
      if (!message) throw modelUnavailable(new Error('The response had no choices.'), model);
      if (capturesContent()) setContent(span, { 'gen_ai.output.messages': JSON.stringify([message]) });
      return message;
    });
  }

  return {
    name: 'openai',
    async interpret(text: string, context: InterpretContext): Promise<Interpretation> {
      const messages = buildMessages(text, context);
      const first = read(await complete(messages), context);
      if (first.kind !== 'invalid') return first;

      // One retry, telling the model what was wrong, in the tool-result slot the API expects.
      const retry: ChatCompletionMessageParam[] = [
        ...messages,
        { role: 'assistant', content: first.content, tool_calls: [first.call] },
        {
          role: 'tool',
          tool_call_id: first.call.id,
          content: `Error: ${first.problem}. Call ${SEND_TOOL} again with valid arguments (channel, to and text as strings, subject a string or null), or call ${ASK_TOOL} if something is missing. Do not guess.`,
        },
      ];
      const second = read(await complete(retry), { ...context, pending: first.partial });
      if (second.kind !== 'invalid') return second;
      return { kind: 'question', text: `I could not put that request together. ${questionFor(second.partial)}`, partial: second.partial };
    },
  };
}

/** System rules, conversation facts, earlier turns, then the new message — user words only ever in user turns. */
export function buildMessages(text: string, context: InterpretContext): ChatCompletionMessageParam[] {
  return [
    { role: 'system', content: SYSTEM_PROMPT },
    { role: 'system', content: contextPrompt(context) },
    ...context.history.map((turn): ChatCompletionMessageParam => ({ role: turn.role, content: turn.text })),
    { role: 'user', content: text },
  ];
}

function read(message: ChatCompletionMessage, context: InterpretContext): Reading {
  const call = message.tool_calls?.[0];
  if (call) {
    // Several calls in one answer: the first decides; one draft per message keeps the card honest.
    const fn = call.type === 'function' ? call : { id: call.id, type: 'function' as const, function: { name: call.custom.name, arguments: call.custom.input } };
    const fixed: ChatCompletionMessageFunctionToolCall = { ...fn, id: fn.id || 'call_0' };
    const outcome = readToolCall(fixed.function.name, fixed.function.arguments, context);
    if (outcome.kind === 'invalid') return { ...outcome, call: fixed, content: message.content === null ? null : clipAnswer(message.content) };
    return outcome.kind === 'question' ? { ...outcome, text: clipAnswer(outcome.text) } : outcome;
  }
  // Cut before it travels further: a model may answer megabytes.
  const said = clipAnswer((message.content ?? message.refusal ?? '').trim());
  return { kind: 'reply', text: said || FALLBACK_REPLY };
}
