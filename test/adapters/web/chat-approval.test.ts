/**
 * AI SDK tool approval on /api/chat, driven by the `ai` package's own chat
 * client (AbstractChat + DefaultChatTransport, as useChat uses them): a draft
 * arrives as a `send_message` tool call needing approval; the client approves
 * it with addToolApprovalResponse and sends automatically
 * (lastAssistantMessageIsCompleteWithApprovalResponses); the server confirms
 * that exact version, the relay is called once, and the outcome comes back as
 * the tool's output. An AI SDK 5 client still reads the stream without error.
 */
import { AbstractChat, DefaultChatTransport, lastAssistantMessageIsCompleteWithApprovalResponses, type ChatInit, type ChatState, type ChatStatus, type UIMessage } from 'ai';
import * as v5 from 'ai-v5';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpRelay } from '../../../src/adapters/relay/index.js';
import { startFakeRelay, type FakeRelay } from '../../fakes/relay-server.js';
import { until } from '../../reliability/support.js';
import { chatBody, postJson, readEvents, startWebFixture, type WebFixture } from './web-fixture.js';

/** The smallest ChatState: what useChat keeps in React state, kept in an array. */
class ArrayState<M> {
  status: ChatStatus = 'ready';
  error: Error | undefined = undefined;
  messages: M[] = [];
  pushMessage = (m: M) => void this.messages.push(m);
  popMessage = () => void this.messages.pop();
  replaceMessage = (i: number, m: M) => void (this.messages[i] = m);
  snapshot = <T>(thing: T): T => structuredClone(thing);
}

class TestChat extends AbstractChat<UIMessage> {
  constructor(options: ChatInit<UIMessage>) {
    super({ ...options, state: new ArrayState<UIMessage>() as unknown as ChatState<UIMessage> });
  }
}

type ToolPart = { type: string; state: string; toolCallId: string; approval?: { id: string; approved?: boolean }; output?: any; errorText?: string; input?: any };
const sendParts = (chat: { messages: UIMessage[] }): ToolPart[] =>
  chat.messages.flatMap((m) => m.parts).filter((p) => p.type === 'tool-send_message') as unknown as ToolPart[];

