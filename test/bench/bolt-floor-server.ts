/**
 * The floor of the Slack path: a bare Bolt app, configured as relaybot's
 * (ExpressReceiver on /slack/events, signatures verified, ack before work),
 * whose `/send` listener only acks. Its ack latency under the same burst is
 * what any Bolt app pays on this machine; relaybot's is compared with it.
 * Run as its own process, as the server is; prints its URL.
 */
import type { AddressInfo } from 'node:net';
import { App, ExpressReceiver, LogLevel } from '@slack/bolt';

const signingSecret = process.env.SLACK_SIGNING_SECRET;
if (!signingSecret) throw new Error('bolt floor: SLACK_SIGNING_SECRET is required');

const receiver = new ExpressReceiver({ signingSecret, endpoints: '/slack/events', processBeforeResponse: false, logLevel: LogLevel.ERROR });
// A fixed authorization: the floor talks to no Slack API (relaybot's auth.test runs once, at start).
const app = new App({
  receiver,
  authorize: async () => ({ botToken: 'xoxb-bench', botId: 'B0BENCH', botUserId: 'U0BENCH' }),
  logLevel: LogLevel.ERROR,
});
app.command('/send', async ({ ack }) => {
  await ack({ response_type: 'ephemeral', text: 'Drafting…' });
});

const server = receiver.app.listen(0, '127.0.0.1', () => {
  console.log(`bolt floor listening at http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
