import { describe, expect, it } from 'vitest';
import { decodeCardRef, encodeCardRef } from '../../../src/adapters/slack/card-ref.js';
import { escapeMrkdwn, slackTextToPlain } from '../../../src/adapters/slack/slack-text.js';

describe('slackTextToPlain', () => {
  it('turns Slack-formatted text back into the words typed', () => {
    expect(slackTextToPlain('text <tel:+15551234567|+1 555 123 4567> done &amp; dusted &lt;3')).toBe('text +1 555 123 4567 done & dusted <3');
    expect(slackTextToPlain('email <mailto:ops@example.com|ops@example.com> hi')).toBe('email ops@example.com hi');
    expect(slackTextToPlain('see <https://example.com/x>')).toBe('see https://example.com/x');
    expect(slackTextToPlain('in <#C123|deploys> tell <!here>')).toBe('in #deploys tell @here');
  });

  it('drops the mention of the bot itself and keeps other mentions', () => {
    expect(slackTextToPlain('<@UBOT> tell <@U42> hi', 'UBOT')).toBe('tell <@U42> hi');
  });

  it('keeps line breaks of a multi-line message', () => {
    expect(slackTextToPlain('line one\nline two')).toBe('line one\nline two');
  });
});

describe('escapeMrkdwn', () => {
  it('escapes the three characters Slack parses', () => {
    expect(escapeMrkdwn('<!channel> & <@U1>')).toBe('&lt;!channel&gt; &amp; &lt;@U1&gt;');
  });
});

describe('card refs', () => {
  it('round-trip a posted message and a response_url', () => {
    const msg = { kind: 'message', channel: 'C0DEPLOY1', ts: '1700000000.000100' } as const;
    const url = { kind: 'response_url', url: 'https://hooks.slack.com/actions/T1/2/abc' } as const;
    expect(decodeCardRef(encodeCardRef(msg))).toEqual(msg);
    expect(decodeCardRef(encodeCardRef(url))).toEqual(url);
  });

  it('ignore refs written by other front-ends', () => {
    expect(decodeCardRef('12345')).toBeNull();
    expect(decodeCardRef(null)).toBeNull();
    expect(decodeCardRef('url:javascript:alert(1)')).toBeNull();
  });
});