describe('AI SDK tool approval on /api/chat', () => {
  let relay: FakeRelay;
  let web: WebFixture;

  beforeAll(async () => {
    relay = await startFakeRelay({ apiKey: 'relay-key' });
    web = await startWebFixture({ relay: createHttpRelay({ baseUrl: relay.url, apiKey: 'relay-key' }) });
    web.app.worker.start();
  });
  afterAll(async () => {
    await web?.close();
    await relay?.close();
  });

  const newChat = (id: string, userId: string, onError?: (e: Error) => void) =>
    new TestChat({
      id,
      transport: new DefaultChatTransport({ api: `${web.base}/api/chat/build`, body: { userId } }),
      sendAutomaticallyWhen: lastAssistantMessageIsCompleteWithApprovalResponses,
      ...(onError ? { onError } : {}),
    });

  it('approves the draft from the chat client and streams the outcome as the tool output', async () => {
    const errors: Error[] = [];
    const chat = newChat('ai6-approve', 'dana', (e) => errors.push(e));
    await chat.sendMessage({ text: 'text +15557770001 The release is out.' });
    const [asked] = sendParts(chat);
    expect(asked).toMatchObject({ state: 'approval-requested', input: { channel: 'sms', to: '+15557770001', text: 'The release is out.', version: 1 } });
    const draftId = asked!.input.draftId as string;
    expect(asked!.approval!.id).toBe(`${draftId}:1`);
    // data-draft parts stay, next to the tool call.
    expect(chat.messages.at(-1)!.parts.some((p) => p.type === 'data-draft')).toBe(true);

    await chat.addToolApprovalResponse({ id: asked!.approval!.id, approved: true });
    await until(() => sendParts(chat)[0]?.state === 'output-available' && chat.status === 'ready', 'the tool output in the chat');
    expect(sendParts(chat)[0]!.output).toMatchObject({ status: 'sent', draftId, version: 1, decidedBy: 'web:dana' });
    expect(relay.requests.filter((r) => r.body?.to === '+15557770001')).toHaveLength(1);
    expect(errors).toEqual([]);
    // The outcome was appended to the same assistant message; no new draft was made for the approval round.
    expect(chat.messages.filter((m) => m.role === 'assistant')).toHaveLength(1);
    expect((await web.bot.history({ platform: 'web', userId: 'dana' })).filter((d) => d.conversation.chatId === 'ai6-approve')).toHaveLength(1);

    // The same approval sent again (a retried request) reports the outcome; nothing is sent twice.
    const retried = await postJson(`${web.base}/api/chat`, {
      id: 'ai6-approve',
      userId: 'dana',
      messages: [
        chat.messages[0],
        { id: 'a-retry', role: 'assistant', parts: [{ type: 'tool-send_message', toolCallId: asked!.toolCallId, state: 'approval-responded', input: asked!.input, approval: { id: `${draftId}:1`, approved: true } }] },
      ],
    });
    const events = (await readEvents(retried)) as { type?: string; output?: unknown }[];
    expect(events.find((e) => e.type === 'tool-output-available')).toMatchObject({ toolCallId: asked!.toolCallId, output: { status: 'sent', decidedBy: 'web:dana' } });
    expect(relay.requests.filter((r) => r.body?.to === '+15557770001')).toHaveLength(1);
    // Someone else answering it is refused with the sentence.
    const stranger = await postJson(`${web.base}/api/chat`, {
      id: 'ai6-approve',
      userId: 'mallory',
      messages: [{ id: 'a-x', role: 'assistant', parts: [{ type: 'tool-send_message', toolCallId: 'x', state: 'approval-responded', input: {}, approval: { id: `${draftId}:1`, approved: false } }] }],
    });
    expect(((await readEvents(stranger)) as { type?: string; errorText?: string }[]).find((e) => e.type === 'tool-output-error')?.errorText).toBe('Only dana, who asked for this message, can cancel it.');
  });

  it('cancels the exact version when the approval is denied; nothing is sent', async () => {
    const chat = newChat('ai6-deny', 'erin');
    await chat.sendMessage({ text: 'text +15557770002 Please ignore.' });
    const [asked] = sendParts(chat);
    await chat.addToolApprovalResponse({ id: asked!.approval!.id, approved: false });
    await until(() => sendParts(chat)[0]?.state === 'output-available' && chat.status === 'ready', 'the denial answered');
    expect(sendParts(chat)[0]!.output).toMatchObject({ status: 'cancelled', decidedBy: 'web:erin' });
    expect(relay.requests.filter((r) => r.body?.to === '+15557770002')).toHaveLength(0);
  });

  it('refuses an approval of a version that is no longer the draft\'s, with the sentence a person would read', async () => {
    const chat = newChat('ai6-stale', 'finn');
    await chat.sendMessage({ text: 'text +15557770003 First words.' });
    const [asked] = sendParts(chat);
    const draftId = asked!.input.draftId as string;
    const edited = await fetch(`${web.base}/api/drafts/${draftId}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userId: 'finn', version: 1, text: 'Second words.' }),
    });
    expect(edited.status).toBe(200);
    await chat.addToolApprovalResponse({ id: asked!.approval!.id, approved: true });
    await until(() => sendParts(chat)[0]?.state === 'output-error' && chat.status === 'ready', 'the refusal');
    expect(sendParts(chat)[0]!.errorText).toMatch(/you saw v1; it is now v2/);
    expect(relay.requests.filter((r) => r.body?.to === '+15557770003')).toHaveLength(0);
  });

  it('makes no second draft when the answer is regenerated', async () => {
    const chat = newChat('ai6-regenerate', 'gail');
    await chat.sendMessage({ text: 'text +15557770004 Only once.' });
    await chat.regenerate();
    const drafts = (await web.bot.history({ platform: 'web', userId: 'gail' })).filter((d) => d.conversation.chatId === 'ai6-regenerate');
    expect(drafts).toHaveLength(1);
    const [again] = sendParts(chat);
    expect(again!.input.draftId).toBe(drafts[0]!.id);
    // A request whose last message is the assistant's makes none either.
    const body = chatBody('ai6-regenerate', 'text +15557770004 Only once.', 'gail') as { messages: unknown[] };
    body.messages.push({ id: 'a-1', role: 'assistant', parts: [{ type: 'text', text: 'Here is your draft.' }] });
    await (await postJson(`${web.base}/api/chat`, body)).text();
    expect((await web.bot.history({ platform: 'web', userId: 'gail' })).filter((d) => d.conversation.chatId === 'ai6-regenerate')).toHaveLength(1);
  });

  it('is read without error by an AI SDK 5 chat client', async () => {
    // The v5 transport validates every chunk against v5's list, which has no tool-approval-request: such clients send toolApproval: false.
    const errors: Error[] = [];
    const chat = new (class extends v5.AbstractChat<v5.UIMessage> {
      constructor() {
        super({
          id: 'ai5-chat',
          state: new ArrayState<v5.UIMessage>() as unknown as v5.ChatState<v5.UIMessage>,
          transport: new v5.DefaultChatTransport({ api: `${web.base}/api/chat`, body: { userId: 'hank', toolApproval: false } }),
          onError: (e) => errors.push(e),
        });
      }
    })();
    await chat.sendMessage({ text: 'text +15557770005 From an older client.' });
    expect(errors).toEqual([]);
    expect(chat.status).toBe('ready');
    const parts = chat.messages.at(-1)!.parts;
    expect(parts.some((p) => p.type === 'data-draft')).toBe(true);
    expect(parts.some((p) => p.type === 'text' && /draft/i.test(p.text))).toBe(true);

    // v5's stream reader itself takes the default stream (approval parts included) without error.
    const res = await postJson(`${web.base}/api/chat`, chatBody('ai5-reader', 'text +15557770006 Read me.', 'hank'));
    const chunks = (await res.text())
      .split('\n\n')
      .map((e) => e.replace(/^data: /, ''))
      .filter((d) => d.startsWith('{'))
      .map((d) => JSON.parse(d) as v5.UIMessageChunk);
    let last: v5.UIMessage | undefined;
    for await (const message of v5.readUIMessageStream({ stream: new ReadableStream({ start: (c) => { chunks.forEach((x) => c.enqueue(x)); c.close(); } }), onError: (e) => errors.push(e as Error) })) last = message;
    expect(errors).toEqual([]);
    expect(last!.parts.map((p) => p.type)).toEqual(expect.arrayContaining(['text', 'data-draft', 'tool-send_message']));
  });
});
